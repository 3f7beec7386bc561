/** The local platform started again on the same data: the demo organization stays, the URLs are this start's. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform } from '../support/platform';

describe('a restart on the same data directory', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-restart-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the demo organization and points its stage URLs at the new gateway port', async () => {
    const first = await startTestPlatform({ dataDir, keepStarterPlan: true });
    const before = first.bootstrap;
    await first.close();

    const second = await startTestPlatform({ dataDir, keepStarterPlan: true });
    try {
      const port = new URL(second.gateway.url).port;

      expect(second.bootstrap.organizationId).toBe(before.organizationId);
      expect(new URL(second.bootstrap.liveUrl).port).toBe(port);
      expect(new URL(second.bootstrap.sandboxUrl).port).toBe(port);
      expect((await second.admin.get('/v1/whoami')).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
