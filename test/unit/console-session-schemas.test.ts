import { createSessionInput } from '../../functions/definition/schemas/console-sessions';
import { ValidationError } from '../../functions/domain/errors';
import { validate } from '../../functions/runtime/http-request';

describe('createSessionInput', () => {
  it.each([
    ['neither', {}],
    ['both', { email: 'ada@acme.example', memberId: 'mem_0123456789abcdef' }],
  ])('names email and memberId when %s is sent', (_case, body) => {
    let thrown: unknown;
    try {
      validate(createSessionInput, body, 'body');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toEqual([
      { field: 'email', message: 'send exactly one of email and memberId' },
      { field: 'memberId', message: 'send exactly one of email and memberId' },
    ]);
  });

  it('takes one of them, an hour and a writing session by default', () => {
    expect(validate(createSessionInput, { memberId: 'mem_0123456789abcdef' }, 'body')).toEqual({
      memberId: 'mem_0123456789abcdef',
      expiresInSeconds: 3600,
      readOnly: false,
    });
  });
});
