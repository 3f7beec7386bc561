/**
 * A small API definition of its own for tests that need figures Leadbase's has not (a quota, other
 * stage names, other events), and a way to make it the active one for a describe block.
 */
import { leadbaseApi } from '../../examples/leadbase/api';
import { type LoadedApi, useApi } from '../../functions/definition/active-api';
import { type ApiDefinition, type ApiDefinitionInput, defineApi } from '../../functions/definition/api-definition';

export function aTestApi(overrides: Partial<ApiDefinitionInput> = {}): ApiDefinition {
  return defineApi({
    name: 'Test API',
    resources: { rides: ['read', 'create'] },
    routes: [
      {
        method: 'GET',
        path: '/v1/rides',
        permission: 'rides:read',
        summary: 'List rides',
        backend: { lambda: 'rides' },
      },
    ],
    events: {
      'ride.completed': {
        description: 'A ride ended.',
        data: {
          type: 'object',
          properties: { rideId: { type: 'string' }, accountId: { type: 'string' }, km: { type: 'number' } },
          required: ['rideId', 'km'],
        },
        example: { rideId: 'r_1', km: 12.5 },
      },
    },
    plans: { basic: { requestsPerMinute: 60, quota: { limit: 3, period: 'DAY' } } },
    defaultPlan: 'basic',
    ...overrides,
  });
}

/** Makes `definition` active for the enclosing describe block, then Leadbase's again. */
export function usingApi(definition: ApiDefinition): { readonly api: LoadedApi } {
  const holder = {} as { api: LoadedApi };
  beforeAll(() => {
    holder.api = useApi(definition.compiled);
  });
  afterAll(() => {
    useApi(leadbaseApi.compiled);
  });
  return holder;
}
