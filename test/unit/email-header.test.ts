import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import fc from 'fast-check';
import { SesEmailSender } from '../../functions/adapters/ses-email-sender';
import { headerAddress, headerText } from '../../functions/domain/email-header';
import type { Organization } from '../../functions/domain/organization';
import { type ReminderKind, renderReminderEmail } from '../../functions/domain/reminders/email';
import { renderDisabledNotice } from '../../functions/domain/webhooks/disabled-notice';
import { aKeyRecord, NOW } from '../support/unit-factories';
import { anEndpoint } from '../support/webhook-memory';

/** What may never reach a header: C0, DEL, C1, U+2028 and U+2029 (spelled out, not the module's regex). */
function hasControl(value: string): boolean {
  return [...value].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
  });
}

function anOrganization(overrides: Partial<Organization> = {}): Organization {
  return {
    id: 'org_1',
    name: 'Acme',
    accounts: [],
    rotationPeriodDays: 182,
    createdAt: NOW.toISOString(),
    plan: 'starter',
    creditBalance: 0,
    ...overrides,
  };
}

/** Any string, with control characters and separators much more likely than chance makes them. */
const hostileText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\r', '\n', '\t', '\u0000', '\u001b', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

const reminders: ReminderKind[] = [
  { kind: 'stage', stage: 1, asOf: NOW },
  { kind: 'stage', stage: 2, asOf: NOW },
  { kind: 'grace', asOf: NOW },
];

describe('headerText', () => {
  it.each([
    ['CR LF', 'Billing\r\nBcc: evil@attacker.example', 'Billing Bcc: evil@attacker.example'],
    ['NUL and ESC', 'a\u0000b\u001bc', 'a b c'],
    ['DEL', 'a\u007fb', 'a b'],
    ['C1 (NEL, U+009F)', 'a\u0085b\u009fc', 'a b c'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a b c'],
    ['controls at either end', '\r\nKey\n', 'Key'],
  ])('cleans %s: each run becomes one space, none at the ends', (_name, input, expected) => {
    expect(headerText(input)).toBe(expected);
  });

  it('keeps printable text, accents and emoji as they are', () => {
    expect(headerText('Schlüssel »Abrechnung« 😀 (…x7Yz9AbC)')).toBe('Schlüssel »Abrechnung« 😀 (…x7Yz9AbC)');
  });

  it('never returns a control character, whatever the input', () => {
    fc.assert(fc.property(hostileText, (value) => !hasControl(headerText(value))));
  });
});

describe('headerAddress', () => {
  it('drops control characters from an address instead of spacing it apart', () => {
    expect(headerAddress('owner@acme.example\r\nBcc: evil@attacker.example')).toBe(
      'owner@acme.exampleBcc: evil@attacker.example',
    );
    expect(headerAddress('ow\u2028ner@acme.example')).toBe('owner@acme.example');
  });
});

describe('renderReminderEmail', () => {
  it('puts no CR or LF of a key name into the subject', () => {
    const key = aKeyRecord({ name: 'Billing\r\nBcc: evil@attacker.example' });

    const email = renderReminderEmail(anOrganization(), key, { kind: 'stage', stage: 1, asOf: NOW });

    expect(email.subject).toBe('API key Billing Bcc: evil@attacker.example (…abcdefgh) should be rotated soon');
  });

  it('never produces a subject with a control character, for any key name, locale and reminder', () => {
    fc.assert(
      fc.property(
        hostileText,
        fc.constantFrom('en' as const, 'de' as const),
        fc.constantFrom(...reminders),
        (name, locale, reminder) => {
          const key = aKeyRecord({ name, expiresAt: '2026-03-02T12:00:00.000Z' });
          const { subject } = renderReminderEmail(anOrganization({ locale }), key, reminder);
          return !hasControl(subject);
        },
      ),
    );
  });
});

describe('renderDisabledNotice', () => {
  it('never produces a subject with a control character, whatever the endpoint URL holds', () => {
    fc.assert(
      fc.property(hostileText, (tail) => {
        const endpoint = anEndpoint({ url: `https://hooks.example.com/${tail}` });
        return !hasControl(renderDisabledNotice(anOrganization(), endpoint, 'gone').subject);
      }),
    );
  });
});

describe('SesEmailSender', () => {
  function capturingSender(from: string) {
    const sent: SendEmailCommand['input'][] = [];
    const client = { send: async (command: SendEmailCommand) => void sent.push(command.input) };
    return { sender: new SesEmailSender(client as unknown as SESv2Client, from), sent };
  }

  it('strips control characters from the subject, recipients and sender, whoever built the email', async () => {
    const { sender, sent } = capturingSender('Platform\r\n<reminders@platform.example>');

    await sender.send({
      to: ['owner@acme.example\r\n', 'admin@acme.example'],
      subject: 'Hello\r\nBcc: evil@attacker.example\u2028',
      text: 'line one\nline two',
      html: '<p>hi</p>',
      summary: 'hi',
    });

    expect(sent).toHaveLength(1);
    expect(sent[0]?.FromEmailAddress).toBe('Platform <reminders@platform.example>');
    expect(sent[0]?.Destination?.ToAddresses).toEqual(['owner@acme.example', 'admin@acme.example']);
    expect(sent[0]?.Content?.Simple?.Subject?.Data).toBe('Hello Bcc: evil@attacker.example');
    // Bodies are not headers: their line breaks stay.
    expect(sent[0]?.Content?.Simple?.Body?.Text?.Data).toBe('line one\nline two');
  });
});
