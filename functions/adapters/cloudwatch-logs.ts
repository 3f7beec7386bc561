/** What a CloudWatch Logs subscription hands a Lambda function: base64 of gzip of JSON. */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent, CloudWatchLogsLogEvent } from 'aws-lambda';

export function decodeLogsEvent(event: CloudWatchLogsEvent): CloudWatchLogsDecodedData {
  return JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'));
}

export function encodeLogsEvent(data: CloudWatchLogsDecodedData): CloudWatchLogsEvent {
  return { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } };
}

/** Names a batch by its log events' ids, so the same batch delivered again gets the same id. */
export function batchIdOf(data: Pick<CloudWatchLogsDecodedData, 'logGroup' | 'logStream' | 'logEvents'>): string {
  const hash = createHash('sha256').update(`${data.logGroup}\n${data.logStream}\n`);
  for (const event of data.logEvents as CloudWatchLogsLogEvent[]) hash.update(`${event.id}\n`);
  return hash.digest('base64url').slice(0, 16);
}
