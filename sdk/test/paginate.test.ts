import { createClient, paginate } from '../src';
import { fakeFetch } from './fake-fetch';

/** Three pages of contacts, the cursor of each naming the next. */
const pages = [
  { status: 200, body: { items: [{ id: 'c1' }, { id: 'c2' }], nextCursor: 'p2' } },
  { status: 200, body: { items: [{ id: 'c3' }], nextCursor: 'p3' } },
  { status: 200, body: { items: [{ id: 'c4' }], nextCursor: null } },
];

function contacts(server: ReturnType<typeof fakeFetch>) {
  const client = createClient({ baseUrl: 'https://api.example.com/live', apiKey: 'k', fetch: server.fetch });
  return paginate((cursor) => client.GET('/v1/contacts', { params: { query: { account_id: 'acc_1', cursor } } }));
}

describe('paginate', () => {
  it('yields every item of every page, following nextCursor until it is null', async () => {
    const server = fakeFetch(...pages);

    const ids: unknown[] = [];
    for await (const contact of contacts(server)) ids.push(contact.id);

    expect(ids).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(server.sent.map((request) => new URL(request.url).searchParams.get('cursor'))).toEqual([null, 'p2', 'p3']);
  });

  it('fetches no further page once the loop stops', async () => {
    const server = fakeFetch(...pages);

    for await (const contact of contacts(server)) {
      if (contact.id === 'c2') break;
    }

    expect(server.sent).toHaveLength(1);
  });

  it('stops with an error when a list hands back a cursor it gave before', async () => {
    const looping = fakeFetch({ status: 200, body: { items: [{ id: 'c1' }], nextCursor: 'same' } });

    const read = async () => {
      for await (const _ of contacts(looping)) {
        // reading
      }
    };

    await expect(read()).rejects.toThrow('the list returned the cursor same twice');
    expect(looping.sent).toHaveLength(2);
  });
});
