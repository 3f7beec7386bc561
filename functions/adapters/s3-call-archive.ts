/**
 * CallArchive on S3: usage-ingest PUTs one object per window under `call-log/` in the usage bucket
 * (s3:PutObject, $0.005 per 1,000); the call log reads one section with a ranged GET
 * (s3:GetObject, $0.0004 per 1,000, whatever the range). The bucket's lifecycle rule deletes the
 * objects after CALL_LOG_OBJECT_RETENTION_DAYS.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CallArchive, CallSectionRef } from '../domain/usage/usage-model';

/** S3's answer to a conditional PUT of an object that exists: 412 Precondition Failed. */
function isAlreadyThere(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'PreconditionFailed' || status === 412;
}

export class S3CallArchive implements CallArchive {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * Only if the object is not there yet (If-None-Match: *; S3 answers 412 otherwise): a redelivered
   * window's object may already be indexed by its offsets, and the same calls compressed by another
   * zlib (a runtime update between deliveries) could move them. The local S3 (fauxqs 1.9) ignores
   * the header and rewrites, which is harmless there: the same runtime writes the same bytes.
   */
  async put(object: string, body: Uint8Array): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: object,
          Body: body,
          // Sections are gzip members read by range: a Content-Encoding would have HTTP clients
          // decompress the whole object, so the object stays opaque bytes.
          ContentType: 'application/octet-stream',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      if (!isAlreadyThere(error)) throw error;
    }
  }

  async read(section: Pick<CallSectionRef, 'object' | 'offset' | 'length'>): Promise<Uint8Array> {
    if (section.length <= 0) return new Uint8Array();
    const result = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: section.object,
        Range: `bytes=${section.offset}-${section.offset + section.length - 1}`,
      }),
    );
    const bytes = await result.Body?.transformToByteArray();
    if (!bytes || bytes.length !== section.length) {
      throw new Error(`${section.object}: read ${bytes?.length ?? 0} bytes of a ${section.length}-byte section`);
    }
    return bytes;
  }
}
