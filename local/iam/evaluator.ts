/**
 * Decides one IAM request against one function's identity policy with a real policy evaluator,
 * `@cloud-copilot/iam-simulate` (AGPL-3.0, a dev dependency: only the local stack and the tests
 * load it, never a Lambda bundle). Decisions are memoized by request and condition context: the
 * policies do not change while the local stack runs.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { FunctionPolicy } from './resolve';
import type { IamRequest } from './sdk-calls';

export interface Decision {
  allowed: boolean;
  /** 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'. */
  result: string;
}

export class PolicyEvaluator {
  private readonly decisions = new Map<string, Promise<Decision>>();
  /** Requests validated once (action, resource type, context keys); their other contexts skip validation. */
  private readonly validated = new Set<string>();

  constructor(
    private readonly policies: Readonly<Record<string, FunctionPolicy>>,
    private readonly accountId: string,
  ) {}

  roleArnOf(functionId: string): string {
    return this.policies[functionId]?.roleArn ?? functionId;
  }

  decide(functionId: string, request: IamRequest): Promise<Decision> {
    const key = `${functionId}\0${request.action}\0${request.resource}\0${JSON.stringify(request.context ?? {})}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      // Partition keys make many distinct requests; a long `npm start` keeps the memo bounded.
      if (this.decisions.size >= 50_000) this.decisions.clear();
      decision = this.simulate(functionId, request);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  private async simulate(functionId: string, request: IamRequest): Promise<Decision> {
    const policy = this.policies[functionId];
    if (!policy) throw new Error(`Local IAM enforcement has no policy for the function ${functionId}.`);
    const simulation: Simulation = {
      request: {
        principal: policy.roleArn,
        action: request.action,
        resource: { resource: request.resource, accountId: this.accountId },
        contextVariables: request.context ?? {},
      },
      identityPolicies: [{ name: functionId, policy: { Version: '2012-10-17', Statement: policy.statements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    // Validation costs half of a decision; a request differing only in its partition keys needs it once.
    const shape = `${functionId}\0${request.action}\0${request.resource}\0${Object.keys(request.context ?? {})}`;
    if (this.validated.has(shape)) {
      const result = runUnsafeSimulation(simulation, { simulationMode: 'Strict' });
      return { allowed: result === 'Allowed', result };
    }
    const response = await runSimulation(simulation, { simulationMode: 'Strict' });
    if (response.resultType === 'error') {
      throw new Error(
        `The IAM evaluator refused ${request.action} on ${request.resource} for ${functionId}: ${JSON.stringify(response.errors)}`,
      );
    }
    this.validated.add(shape);
    return { allowed: response.overallResult === 'Allowed', result: response.overallResult };
  }
}
