/** What the recent usage windows, their late claims and the call index share: item sizes and codec. */
import { gunzipSync, gzipSync } from 'node:zlib';

/** Gzipped bytes per item: DynamoDB items end at 400 KB, keys and other attributes included. */
export const MAX_PART_BYTES = 300_000;
export const WRITES_AT_ONCE = 8;

const SHARD_PREFIX = 'USAGE#RECENT#';
export const shardPartition = (shard: number) => `${SHARD_PREFIX}${shard}`;
export const shardOfPartition = (pk: unknown) => Number(String(pk).slice(SHARD_PREFIX.length));

export const gzipJson = (value: unknown) => gzipSync(JSON.stringify(value));
export const gunzipJson = <T>(bytes: unknown): T => JSON.parse(gunzipSync(bytes as Uint8Array).toString('utf8')) as T;
