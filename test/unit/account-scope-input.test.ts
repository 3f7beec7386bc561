/**
 * accountScopeInput: a request's sub-accounts are '*' or a list of ids, and a wrong value is told
 * what to send rather than zod's bare 'Invalid input' for a value neither form accepts.
 */
import { accountScopeInput } from '../../functions/definition/schemas/common';

const accounts = accountScopeInput('The sub-accounts reached.');
const messagesOf = (value: unknown) => accounts.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];

describe('accountScopeInput', () => {
  it.each([['*'], [['acct_1', 'acct_2']]])('accepts %j', (value) => {
    expect(accounts.safeParse(value).success).toBe(true);
  });

  it.each([
    ['a word other than *', 'all'],
    ['a number', 5],
    ['an object', { id: 'acct_1' }],
    ['more than 100 ids', Array.from({ length: 101 }, (_, i) => `acct_${i}`)],
  ])('tells what to send for %s', (_, value) => {
    const messages = messagesOf(value);

    expect(messages).not.toContain('Invalid input');
    expect(messages.join(' ')).toMatch(/'\*'.*sub-account/);
  });

  it('names the id that is too short or long', () => {
    expect(messagesOf([''])).toEqual(['each sub-account id is 1 to 64 characters']);
    expect(messagesOf(['x'.repeat(65)])).toEqual(['each sub-account id is 1 to 64 characters']);
  });
});
