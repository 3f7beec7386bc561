/** Starts the whole local platform in this test file's process, in memory, on free ports. */
import { type PlatformOptions, startPlatform } from '../../local/platform';
import { apiAs } from './http-client';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export async function startTestPlatform(options: Partial<PlatformOptions> = {}) {
  const platform = await startPlatform({ port: 0, logLevel: 'CRITICAL', ...options });
  const { bootstrap } = platform;
  const admin = apiAs(bootstrap.liveUrl, bootstrap.adminKey);
  return {
    ...platform,
    bootstrap,
    admin,
    sandboxAdmin: apiAs(bootstrap.sandboxUrl, bootstrap.sandboxAdminKey),
    live: (key?: string, defaults?: Parameters<typeof apiAs>[2]) => apiAs(bootstrap.liveUrl, key, defaults),
    sandbox: (key?: string, defaults?: Parameters<typeof apiAs>[2]) => apiAs(bootstrap.sandboxUrl, key, defaults),
    /** Creates a key through the management API and returns its id and plaintext. */
    async createKey(body: Record<string, unknown> = {}, as = admin) {
      const response = await as.post('/v1/keys', { name: 'test key', permissions: ['read'], ...body });
      if (response.status !== 201) throw new Error(`creating a key failed: ${response.status} ${response.text}`);
      return response.body as { id: string; key: string } & Record<string, unknown>;
    },
  };
}

export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>;
