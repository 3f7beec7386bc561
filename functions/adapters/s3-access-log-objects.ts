/**
 * Access-log objects in the usage bucket: Firehose writes each stage's access log there as GZIP
 * objects of newline-delimited lines (AppendDelimiterToRecord), the local pipeline the same. One
 * GetObject per object (s3:GetObject on `access-logs/*`, $0.0004 per 1,000).
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';

/** gzip's magic bytes: an object written without compression is read as it is. */
const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

export class S3AccessLogObjects {
  constructor(private readonly client: S3Client) {}

  /** The object's non-empty lines. */
  async lines(bucket: string, key: string): Promise<string[]> {
    const result = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = (await result.Body?.transformToByteArray()) ?? new Uint8Array();
    // gunzipSync reads concatenated gzip members too, as Firehose may write them.
    const text = (isGzip(bytes) ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
    return text.split('\n').filter((line) => line.trim() !== '');
  }
}

const notification = z.object({
  Event: z.optional(z.string()),
  Records: z.optional(
    z.array(
      z.object({
        eventName: z.string(),
        // An unparseable time would make the object's age NaN, dropped as too old: fail the message instead.
        eventTime: z.iso.datetime({ offset: true }),
        s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
      }),
    ),
  ),
});

export interface CreatedObject {
  bucket: string;
  /** Decoded: S3 URL-encodes keys in notifications, with `+` for a space. */
  key: string;
  /** The notification's eventTime, epoch ms. */
  createdAt: number;
}

/**
 * The objects an S3 event notification (an SQS message's body) reports created. S3 sends an
 * `s3:TestEvent` when the notification is set up: it reports none. Throws on a body that is not a
 * notification.
 */
export function createdObjectsOf(body: string): CreatedObject[] {
  const parsed = notification.parse(JSON.parse(body));
  if (parsed.Event === 's3:TestEvent') return [];
  if (!parsed.Records) throw new Error('The message is not an S3 event notification: it has no Records');
  return parsed.Records.filter((record) => record.eventName.startsWith('ObjectCreated:')).map((record) => ({
    bucket: record.s3.bucket.name,
    key: decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
    createdAt: Date.parse(record.eventTime),
  }));
}
