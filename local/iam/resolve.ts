/**
 * Resolves the intrinsics of synthesized policies (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select,
 * Fn::Split, pseudo parameters) against the local stack, so statements name local ARNs. Which
 * local resource a logical id is comes from the variable the construct fills from it (TABLE_NAME,
 * REMINDER_QUEUE_URL, PEPPER_SECRET_ID, REST_API_ID…), read from the environment the local stack
 * gives its functions: one mapping, the one the functions themselves use. Usage plans map by plan.
 */
import type { CfnStatement, ResourceRef, SynthesizedIam } from './function-policies';

export interface LocalResources {
  region: string;
  accountId: string;
  /** The environment the local stack gives its functions. */
  variables: Readonly<Record<string, string | undefined>>;
  /** Local secret ARNs by name (the emulator adds a random suffix, as Secrets Manager does). */
  secretArns: Readonly<Record<string, string>>;
  /** Local usage plan ids by plan. */
  usagePlanIds: Readonly<Record<string, string>>;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface FunctionPolicy {
  /** The role's session ARN, the principal of an AccessDenied message. */
  roleArn: string;
  statements: PolicyStatement[];
}

export interface ResolvedPolicies {
  policies: Record<string, FunctionPolicy>;
  /**
   * Resources that function policies name but that do not exist locally, such as a function's
   * on-failure destination, which the Lambda service uses with the role and no code calls. Their
   * grants resolve to an ARN no local resource has, so they allow nothing locally.
   */
  withoutLocalCounterpart: string[];
}

export const tableArn = (local: LocalResources, tableName: string) =>
  tableName.startsWith('arn:') ? tableName : `arn:aws:dynamodb:${local.region}:${local.accountId}:table/${tableName}`;

/** `http://sqs.<region>.<host>/<account>/<name>` (or any URL ending in account/name) → the queue's ARN. */
export function queueArnOfUrl(local: LocalResources, queueUrl: string): string {
  // Not `new URL`: fauxqs's hosts (`sqs.us-east-1.127.0.0.1`) are no valid WHATWG host.
  const path = queueUrl.replace(/^[a-z]+:\/\/[^/]*/i, '');
  const [account, name] = path.split('/').filter(Boolean).slice(-2);
  return `arn:aws:sqs:${local.region}:${account ?? local.accountId}:${name ?? queueUrl}`;
}

export function secretArnOf(local: LocalResources, secretId: string): string {
  if (secretId.startsWith('arn:')) return secretId;
  return local.secretArns[secretId] ?? `arn:aws:secretsmanager:${local.region}:${local.accountId}:secret:${secretId}`;
}

export class UnresolvableIntrinsicError extends Error {
  override name = 'UnresolvableIntrinsicError';
}

export function resolvePolicies(synthesized: SynthesizedIam, local: LocalResources): ResolvedPolicies {
  const withoutLocalCounterpart = new Set<string>();
  const policies = Object.fromEntries(
    Object.entries(synthesized.functions).map(([functionId, { role, statements }]) => {
      const resolver = new IntrinsicResolver(
        synthesized.resources,
        local,
        `the policy of ${functionId} (role ${role})`,
        (note) => withoutLocalCounterpart.add(`${functionId}: ${note}`),
      );
      return [
        functionId,
        {
          roleArn: `arn:aws:sts::${local.accountId}:assumed-role/${role}/${functionId}`,
          statements: statements.map((statement: CfnStatement) => resolver.resolve(statement) as PolicyStatement),
        },
      ];
    }),
  );
  return { policies, withoutLocalCounterpart: [...withoutLocalCounterpart] };
}

export class IntrinsicResolver {
  constructor(
    private readonly resources: Record<string, ResourceRef>,
    private readonly local: LocalResources,
    /** Which policy, for error messages. */
    private readonly where: string,
    private readonly onMissing: (note: string) => void = () => {},
  ) {}

  /** Resolves every intrinsic inside a JSON value. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((inner) => this.resolve(inner));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length !== 1 || !key || !(key === 'Ref' || key.startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([name, inner]) => [name, this.resolve(inner)]));
    }
    switch (key) {
      case 'Ref':
        return this.attribute(String(argument), 'Ref');
      case 'Fn::GetAtt': {
        const [logicalId, name] = Array.isArray(argument) ? argument : String(argument).split('.');
        return this.attribute(String(logicalId), String(name));
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (this.resolve(parts) as string[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (this.resolve(list) as string[])[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return String(this.resolve(text)).split(separator);
      }
      case 'Fn::Sub': {
        const [template, variables = {}] = (Array.isArray(argument) ? argument : [argument]) as [
          string,
          Record<string, unknown>,
        ];
        return template.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
          if (literal) return `\${${name}}`;
          if (name in variables) return String(this.resolve(variables[name]));
          const [logicalId = name, attributeName] = name.split('.');
          return this.attribute(logicalId, attributeName ?? 'Ref');
        });
      }
      default:
        throw new UnresolvableIntrinsicError(`${this.where} uses ${key}, which local IAM enforcement cannot resolve.`);
    }
  }

  private attribute(logicalId: string, attribute: string): string {
    const local = this.local;
    switch (logicalId) {
      case 'AWS::Region':
        return local.region;
      case 'AWS::AccountId':
        return local.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
    }
    const resource = this.resources[logicalId];
    const name = `${logicalId}${attribute === 'Ref' ? '' : `.${attribute}`}`;
    if (!resource) {
      throw new UnresolvableIntrinsicError(`${this.where} names ${name}, which is not in the synthesized template.`);
    }
    const missing = (why: string) => {
      this.onMissing(`${name} (${resource.type}): ${why}`);
      return `arn:aws:local:${local.region}:${local.accountId}:no-local-counterpart/${logicalId}`;
    };
    // Log groups are written by the Lambda runtime, never by function code: nothing local calls them.
    if (resource.type === 'AWS::Logs::LogGroup') {
      const arn = `arn:aws:logs:${local.region}:${local.accountId}:log-group:local/${logicalId}`;
      return attribute === 'Arn' ? `${arn}:*` : `local/${logicalId}`;
    }
    if (resource.type === 'AWS::ApiGateway::UsagePlan' && attribute === 'Ref') {
      const id = resource.usagePlan && local.usagePlanIds[resource.usagePlan];
      return id || missing('no local usage plan of that plan');
    }
    // A team's Lambda backend: locally, the local Lambda endpoint's function of that backend name.
    if (resource.type === 'AWS::Lambda::Function' && resource.backend && attribute === 'Arn') {
      return `arn:aws:lambda:${local.region}:${local.accountId}:function:${resource.backend}`;
    }
    if (!resource.variable) return missing('no function variable is filled from it');
    const value = local.variables[resource.variable];
    if (!value) return missing(`the local stack sets no ${resource.variable}`);
    const byType: Record<string, Record<string, () => string>> = {
      'AWS::DynamoDB::Table': { Ref: () => value, Arn: () => tableArn(local, value) },
      'AWS::SQS::Queue': {
        Ref: () => value,
        QueueUrl: () => value,
        Arn: () => queueArnOfUrl(local, value),
        QueueName: () => queueArnOfUrl(local, value).split(':').pop() as string,
      },
      'AWS::SecretsManager::Secret': { Ref: () => secretArnOf(local, value), Id: () => secretArnOf(local, value) },
      'AWS::ApiGateway::RestApi': { Ref: () => value, RestApiId: () => value },
      'AWS::S3::Bucket': { Ref: () => value, Arn: () => `arn:aws:s3:::${value}` },
    };
    const resolver = byType[resource.type]?.[attribute];
    if (!resolver) {
      throw new UnresolvableIntrinsicError(
        `${this.where} names ${name} (${resource.type}, the local ${resource.variable}), and local IAM enforcement ` +
          'does not know that attribute of it: teach local/iam/resolve.ts, or set LOCAL_IAM=off meanwhile.',
      );
    }
    return resolver();
  }
}
