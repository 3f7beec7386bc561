/**
 * Real keys for the authorizer to verify: a few organizations provisioned as the operator CLI does,
 * each with keys created through the management API. Seeding one key per simulated key (up to
 * 100,000) would take minutes, so each simulated key is verified as one of these; the gateway cache
 * and the counts stay per simulated key.
 */
import { provisionOrganization } from '../../functions/domain/provisioning';
import { localClients, localProvisioningDeps } from '../../local/bootstrap';
import type { Bootstrap } from '../../local/platform';
import { call } from '../../test/support/http-client';

export interface KeyPool {
  live: string[];
  sandbox: string[];
}

export async function seedKeyPool(
  bootstrap: Bootstrap,
  { organizations = 20, keysPerOrganization = 10 } = {},
): Promise<KeyPool> {
  const clients = localClients(bootstrap.endpoints);
  const pool: KeyPool = { live: [], sandbox: [] };
  try {
    const deps = localProvisioningDeps(clients, bootstrap);
    for (let index = 0; index < organizations; index++) {
      const { organization, adminKeys } = await provisionOrganization(deps, {
        name: `Cost model ${index}`,
        ownerEmail: `owner${index}@cost-model.example`,
        accountCount: 2,
        adminKeyEnvironments: ['live', 'test'],
      });
      for (let keyIndex = 0; keyIndex < keysPerOrganization; keyIndex++) {
        // One key in ten is a sandbox key, as in the traffic model; keys name one account, as product keys do.
        const environment = keyIndex === 0 ? 'sandbox' : 'live';
        const url = environment === 'live' ? bootstrap.liveUrl : bootstrap.sandboxUrl;
        const created = await call('POST', `${url}/v1/keys`, {
          key: adminKeys[environment === 'live' ? 'live' : 'test'] as string,
          body: {
            name: `product key ${keyIndex}`,
            permissions: ['read', 'write'],
            accounts: [organization.accounts[0]?.id],
          },
        });
        if (created.status !== 201) throw new Error(`seeding a key failed: ${created.status} ${created.text}`);
        pool[environment].push((created.body as { key: string }).key);
      }
    }
    return pool;
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
