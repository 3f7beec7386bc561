import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from '../src';

const SECRET = `whsec_${Buffer.from('a webhook signing secret of 32 b').toString('base64')}`;
const payload = JSON.stringify({ type: 'contact.created', timestamp: '2026-12-01T08:00:00Z', data: { id: 'ct_1' } });

function signed(body: string, at = new Date(), secret = SECRET) {
  const id = 'msg_1';
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

describe('verifyWebhook', () => {
  it('returns the event of a delivery signed with the secret', () => {
    expect(verifyWebhook(payload, signed(payload), SECRET)).toEqual(JSON.parse(payload));
  });

  it('takes Node request headers and fetch Headers alike', () => {
    const headers = signed(payload);

    expect(verifyWebhook(payload, new Headers(headers), SECRET)).toMatchObject({ type: 'contact.created' });
    expect(verifyWebhook(Buffer.from(payload), { ...headers, host: 'x' }, SECRET)).toMatchObject({
      data: { id: 'ct_1' },
    });
  });

  it('accepts either signature during a secret rotation (two in one header)', () => {
    const other = `whsec_${Buffer.from('another secret, also 32 bytes!!').toString('base64')}`;
    const headers = signed(payload);
    headers['webhook-signature'] =
      `${signed(payload, new Date(), other)['webhook-signature']} ${headers['webhook-signature']}`;

    expect(verifyWebhook(payload, headers, SECRET)).toMatchObject({ type: 'contact.created' });
  });

  it.each([
    ['a changed body', payload.replace('ct_1', 'ct_2'), signed(payload), SECRET],
    ['another secret', payload, signed(payload), `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`],
    ['a replayed delivery (10 minutes old)', payload, signed(payload, new Date(Date.now() - 600_000)), SECRET],
    ['missing headers', payload, {}, SECRET],
  ])('refuses %s with a WebhookVerificationError', (_case, body, headers, secret) => {
    expect(() => verifyWebhook(body, headers, secret)).toThrow(WebhookVerificationError);
  });
});

describe('ApiWebhookEvent', () => {
  it('types data by the event type', () => {
    const created = JSON.stringify({
      type: 'contact.created',
      timestamp: '2026-12-01T08:00:00Z',
      data: { name: 'Ada' },
    });

    const event = verifyWebhook(created, signed(created), SECRET);
    // Compiles only while the union narrows: contact.created's data has a name, api_key.* events' do not.
    const name = event.type === 'contact.created' ? event.data.name : undefined;

    expect(name).toBe('Ada');
  });
});
