/**
 * fauxqs keeps S3 in memory only, and the usage bucket holds the call-log archive that the call
 * index in DynamoDB (on disk) points at: without this, a restart of `npm start` would leave index
 * entries naming objects that are gone. This writes each object through to a folder as fauxqs
 * stores it, read back over fauxqs's own S3 API, and puts the folder back into a new fauxqs at
 * start, through the same API. One file per object, `<bucket>/<key
 * URL-encoded>`; bodies only (content type and user metadata are not kept, the platform sets none
 * it reads back). Only what the platform does is followed: CreateBucket, PutObject (and
 * CopyObject, CompleteMultipartUpload) and DeleteObject. The bucket's lifecycle rules (expiry by
 * prefix) are applied at start only: an object older than its rule is dropped instead of restored.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface S3Request {
  method: string;
  params: unknown;
  query: unknown;
  routeOptions: { url?: string };
}

/** What this needs of the fauxqs app (a Fastify instance), before it listens. */
export interface FauxqsApp {
  addHook(
    name: 'onSend',
    hook: (request: S3Request, reply: { statusCode: number }, payload: unknown) => Promise<unknown>,
  ): unknown;
}

const objectPath = (bucket: string, key: string) =>
  `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;

/** A key as one file name (no slash in it). */
const fileNameOf = encodeURIComponent;

/**
 * A key with a `.` or `..` segment cannot be put back (a URL resolves those segments away), and
 * one of them as a whole would name a folder: such keys (the platform writes none) are not kept.
 */
const keepable = (key: string) => !key.split('/').some((segment) => segment === '.' || segment === '..');

/**
 * Keeps `dir` in step with the app's S3 writes (registered before the app listens); once it
 * listens, `restore(endpoint)` puts what `dir` holds back into it.
 */
export function persistS3(app: FauxqsApp, dir: string, lifecycle: LifecycleRule[] = []) {
  let endpoint: string | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    if (!endpoint || reply.statusCode >= 300) return payload;
    const route = request.routeOptions.url;
    if (route !== '/:bucket' && route !== '/:bucket/*') return payload;
    const params = request.params as { bucket: string; '*'?: string };
    const key = params['*'] ?? '';
    const query = request.query as Record<string, string | undefined>;
    const bucketDir = join(dir, fileNameOf(params.bucket));
    if (!keepable(key)) return payload;
    if (!key) {
      if (request.method === 'PUT') mkdirSync(bucketDir, { recursive: true });
      return payload;
    }
    const file = join(bucketDir, fileNameOf(key));
    const written =
      (request.method === 'PUT' && !query.uploadId) || (request.method === 'POST' && query.uploadId !== undefined);
    if (written) {
      const stored = await fetch(`${endpoint}${objectPath(params.bucket, key)}`);
      if (stored.status === 200) {
        mkdirSync(bucketDir, { recursive: true });
        writeFileSync(file, Buffer.from(await stored.arrayBuffer()));
      }
    } else if (request.method === 'DELETE' && !query.uploadId) {
      rmSync(file, { force: true });
    }
    return payload;
  });
  return {
    /** Puts the folder's buckets and objects into the listening app, then follows its writes. */
    async restore(listeningAt: string) {
      await restore(listeningAt, dir, lifecycle);
      endpoint = listeningAt;
    },
  };
}

/** An expiry rule of a bucket's lifecycle configuration, as the CDK stack sets it. */
export interface LifecycleRule {
  prefix: string;
  expirationDays: number;
}

async function restore(endpoint: string, dir: string, lifecycle: LifecycleRule[]) {
  const now = Date.now();
  const expired = (key: string, modifiedMs: number) =>
    lifecycle.some((rule) => key.startsWith(rule.prefix) && now - modifiedMs > rule.expirationDays * 86_400_000);
  mkdirSync(dir, { recursive: true });
  for (const bucketEntry of readdirSync(dir, { withFileTypes: true })) {
    if (!bucketEntry.isDirectory()) continue;
    const bucket = decodeURIComponent(bucketEntry.name);
    await put(`${endpoint}/${encodeURIComponent(bucket)}`, undefined, bucket);
    const bucketDir = join(dir, bucketEntry.name);
    for (const name of readdirSync(bucketDir)) {
      const file = join(bucketDir, name);
      const stat = statSync(file);
      if (!stat.isFile()) continue;
      const key = decodeURIComponent(name);
      if (expired(key, stat.mtimeMs)) {
        rmSync(file);
        continue;
      }
      await put(`${endpoint}${objectPath(bucket, key)}`, readFileSync(file), `${bucket}/${key}`);
    }
  }
}

async function put(url: string, body: Buffer | undefined, what: string) {
  const response = await fetch(url, {
    method: 'PUT',
    ...(body && { body, headers: { 'content-type': 'application/octet-stream' } }),
  });
  if (!response.ok) {
    throw new Error(`Could not restore ${what} into the local S3 (${response.status}): ${await response.text()}`);
  }
}
