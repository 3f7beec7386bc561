/**
 * Local IAM enforcement on the authorizer: without its grant on the table, every call that
 * reaches it ends in a 500, as API Gateway answers when a Lambda authorizer fails.
 */
import type { Denial } from '../../local/iam/enforcement';
import { withoutActions } from '../support/iam-policies';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let platform: TestPlatform;
const denials: Denial[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({
    iam: { policies: withoutActions({ authorizer: 'dynamodb:' }), onDenial: (denial) => denials.push(denial) },
  });
});

afterAll(async () => {
  await platform?.close();
});

describe('local IAM enforcement on the authorizer', () => {
  it('answers 500 for every call when the authorizer may not read keys', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});

    // A team's route: the key authorizer's (management routes have their own, management-authorizer).
    const response = await platform.admin.get(`/v1/contacts?account_id=${platform.bootstrap.accountIds[0]}`);

    expect(response.status).toBe(500);
    expect(logged).toHaveBeenCalledWith(
      'local gateway: authorizer failed',
      expect.objectContaining({
        name: 'AccessDeniedException',
        $metadata: expect.objectContaining({ httpStatusCode: 400 }),
      }),
    );
    logged.mockRestore();
    expect(denials.map(({ functionId, action }) => `${functionId} ${action}`)).toEqual(['authorizer dynamodb:GetItem']);
  });
});
