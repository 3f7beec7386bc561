/** S3CallArchive against the local S3 (fauxqs): a window's object is written once and read back section by section. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3CallArchive } from '../../functions/adapters/s3-call-archive';
import { archiveWindow, readSection } from '../../functions/domain/usage/call-archive';
import type { CallSectionRef } from '../../functions/domain/usage/usage-model';
import { createBucket, localS3Client } from '../../local/bootstrap';
import { startSqs } from '../../local/emulators/sqs';
import { aCall } from '../support/usage-memory';

const BUCKET = 'usage-archive-test';
let s3: Awaited<ReturnType<typeof startSqs>>;
let client: S3Client;

beforeAll(async () => {
  s3 = await startSqs({});
  client = localS3Client(s3.endpoint);
  await createBucket(client, BUCKET);
});

afterAll(async () => {
  client.destroy();
  await s3.close();
});

describe('S3CallArchive', () => {
  it('reads each organization’s section with a ranged GET of exactly its bytes', async () => {
    const archive = new S3CallArchive(client, BUCKET);
    const calls = ['org_1', 'org_2', 'org_3'].flatMap((organizationId, index) =>
      Array.from({ length: 20 }, (_, n) =>
        aCall({ organizationId, keyId: `key_${index}`, requestId: `${organizationId}-${n}`, userAgent: `agent ${n}` }),
      ),
    );
    const window = archiveWindow(calls, 'window-1');

    await archive.put(window.object, window.body);

    for (const { organizationId, ref } of window.sections) {
      const bytes = await archive.read(ref);
      expect(bytes).toEqual(window.body.subarray(ref.offset, ref.offset + ref.length));
      const read = readSection(bytes, ref.keys[0] as string);
      expect(read.map((call) => call.requestId).sort()).toEqual(
        calls
          .filter((call) => call.organizationId === organizationId)
          .map((call) => call.requestId)
          .sort(),
      );
    }
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: window.object }));
    expect(head).toMatchObject({ ContentType: 'application/octet-stream', ContentLength: window.body.length });
  });

  it("writes a window's object only if it is not there, and takes S3's 412 for an object already there as done", async () => {
    const sent: Record<string, unknown>[] = [];
    const conditional = localS3Client(s3.endpoint);
    let existing = false;
    // fauxqs ignores If-None-Match on PUT: answer as S3 does for an object already there.
    conditional.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'PutObjectCommand') return next(args);
        sent.push(args.input as Record<string, unknown>);
        if (existing) {
          throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
            name: 'PreconditionFailed',
            $metadata: { httpStatusCode: 412 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'preconditionAsS3' },
    );
    const archive = new S3CallArchive(conditional, BUCKET);
    const window = archiveWindow([aCall()], 'window-again');

    await archive.put(window.object, window.body);
    existing = true;
    await archive.put(window.object, window.body);

    expect(sent.map((input) => input.IfNoneMatch)).toEqual(['*', '*']);
    expect(await archive.read(window.sections[0]?.ref as CallSectionRef)).toEqual(window.body);
    conditional.destroy();
  });

  it('fails on a missing object rather than showing an empty section', async () => {
    const archive = new S3CallArchive(client, BUCKET);

    await expect(archive.read({ object: 'call-log/2026-03-01/absent.bin', offset: 0, length: 10 })).rejects.toThrow();
  });
});
