/**
 * Local IAM enforcement on the authorizer's organization read: a key with accounts `*` gets its
 * organization's sub-account ids spelled out for backends, read from the ORG# item, so the
 * authorizer's grant must reach ORG# items as well as KEY# ones. Its own file: a test file's
 * process loads the authorizer once, for one platform.
 */
import type { Denial } from '../../local/iam/enforcement';
import type { LocalIamOptions } from '../../local/iam/local-iam';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** The synthesized policies, with the authorizer's table access held to KEY# items, as before it read organizations. */
const keyItemsOnly: LocalIamOptions['policies'] = async (synthesized) => {
  const policies = await synthesized();
  policies.authorizer.statements = policies.authorizer.statements.map((statement) =>
    statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']
      ? { ...statement, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['KEY#*'] } } }
      : statement,
  );
  return policies;
};

let platform: TestPlatform;
const denials: Denial[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({
    iam: { policies: keyItemsOnly, onDenial: (denial) => denials.push(denial) },
  });
});

afterAll(async () => {
  await platform?.close();
});

describe("local IAM enforcement on the authorizer's organization read", () => {
  it("answers 500 for a '*' key when the authorizer may read KEY# items only: its sub-accounts are in ORG#", async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});

    // A team's route: the key authorizer's (management routes have their own, management-authorizer).
    const response = await platform.admin.get(`/v1/contacts?account_id=${platform.bootstrap.accountIds[0]}`);

    expect(response.status).toBe(500);
    logged.mockRestore();
    expect(denials.map(({ functionId, action, context }) => [functionId, action, context])).toEqual([
      ['authorizer', 'dynamodb:GetItem', { 'dynamodb:LeadingKeys': [`ORG#${platform.bootstrap.organizationId}`] }],
    ]);
  });
});
