/**
 * IAM enforcement for the local stack: every AWS call a function makes is checked against the
 * policy CDK synthesizes for that function's role, resolved against local ARNs, and a call the
 * role does not allow fails with AccessDenied as on AWS. On by default; LOCAL_IAM=off turns it off.
 * Calls made outside a function invocation (bootstrap, the operator CLI, tests arranging data)
 * are the operator's and are not checked.
 */
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FunctionId } from '../../functions/definition/functions';
import * as runtimeClients from '../../functions/runtime/clients';
import { type ClientWithMiddleware, type Denial, enforceIamOn, runAsFunction } from './enforcement';
import { PolicyEvaluator } from './evaluator';
import { loadSynthesizedIam } from './function-policies';
import { type FunctionPolicy, type LocalResources, resolvePolicies } from './resolve';
import { iamRequestsOf, type SdkCall } from './sdk-calls';

export type FunctionPolicies = Record<FunctionId, FunctionPolicy>;

export interface LocalIamOptions {
  /** Default: on, unless LOCAL_IAM=off. */
  enabled?: boolean;
  /** Where the policies come from; the synthesized template by default. Tests edit them. */
  policies?: (synthesized: () => Promise<FunctionPolicies>) => Promise<FunctionPolicies>;
  /** Told of every denied call; by default the first denial of each kind is printed. */
  onDenial?: (denial: Denial) => void;
}

export type LocalIam = ReturnType<typeof startLocalIam>;

export function startLocalIam(
  options: LocalIamOptions & { root: string; reminderSender: string; definitionFile: string },
) {
  const enabled = options.enabled ?? process.env.LOCAL_IAM !== 'off';
  const denials: Denial[] = [];
  const withoutLocalCounterpart: string[] = [];
  const printed = new Set<string>();
  const onDenial =
    options.onDenial ??
    ((denial: Denial) => {
      const kind = `${denial.functionId} ${denial.action} ${denial.resource}`;
      if (printed.has(kind)) return;
      printed.add(kind);
      const context = denial.context ? ` with ${JSON.stringify(denial.context)}` : '';
      console.error(
        `local IAM: AccessDenied: ${denial.functionId} may not ${denial.action} on ${denial.resource}${context}`,
      );
    });
  // The synth (seconds on a cache miss) starts now, while the emulators start.
  const synthesized = enabled
    ? loadSynthesizedIam(options.root, options.reminderSender, options.definitionFile)
    : undefined;
  synthesized?.catch(() => {});
  let resolveReady: (evaluation: { evaluator: PolicyEvaluator; local: LocalResources }) => void = () => {};
  let rejectReady: (error: Error) => void = () => {};
  const ready = new Promise<{ evaluator: PolicyEvaluator; local: LocalResources }>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {});
  if (enabled) enforceIamOn(Object.values(runtimeClients) as unknown as ClientWithMiddleware[]);

  const asFunction = (functionId: string) => ({ functionId, check: (call: SdkCall) => check(functionId, call) });
  const check = async (functionId: string, call: SdkCall): Promise<Denial | undefined> => {
    const { evaluator, local } = await ready;
    for (const request of iamRequestsOf(call, local)) {
      const decision = await evaluator.decide(functionId, request);
      if (decision.allowed) continue;
      const principal = evaluator.roleArnOf(functionId);
      const why =
        decision.result === 'ExplicitlyDenied'
          ? 'with an explicit deny in an identity-based policy'
          : `because no identity-based policy allows the ${request.action} action`;
      const denial = {
        functionId,
        ...request,
        message:
          `User: ${principal} is not authorized to perform: ${request.action} on resource: ${request.resource} ${why} ` +
          `(local IAM enforcement, from the policy CDK synthesizes for ${functionId}; LOCAL_IAM=off turns it off)`,
      };
      denials.push(denial);
      onDenial(denial);
      return denial;
    }
    return undefined;
  };

  return {
    enabled,
    /** Every call denied so far. */
    denials,
    /** Grants on resources the local stack does not have (see ResolvedPolicies); they allow nothing locally. */
    withoutLocalCounterpart,
    /** Checks these clients too (the local event sources' own), for calls made inside `runAs`. */
    enforceOn(clients: ClientWithMiddleware[]): void {
      if (enabled) enforceIamOn(clients);
    },
    /** Runs `call` as the function `functionId`: its AWS calls are checked against that role. */
    runAs<T>(functionId: FunctionId, call: () => T): T {
      return enabled ? runAsFunction(asFunction(functionId), call) : call();
    },
    /** The handler, running each invocation as the function `functionId`. */
    wrap<Handler>(functionId: FunctionId, handler: Handler): Handler {
      if (!enabled || typeof handler !== 'function') return handler;
      const context = asFunction(functionId);
      return ((...args: unknown[]) => runAsFunction(context, () => handler(...args))) as Handler;
    },
    /** Resolves the policies against the local resources; calls made before wait for it. */
    async start(local: LocalResources): Promise<void> {
      if (!synthesized) return;
      const fromTemplate = async () => {
        const resolved = resolvePolicies(await synthesized, local);
        withoutLocalCounterpart.push(...resolved.withoutLocalCounterpart);
        return resolved.policies as FunctionPolicies;
      };
      try {
        const policies = options.policies ? await options.policies(fromTemplate) : await fromTemplate();
        resolveReady({ evaluator: new PolicyEvaluator(policies, local.accountId), local });
      } catch (error) {
        rejectReady(error as Error);
        throw error;
      }
    },
    /** A start that never came (the local stack failed first): calls waiting for it fail. */
    abandon(): void {
      rejectReady(new Error('The local stack stopped before IAM enforcement started'));
    },
  };
}

/** The local ARN of each secret (the emulator adds a random suffix to the name, as AWS does). */
export async function localSecretArns(client: SecretsManagerClient, names: string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    names.map(async (name) => [name, (await client.send(new DescribeSecretCommand({ SecretId: name }))).ARN as string]),
  );
  return Object.fromEntries(entries);
}
