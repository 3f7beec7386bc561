/** Leadbase's store on a real (emulated) DynamoDB table: tenants apart, cursors confined to their partition. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDb } from '../../../local/emulators/dynamodb';
import { encodeCursor } from '../functions/cursor';
import { LeadbaseError } from '../functions/http';
import { type Contact, LeadbaseStore, newId, partitionOf, type Tenant } from '../functions/store';
import { createLeadbaseTable } from '../functions/table';

let dynamodb: Awaited<ReturnType<typeof startDynamoDb>>;
let store: LeadbaseStore;

beforeAll(async () => {
  dynamodb = await startDynamoDb({});
  const client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createLeadbaseTable(client, 'leadbase');
  await createLeadbaseTable(client, 'leadbase'); // again, as a restart with a data directory does
  store = new LeadbaseStore(DynamoDBDocumentClient.from(client), 'leadbase');
});
afterAll(() => dynamodb.close());

let tenants = 0;
const aTenant = (overrides: Partial<Tenant> = {}): Tenant => ({
  organizationId: `org_${++tenants}`,
  environment: 'live',
  accountId: 'acc_1',
  ...overrides,
});
const aContact = (name = 'Ada'): Contact => ({
  id: newId('ct'),
  name,
  createdAt: '2026-11-22T09:30:00.000Z',
  updatedAt: '2026-11-22T09:30:00.000Z',
});

async function statusOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LeadbaseError);
  return (error as LeadbaseError).status;
}

describe('LeadbaseStore', () => {
  it('keeps organizations, environments and sub-accounts apart', async () => {
    const tenant = aTenant();
    const contact = await store.put(tenant, 'CONTACT', aContact());

    expect(await store.get(tenant, 'CONTACT', contact.id)).toEqual(contact);
    for (const other of [
      { ...tenant, organizationId: 'org_other' },
      { ...tenant, environment: 'test' as const },
      { ...tenant, accountId: 'acc_2' },
    ]) {
      expect(await statusOf(store.get(other, 'CONTACT', contact.id))).toBe(404);
      expect(await statusOf(store.delete(other, 'CONTACT', contact.id))).toBe(404);
      expect((await store.list(other, 'CONTACT', { limit: 10 })).items).toEqual([]);
    }
  });

  it('updates only an existing item and returns it as it is now', async () => {
    const tenant = aTenant();
    const contact = await store.put(tenant, 'CONTACT', aContact());

    const updated = await store.update<Contact>(tenant, 'CONTACT', contact.id, {
      company: 'Engines',
      phone: undefined,
    });

    expect(updated).toEqual({ ...contact, company: 'Engines' });
    expect(await statusOf(store.update(tenant, 'CONTACT', newId('ct'), { company: 'x' }))).toBe(404);
  });

  it('pages through a list with its cursors, each item once', async () => {
    const tenant = aTenant();
    const ids = new Set<string>();
    for (let index = 0; index < 5; index++) ids.add((await store.put(tenant, 'CONTACT', aContact())).id);
    await store.put(tenant, 'TABLE', { id: newId('tb'), name: 'Leads', createdAt: '2026-11-22T09:30:00.000Z' });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list<Contact>(tenant, 'CONTACT', { limit: 2, ...(cursor && { cursor }) });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(seen.sort()).toEqual([...ids].sort());
  });

  it("refuses another tenant's cursor, even one made by hand for the attacker's own list", async () => {
    const victim = aTenant();
    await store.put(victim, 'CONTACT', aContact('Secret'));
    await store.put(victim, 'CONTACT', aContact('Secret too'));
    const victimCursor = (await store.list(victim, 'CONTACT', { limit: 1 })).nextCursor as string;
    const attacker = aTenant();

    expect(await statusOf(store.list(attacker, 'CONTACT', { limit: 10, cursor: victimCursor }))).toBe(400);
    const own = await store.list(attacker, 'CONTACT', {
      limit: 10,
      cursor: encodeCursor(partitionOf(attacker), 'CONTACT#'),
    });
    expect(own.items).toEqual([]);
  });

  it.each([
    ['another kind', (tenant: Tenant) => encodeCursor(partitionOf(tenant), 'TABLE#tb_1')],
    ['another partition', (_tenant: Tenant) => encodeCursor('ORG#elsewhere', 'CONTACT#ct_1')],
    ['not base64url', (_tenant: Tenant) => 'not a cursor!'],
  ])('refuses a cursor of %s with a 400', async (_case, cursorOf) => {
    const tenant = aTenant();
    expect(await statusOf(store.list(tenant, 'CONTACT', { limit: 10, cursor: cursorOf(tenant) }))).toBe(400);
  });
});
