import fc from 'fast-check';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** Whatever a client sends to the management API, the answer is a 2xx or a 4xx with a JSON error, never a 5xx. */
describe('management API under random input', () => {
  let platform: TestPlatform;
  let keyId: string;
  beforeAll(async () => {
    platform = await startTestPlatform();
    keyId = (await platform.createKey()).id;
  });
  afterAll(() => platform.close());

  const fieldValue = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(
      '*',
      'read',
      'admin',
      'contacts:read',
      'nope:read',
      '10.0.0.0/8',
      '::1',
      '2099-01-01T00:00:00Z',
      'live',
      'test',
    ),
    fc.array(fc.constantFrom('read', 'write', 'admin', 'contacts:*', 'x', '', '127.0.0.1', 'acct_1'), { maxLength: 4 }),
  );
  const body = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(
      fc.constantFrom(
        'name',
        'permissions',
        'accounts',
        'expiresAt',
        'rateLimitPerMinute',
        'ipAllowlist',
        'environment',
        'createdBy',
        'gracePeriodSeconds',
        'key',
        '__proto__',
        'constructor',
      ),
      fieldValue,
    ),
  );

  const assertClientError = (response: { status: number; body: any }) => {
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) {
      expect(response.body.error.code).toEqual(expect.any(String));
      expect(response.body.error.message).toEqual(expect.any(String));
    }
  };

  it.each([
    ['POST', '/v1/keys'],
    ['PATCH', '/v1/keys/{id}'],
    ['POST', '/v1/keys/{id}/rotate'],
  ])('%s %s', async (method, path) => {
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const url = path.replace('{id}', keyId);
        const send = method === 'POST' ? platform.admin.post : platform.admin.patch;
        assertClientError(await send(url, value));
      }),
      { numRuns: 400 },
    );
  });

  describe('webhooks and events', () => {
    const webhookField = fc.oneof(
      fieldValue,
      fc.constantFrom('https://hooks.example.com/x', 'http://10.0.0.1/', 'https://[::1]/', 'javascript:alert(1)', ''),
      fc.array(fc.constantFrom('contact.created', 'api_key.revoked', 'nope', '', '*'), { maxLength: 4 }),
      fc.constantFrom('2026-11-20T00:00:00Z', '1970-01-01T00:00:00Z', 'yesterday'),
    );
    const webhookBody = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(
        fc.constantFrom('url', 'events', 'description', 'enabled', 'since', 'type', 'data', 'eventType', '__proto__'),
        webhookField,
      ),
    );
    let webhookId: string;
    beforeAll(async () => {
      const created = await platform.admin.post('/v1/webhooks', {
        url: 'https://hooks.example.com/x',
        events: ['contact.created'],
      });
      webhookId = created.body.id;
    });

    it.each([
      ['POST', '/v1/webhooks'],
      ['PATCH', '/v1/webhooks/{id}'],
      ['POST', '/v1/webhooks/{id}/recover'],
      ['POST', '/v1/events'],
    ])('%s %s', async (method, path) => {
      await fc.assert(
        fc.asyncProperty(webhookBody, async (value) => {
          const url = path.replace('{id}', webhookId);
          const send = method === 'POST' ? platform.admin.post : platform.admin.patch;
          assertClientError(await send(url, value));
        }),
        { numRuns: 150 },
      );
    });
  });

  it('raw bodies that are not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
        assertClientError(await platform.admin.post('/v1/keys', undefined, { rawBody: raw }));
      }),
      { numRuns: 200 },
    );
  });

  it('query strings and path ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (limit, id) => {
        assertClientError(
          await platform.admin.get(`/v1/keys?limit=${encodeURIComponent(limit)}&cursor=${encodeURIComponent(id)}`),
        );
        assertClientError(await platform.admin.get(`/v1/keys/${encodeURIComponent(id) || 'x'}`));
      }),
      { numRuns: 200 },
    );
  });
});
