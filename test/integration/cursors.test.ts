/**
 * The platform's list cursors over HTTP: each paged list hands out a cursor that reveals none of the
 * table's keys, takes it back, and refuses it changed in one character, on another list or in another
 * organization, with a 400 that says what to pass. (The team's own lists page as its backend
 * chooses: Leadbase's cursors are tested in examples/leadbase/test.)
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';

const LISTS = ['keys', 'audit log', 'webhooks', 'call log'] as const;

describe('list cursors', () => {
  let platform: TestPlatform;
  let account: string;
  let keyId: string;
  const lists = () => ({
    keys: '/v1/keys',
    'audit log': '/v1/audit-log',
    webhooks: '/v1/webhooks',
    'call log': `/v1/keys/${keyId}/calls`,
  });
  const pageOf = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;
  const firstCursor = async (path: string): Promise<string> => {
    const response = await platform.admin.get(pageOf(path, 'limit=1'));
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toEqual(expect.any(String));
    return response.body.nextCursor;
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    account = platform.bootstrap.accountIds[0] as string;
    const key = await platform.createKey({ name: 'paged' });
    keyId = key.id;
    await platform.createKey({ name: 'paged too' });
    for (const path of ['a', 'b']) {
      await platform.admin.post('/v1/webhooks', {
        url: `https://hooks.example.com/${path}`,
        events: ['contact.created'],
      });
    }
    const caller = platform.live(key.key);
    for (let call = 0; call < 2; call++) await caller.get(`/v1/contacts?account_id=${account}`);
    await platform.flushUsage();
  });
  afterAll(() => platform.close());

  it.each(
    LISTS,
  )('the %s cursor reveals no table key, organization or sub-account when base64-decoded', async (list) => {
    const cursor = await firstCursor(lists()[list]);
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');

    // Attribute names quoted: random bytes spell a bare `pk` about once in 200 cursors.
    const revealing = [
      '"pk"',
      '"sk"',
      'gsi1',
      'ORG#',
      'KEY#',
      'ACCT#',
      platform.bootstrap.organizationId,
      account,
      keyId,
    ];
    for (const text of revealing) {
      expect(decoded).not.toContain(text);
    }
  });

  it.each(
    LISTS,
  )('the %s cursor reads the next page, and changed in one character it is a 400 saying what to pass', async (list) => {
    const path = lists()[list];
    const cursor = await firstCursor(path);
    const next = await platform.admin.get(pageOf(path, `limit=1&cursor=${cursor}`));
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);

    const at = Math.floor(cursor.length / 2);
    const changed = `${cursor.slice(0, at)}${cursor[at] === 'A' ? 'B' : 'A'}${cursor.slice(at + 1)}`;
    const response = await platform.admin.get(pageOf(path, `limit=1&cursor=${changed}`));
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([
      { field: 'cursor', message: 'is not valid here; pass the nextCursor value of the previous page' },
    ]);
  });

  it("refuses one list's cursor on another list", async () => {
    const cursor = await firstCursor(lists().webhooks);

    expect((await platform.admin.get(`/v1/keys?cursor=${cursor}`)).status).toBe(400);
    expect((await platform.admin.get(`/v1/audit-log?cursor=${await firstCursor('/v1/keys')}`)).status).toBe(400);
  });
});
