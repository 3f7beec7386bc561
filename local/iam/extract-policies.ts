/**
 * Run by function-policies.ts in a child process (`tsx local/iam/extract-policies.ts <sender>
 * <compiled definition file>`): synthesizes the demo stack on the running app's API definition as
 * `cdk synth` does, minus the esbuild bundling, and prints each
 * function's IAM statements with their intrinsics unresolved, plus what every logical id stands
 * for, as JSON. Kept out of the local stack's own process so aws-cdk-lib is only loaded on a
 * cache miss.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { loadApi } from '../../functions/definition/active-api';
import type { ApiDefinition, CompiledApi } from '../../functions/definition/api-definition';
import { FUNCTIONS, type FunctionId } from '../../functions/definition/functions';
import { DemoStack } from '../../infra/demo-stack';
import { findProjectRoot } from '../../infra/function-defaults';
import type { CfnStatement, ResourceRef, SynthesizedIam } from './function-policies';

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

function synthesize(reminderSender: string, definition: ApiDefinition): SynthesizedIam {
  const cdkJson = JSON.parse(readFileSync(join(findProjectRoot(), 'cdk.json'), 'utf8')) as { context?: object };
  // The local sender, so the SES grant names the identity the local stack sends from.
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], reminderSender },
  });
  // The platform functions' policies depend on the definition through its stage names and the
  // Lambda backends of its paid routes (the metered proxy may invoke exactly those).
  const stack = new DemoStack(app, 'ApiKeyPlatformDemo', {
    definition,
    backends: (scope) => placeholderBackends(scope, definition.compiled),
    integrations: () => placeholderIntegrations(definition.compiled),
  });
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, CfnResource> };
  const logicalIdOf = (element: CfnElement) => stack.resolve(element.logicalId) as string;
  const roleOf = (functionId: FunctionId) => {
    const role = stack.platform.functions[functionId].role?.node.defaultChild as CfnElement | undefined;
    if (!role) throw new Error(`The ${functionId} function has no role of its own`);
    return logicalIdOf(role);
  };

  const functions = Object.fromEntries(
    (Object.keys(FUNCTIONS) as FunctionId[]).map((functionId) => {
      const role = roleOf(functionId);
      return [functionId, { role, statements: statementsOfRole(template.Resources, role) }];
    }),
  ) as SynthesizedIam['functions'];

  // A logical id stands locally for what the local stack puts in the variable the construct fills from it.
  const variables = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const environment = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    for (const [variable, value] of Object.entries(environment ?? {})) {
      const ref = (value as { Ref?: unknown }).Ref;
      if (typeof ref === 'string') variables.set(ref, variable);
    }
  }
  // The metered proxy's BACKEND_FUNCTIONS is JSON with the backends' ARNs in it: a logical id there
  // stands locally for the local function of that backend name.
  const backendNames = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    const environment = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    const backendFunctions = environment?.BACKEND_FUNCTIONS;
    if (resource.Type === 'AWS::Lambda::Function' && backendFunctions) {
      for (const [logicalId, name] of backendsInJson(backendFunctions)) backendNames.set(logicalId, name);
    }
  }
  const usagePlans = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (construct instanceof apigateway.UsagePlan) {
      usagePlans.set(logicalIdOf(construct.node.defaultChild as CfnElement), construct.node.id);
    }
  }
  const resources: Record<string, ResourceRef> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const variable = variables.get(logicalId);
    const usagePlan = usagePlans.get(logicalId);
    const backend = backendNames.get(logicalId);
    resources[logicalId] = {
      type: resource.Type,
      ...(variable && { variable }),
      ...(usagePlan && { usagePlan }),
      ...(backend && { backend }),
    };
  }
  return { stackName: stack.stackName, functions, resources };
}

/** A function per `{ lambda }` backend name: the template only needs their ARNs. */
function placeholderBackends(stack: Stack, compiled: CompiledApi): Record<string, lambda.IFunction> {
  const names = new Set(compiled.routes.flatMap((route) => ('lambda' in route.backend ? [route.backend.lambda] : [])));
  return Object.fromEntries(
    [...names].map((name) => [
      name,
      new lambda.Function(stack, `Backend-${name}`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
      }),
    ]),
  );
}

/** An integration per `{ integration }` backend name: no platform function's policy names them. */
function placeholderIntegrations(compiled: CompiledApi): Record<string, apigateway.Integration> {
  const names = new Set(
    compiled.routes.flatMap((route) => ('integration' in route.backend ? [route.backend.integration] : [])),
  );
  return Object.fromEntries([...names].map((name) => [name, new apigateway.MockIntegration()]));
}

/**
 * `{"name":"<arn>",…}` as the template holds it (Stack.toJsonString: an Fn::Join of string pieces
 * and the functions' Fn::GetAtt Arn) → [logical id, backend name] of each function in it.
 */
function backendsInJson(value: unknown): [string, string][] {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return [];
  const found: [string, string][] = [];
  let before = '';
  for (const part of join[1]) {
    if (typeof part === 'string') before = part;
    const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    const name = /"([^"]+)":"$/.exec(before)?.[1];
    if (getAtt && name) found.push([getAtt[0], name]);
  }
  return found;
}

/** Every statement attached to a role: its inline policies and the AWS::IAM::Policy resources naming it. */
function statementsOfRole(resources: Record<string, CfnResource>, roleId: string): CfnStatement[] {
  const documents: { Statement: CfnStatement[] }[] = [];
  const role = resources[roleId];
  for (const policy of (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: CfnStatement[] } }[]) {
    documents.push(policy.PolicyDocument);
  }
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles ?? []) as { Ref?: string }[];
    if (roles.some((ref) => ref.Ref === roleId)) {
      documents.push(resource.Properties?.PolicyDocument as { Statement: CfnStatement[] });
    }
  }
  return documents.flatMap((document) => document.Statement);
}

/**
 * The running app's definition, from the compiled file the local platform wrote (API_DEFINITION_FILE).
 * The construct reads only a definition's compiled form, which is all the file holds.
 */
function definitionIn(file: string): ApiDefinition {
  const { compiled } = loadApi(JSON.parse(readFileSync(file, 'utf8')));
  return { compiled } as unknown as ApiDefinition;
}

const [reminderSender, definitionFile] = process.argv.slice(2);
if (!reminderSender || !definitionFile) {
  throw new Error('usage: extract-policies.ts <reminder sender address> <compiled API definition file>');
}
process.stdout.write(JSON.stringify(synthesize(reminderSender, definitionIn(definitionFile))));
