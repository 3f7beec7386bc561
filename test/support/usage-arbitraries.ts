/** fast-check arbitraries of access-log calls for the usage pipeline's tests. */
import fc from 'fast-check';
import { aCall } from './usage-memory';

export const START = Date.parse('2026-03-01T22:00:00.000Z');

/** Calls over four hours across midnight, of a few keys in two organizations, both stages, 401s too. */
export const someCalls = fc.array(
  fc
    .record({
      offset: fc.integer({ min: 0, max: 4 * 3600_000 }),
      key: fc.constantFrom(
        { keyId: 'key_AAAAAAAAAAAAAAAA', organizationId: 'org_1', stage: 'live' },
        { keyId: 'key_BBBBBBBBBBBBBBBB', organizationId: 'org_1', stage: 'live' },
        { keyId: 'key_SANDBOXSANDBOXSA', organizationId: 'org_1', stage: 'sandbox' },
        { keyId: 'key_CCCCCCCCCCCCCCCC', organizationId: 'org_2', stage: 'live' },
        { keyId: '', organizationId: '', stage: 'live' },
      ),
      status: fc.constantFrom(200, 201, 401, 403, 429, 500),
      resourcePath: fc.constantFrom('/v1/contacts', '/v1/search', ''),
      id: fc.nat(),
    })
    .map(({ offset, key, status, resourcePath, id }) =>
      aCall({
        ...key,
        requestId: `req-${offset}-${id}`,
        time: START + offset,
        status: key.keyId === '' ? 401 : status,
        method: resourcePath === '/v1/search' ? 'POST' : 'GET',
        resourcePath,
      }),
    ),
  { maxLength: 60 },
);
