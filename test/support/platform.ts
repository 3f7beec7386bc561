/** Starts the whole local platform in this test file's process, in memory, on free ports. */

import { perApi } from '../../functions/definition/active-api';
import { openApiDocument } from '../../functions/definition/openapi';
import { customLimitPlans } from '../../functions/definition/plans';
import { changePlan } from '../../functions/domain/plan-change';
import type { NewOrganization } from '../../functions/domain/provisioning';
import { provisionOrganization } from '../../functions/domain/provisioning';
import { localClients, localProvisioningDeps } from '../../local/bootstrap';
import { type LocalApp, type PlatformOptions, startPlatform } from '../../local/platform';
import { contractChecker } from './contract';
import { apiAs, checkContractAt } from './http-client';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The running platform's document as a contract check, built once per active API definition. */
const activeContract = perApi((api) => contractChecker(openApiDocument(api), api.routes, Object.keys(api.stages)));

export interface TestPlatformOptions extends Partial<PlatformOptions> {
  /**
   * The demo organization starts on the definition's default plan (Leadbase's starter: 60 requests
   * a minute), which suites that make many calls would hit; they get a large figure on a plan with
   * `customLimit` unless they ask to keep the default plan.
   */
  keepStarterPlan?: boolean;
}

/** The platform serving `app` (Leadbase's by default), in memory, on free ports. */
export async function startTestPlatform({ keepStarterPlan, app, ...options }: TestPlatformOptions = {}) {
  const served: LocalApp = app ?? (await import('../../examples/leadbase/local')).leadbaseApp;
  const platform = await startPlatform({ app: served, port: 0, logLevel: 'CRITICAL', ...options });
  const { bootstrap } = platform;
  // Every answer the tests get from this gateway is held to the OpenAPI document.
  checkContractAt(bootstrap.liveUrl, () => activeContract());
  const admin = apiAs(bootstrap.liveUrl, bootstrap.adminKey);
  const testPlatform = {
    ...platform,
    bootstrap,
    admin,
    sandboxAdmin: apiAs(bootstrap.sandboxUrl, bootstrap.sandboxAdminKey),
    live: (key?: string, defaults?: Parameters<typeof apiAs>[2]) => apiAs(bootstrap.liveUrl, key, defaults),
    sandbox: (key?: string, defaults?: Parameters<typeof apiAs>[2]) => apiAs(bootstrap.sandboxUrl, key, defaults),
    /** Provisioning on this platform's emulators, as the operator CLI does it. */
    provisioningDeps() {
      const clients = localClients(bootstrap.endpoints);
      return localProvisioningDeps(clients, bootstrap);
    },
    /** Another organization with a live admin key, and a client acting as that key. */
    async createOrganization(request: Partial<NewOrganization> = {}) {
      const result = await provisionOrganization(this.provisioningDeps(), {
        name: 'Other Corp',
        ownerEmail: 'owner@other.example',
        accountCount: 1,
        adminKeyEnvironments: ['live'],
        ...request,
      });
      return { ...result, admin: apiAs(bootstrap.liveUrl, result.adminKeys.live) };
    },
    /** Creates a key through the management API and returns its id and plaintext. */
    async createKey(body: Record<string, unknown> = {}, as = admin) {
      const response = await as.post('/v1/keys', { name: 'test key', permissions: ['read'], ...body });
      if (response.status !== 201) throw new Error(`creating a key failed: ${response.status} ${response.text}`);
      return response.body as { id: string; key: string } & Record<string, unknown>;
    },
  };
  if (!keepStarterPlan) {
    try {
      const [plan] = customLimitPlans();
      if (!plan) throw new Error("The app's definition has no plan with customLimit; pass keepStarterPlan: true.");
      await changePlan(testPlatform.provisioningDeps(), bootstrap.organizationId, {
        plan,
        customRequestsPerMinute: 1_000_000,
      });
    } catch (error) {
      // The caller never gets the platform to close: its servers would outlive the test file and
      // show in later files of the same Jest worker (local-stack-closed counts listening ports).
      await platform.close();
      throw error;
    }
  }
  return testPlatform;
}

export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>;
