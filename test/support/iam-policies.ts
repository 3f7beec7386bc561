/** Policy overrides for local IAM tests: the synthesized policies with grants taken away. */
import type { FunctionId } from '../../functions/definition/functions';
import type { LocalIamOptions } from '../../local/iam/local-iam';

/** The synthesized policies, less each listed function's actions that start with its prefix. */
export function withoutActions(removed: Partial<Record<FunctionId, string>>): LocalIamOptions['policies'] {
  return async (synthesized) => {
    const policies = await synthesized();
    for (const [functionId, prefix] of Object.entries(removed) as [FunctionId, string][]) {
      const statements = policies[functionId].statements.flatMap((statement) => {
        const actions = [statement.Action ?? []].flat().filter((action) => !action.startsWith(prefix));
        return actions.length > 0 || statement.NotAction ? [{ ...statement, Action: actions }] : [];
      });
      policies[functionId] = { ...policies[functionId], statements };
    }
    return policies;
  };
}
