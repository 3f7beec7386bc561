import fc from 'fast-check';
import { ForbiddenError, ValidationError } from '../../functions/domain/errors';
import type { AccountScope } from '../../functions/domain/keys/key-model';
import {
  type EventType,
  eventTypes,
  isPlatformEventType,
  PLATFORM_EVENTS,
} from '../../functions/domain/webhooks/catalog';
import { namesSubAccount } from '../../functions/domain/webhooks/event-scope';
import { buildEvent, type EventInput } from '../../functions/domain/webhooks/publish';
import { idSegment } from '../support/unit-arbitraries';
import { NOW } from '../support/unit-factories';

const clock = () => NOW;

function aTableCreatedBy(accounts: AccountScope, accountId = 'acc_1'): EventInput<EventType> {
  return {
    organizationId: 'org_1',
    environment: 'live',
    type: 'table.created',
    data: { id: 'tb_1', accountId, name: 'Leads', createdAt: NOW.toISOString() },
    accounts,
  } as EventInput<EventType>;
}

describe('buildEvent for a publishing key', () => {
  it('publishes an event for one of the key’s own sub-accounts', () => {
    expect(buildEvent(aTableCreatedBy(['acc_1', 'acc_2'], 'acc_2'), clock).data.accountId).toBe('acc_2');
  });

  it('refuses an event for another sub-account with 403, naming the account and the key’s own', () => {
    const build = () => buildEvent(aTableCreatedBy(['acc_1'], 'acc_2'), clock);

    expect(build).toThrow(ForbiddenError);
    expect(build).toThrow('may publish events only for its sub-accounts (acc_1), and data.accountId is acc_2');
    expect(new ForbiddenError('').status).toBe(403);
  });

  it('lets a key with accounts "*" publish for any sub-account', () => {
    expect(buildEvent(aTableCreatedBy('*', 'acc_9'), clock).data.accountId).toBe('acc_9');
  });

  it('answers a missing accountId with a 400 naming the field, not a 403', () => {
    const { accountId: _accountId, ...data } = aTableCreatedBy(['acc_1']).data as Record<string, unknown>;
    const build = () => buildEvent({ ...aTableCreatedBy(['acc_1']), data } as EventInput<EventType>, clock);

    expect(build).toThrow(ValidationError);
    expect(build).toThrow('data.accountId');
  });

  it('refuses a scoped key an event type that names no sub-account, and says which key may', () => {
    const input = {
      organizationId: 'org_1',
      environment: 'live',
      type: 'api_key.created',
      data: PLATFORM_EVENTS['api_key.created'].example,
      accounts: ['acc_1'],
    } as EventInput<EventType>;

    expect(() => buildEvent(input, clock)).toThrow('Publish them with a key whose accounts are "*"');
    expect(buildEvent({ ...input, accounts: '*' }, clock).type).toBe('api_key.created');
  });

  it('publishes exactly when the event’s sub-account is among the key’s', () => {
    fc.assert(
      fc.property(fc.uniqueArray(idSegment, { minLength: 1, maxLength: 5 }), idSegment, (accounts, accountId) => {
        let published: boolean;
        try {
          buildEvent(aTableCreatedBy(accounts, accountId), clock);
          published = true;
        } catch (error) {
          if (!(error instanceof ForbiddenError)) throw error;
          published = false;
        }
        return published === accounts.includes(accountId);
      }),
    );
  });
});

describe('namesSubAccount', () => {
  it('holds for every type a service may publish, so scoped keys can publish each of them', () => {
    const publishable = eventTypes().filter((type) => !isPlatformEventType(type));

    expect(publishable.filter((type) => !namesSubAccount(type))).toEqual([]);
  });
});
