/** The local S3 (fauxqs, in memory) kept in a folder: a restart on the same folder finds the same objects. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createBucket, localS3Client } from '../../local/bootstrap';
import type { LifecycleRule } from '../../local/emulators/s3-persistence';
import { startSqs } from '../../local/emulators/sqs';

const BUCKET = 'usage';

async function withS3<T>(
  s3Dir: string,
  use: (s3: ReturnType<typeof localS3Client>) => Promise<T>,
  s3Lifecycle: LifecycleRule[] = [],
): Promise<T> {
  const emulator = await startSqs({ s3Dir, s3Lifecycle });
  const s3 = localS3Client(emulator.endpoint);
  try {
    return await use(s3);
  } finally {
    s3.destroy();
    await emulator.close();
  }
}

const bodyOf = async (s3: ReturnType<typeof localS3Client>, key: string) => {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
};

describe('the local S3 with a data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-s3-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('brings back every object written before a restart, and none deleted', async () => {
    const archive = Buffer.from([0x1f, 0x8b, 0, 255, 10, 13]);
    await withS3(dir, async (s3) => {
      await createBucket(s3, BUCKET);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'call-log/2026-03-01/w 1.bin', Body: archive }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'access-logs/gone.gz', Body: 'x' }));
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'access-logs/gone.gz' }));
    });

    await withS3(dir, async (s3) => {
      expect(await bodyOf(s3, 'call-log/2026-03-01/w 1.bin')).toEqual(archive);
      await expect(bodyOf(s3, 'access-logs/gone.gz')).rejects.toMatchObject({ name: 'NoSuchKey' });
    });
  });

  it('drops at start what the lifecycle rule of its prefix expires, and keeps the rest', async () => {
    await withS3(dir, async (s3) => {
      await createBucket(s3, BUCKET);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'access-logs/old.gz', Body: 'a' }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'call-log/old.bin', Body: 'c' }));
    });
    const fourDaysAgo = new Date(Date.now() - 4 * 86_400_000);
    for (const name of readdirSync(join(dir, BUCKET))) utimesSync(join(dir, BUCKET, name), fourDaysAgo, fourDaysAgo);
    const lifecycle = [
      { prefix: 'access-logs/', expirationDays: 3 },
      { prefix: 'call-log/', expirationDays: 8 },
    ];

    await withS3(
      dir,
      async (s3) => {
        await expect(bodyOf(s3, 'access-logs/old.gz')).rejects.toMatchObject({ name: 'NoSuchKey' });
        expect(String(await bodyOf(s3, 'call-log/old.bin'))).toBe('c');
      },
      lifecycle,
    );
    expect(existsSync(join(dir, BUCKET, encodeURIComponent('access-logs/old.gz')))).toBe(false);
  });

  it('keeps an empty bucket too', async () => {
    await withS3(dir, (s3) => createBucket(s3, 'empty'));

    await withS3(dir, async (s3) => {
      await s3.send(new PutObjectCommand({ Bucket: 'empty', Key: 'k', Body: 'v' }));
    });
  });
});
