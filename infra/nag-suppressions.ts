/**
 * Every cdk-nag (AwsSolutions) finding this project accepts, each with why. Anything not listed
 * here fails synth and the infra tests: there are no unexplained findings.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionId, type FunctionNeeds } from '../functions/definition/functions';
import { PLATFORM_ROUTES } from '../functions/definition/platform-routes';
import type { ApiKeyPlatform } from './api-key-platform';

/** Findings that come with the platform construct itself, wherever a team deploys it. */
export function suppressPlatformFindings(platform: ApiKeyPlatform): void {
  const functions = Object.values(platform.functions);

  NagSuppressions.addResourceSuppressions(functions, [
    {
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22 on purpose: it is the version the bundles target (esbuild node22) and the code is tested for. Moving to a newer runtime is a deliberate upgrade, not an automatic one.',
    },
  ]);

  // No IAM5 finding of the platform's own grants: each names its table, index, queue, secret, stage
  // cache or SES identity exactly (infra/grants.ts).

  // CDK's grant for X-Ray tracing (lambda.Tracing): X-Ray has no resource-level permissions.
  const traced = functions.filter(
    (fn) => (fn.node.defaultChild as lambda.CfnFunction).tracingConfig !== undefined && fn.role !== undefined,
  );
  NagSuppressions.addResourceSuppressions(
    traced.flatMap((fn) => (fn.role ? [fn.role] : [])),
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'xray:PutTraceSegments and xray:PutTelemetryRecords, which CDK grants for tracing, support no resource-level permissions: the only resource is `*`.',
        appliesTo: ['Resource::*'],
      },
    ],
    true,
  );

  suppressUsageFindings(platform);

  NagSuppressions.addResourceSuppressions(platform.pepper, [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'The pepper keys every stored API key hash: rotating it would invalidate every issued key at once. Keys are rotated individually instead (POST /v1/keys/{id}/rotate).',
    },
  ]);

  NagSuppressions.addResourceSuppressions(platform.cursorKey, [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor key only seals pagination cursors, which expire after 24 hours; rotating it would only make the cursors in flight answer 400. Replace it by hand (a new secret value) if it ever leaks.',
    },
  ]);

  NagSuppressions.addResourceSuppressions(platform.callerSigningSecret, [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'HTTP backends hold a copy of the caller signing secret to verify X-Caller-Signature: an automatic rotation would make them refuse every call until they read the new value. Replace it by hand, then update the backends, if it ever leaks.',
    },
  ]);

  NagSuppressions.addResourceSuppressions(platform.sessionSecret, [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'Console session tokens are stored as HMACs under this secret: a rotation would sign every person out at once. Sessions last at most 7 days; replace the value by hand if it ever leaks.',
    },
  ]);

  NagSuppressions.addResourceSuppressions(platform.webhooks.secret, [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        "Every webhook endpoint's signing secret is derived from this master secret: rotating it would change the secret of every endpoint at once and break every receiver's signature check. Endpoint secrets are rotated individually instead, with a 24-hour overlap (POST /v1/webhooks/{id}/rotate-secret).",
    },
  ]);

  const publicMethods = new Set(platform.publicMethods);
  NagSuppressions.addResourceSuppressions(
    platform.methods.filter((method) => !publicMethods.has(method)),
    [
      {
        id: 'AwsSolutions-COG4',
        reason:
          "Callers are API keys or people (console sessions, the team's own OIDC provider), not Cognito users: every method but the public ones is protected by a platform Lambda REQUEST authorizer (AuthorizationType CUSTOM).",
      },
    ],
  );

  const servedBy = (method: apigateway.Method) =>
    PLATFORM_ROUTES.find((route) => route.path === method.resource.path && route.method === method.httpMethod)
      ?.function;
  for (const method of platform.publicMethods) {
    const functionId = servedBy(method);
    const reasons = functionId && PUBLIC_METHOD_REASONS[functionId];
    // A new public route must say here why it may be public: synth fails until it does.
    if (!reasons) throw new Error(`Public method ${method.httpMethod} ${method.resource.path} has no stated reason`);
    NagSuppressions.addResourceSuppressions(method, [
      { id: 'AwsSolutions-APIG4', reason: reasons.apig4 },
      { id: 'AwsSolutions-COG4', reason: reasons.cog4 },
    ]);
  }
}

/** Why each public route (RouteAccess `public`) needs no authorizer, by the function that serves it. */
const PUBLIC_METHOD_REASONS: Partial<Record<FunctionId, { apig4: string; cog4: string }>> = {
  console: {
    apig4:
      "The web console (GET /console, /console/{asset}) is public on purpose: it serves the built page and its static files, reads no data and has no AWS access; everything the page shows it fetches from the API with the signed-in person's own session token, through the authorizer.",
    cog4: 'The console page and files are public: no caller identity at all (see AwsSolutions-APIG4 on this method).',
  },
  'api-docs': {
    apig4:
      "The API docs (GET /v1/openapi.json, /docs, /docs/{asset}) are public on purpose, as the issue asks: they serve the OpenAPI document built from the definition and swagger-ui's static files, read no data and have no AWS access.",
    cog4: 'The API docs are public: no caller identity at all (see AwsSolutions-APIG4 on this method).',
  },
  'secret-scanning-report': {
    apig4:
      'POST /v1/secret-scanning/reports is called by secret-scanning partners (GitHub), who hold no API key and no Cognito user: each report is authenticated by its ECDSA P-256 signature over the raw body, checked in the function against configured partner public keys before anything is read, and unsigned or wrongly signed reports are refused with 401/403.',
    cog4: 'Secret-scanning partners are not Cognito users; the function verifies their ECDSA signature instead (see AwsSolutions-APIG4 on this method).',
  },
  'console-session-exchange': {
    apig4:
      'POST /v1/console-sessions/exchange is called by a browser that holds only a one-time sign-in link: the link (256 random bits, stored as its SHA-256, valid at most an hour) is the credential, consumed by a conditional delete so it works once. The method is throttled (infra/public-throttle.ts).',
    cog4: "People sign in with the team's own identity provider or console links, not Cognito user pools (see AwsSolutions-APIG4 on this method).",
  },
};

/** The usage bucket, its grants by prefix, and the handler CDK deploys to set its notification. */
function suppressUsageFindings(platform: ApiKeyPlatform): void {
  const { bucket, role } = platform.usage.delivery;
  NagSuppressions.addResourceSuppressions(bucket, [
    {
      id: 'AwsSolutions-S1',
      reason:
        'The usage bucket holds transient, machine-written objects (raw access logs for 3 days, the call-log archive for 8) that only the platform’s roles read or write, each on its own prefix; a server access log of it would be a second bucket logging every Firehose and usage-ingest request. Turn on CloudTrail data events for it if an audit needs them.',
    },
  ]);
  const stack = Stack.of(bucket);
  const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as CfnElement)) as string;
  const objectsUnder = (prefix: string) => `Resource::<${bucketId}.Arn>/${prefix}*`;
  const reason =
    'Objects under one key prefix of the usage bucket: the objects are made at run time (one per window), so the prefix is the narrowest resource IAM can name.';
  for (const [functionId, fn] of Object.entries(platform.functions) as [FunctionId, lambda.Function][]) {
    const access = (FUNCTIONS[functionId].needs as FunctionNeeds).usageBucket;
    const prefixes = [...(access?.read ?? []), ...(access?.write ?? [])];
    if (!fn.role || prefixes.length === 0) continue;
    NagSuppressions.addResourceSuppressions(
      fn.role,
      [{ id: 'AwsSolutions-IAM5', reason, appliesTo: prefixes.map(objectsUnder) }],
      true,
    );
  }
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: `${reason} Firehose writes under the access-log prefix and its error prefix only.`,
        appliesTo: platform.usage.delivery.writtenPrefixes.map(objectsUnder),
      },
    ],
    true,
  );
  // CDK's singleton custom resource that sets the bucket's notification configuration at deploy time.
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    NagSuppressions.addResourceSuppressions(
      child,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'CDK’s BucketNotificationsHandler (it sets the usage bucket’s S3 notification at deploy time): AWSLambdaBasicExecutionRole only lets it write its own logs.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        },
      ],
      true,
    );
  }
}

/** Findings of the demo's own API: choices a platform team makes for its API, not the platform. */
export function suppressDemoFindings(api: apigateway.RestApi, stages: Construct[], alarmTopic: sns.Topic): void {
  NagSuppressions.addResourceSuppressions(alarmTopic, [
    {
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and alarm texts carry no data worth a customer-managed key ($1 a month). Publishing requires TLS (enforceSSL).',
    },
  ]);

  NagSuppressions.addResourceSuppressions(api, [
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated in the Lambda functions with zod schemas, which also shape the JSON error answers; API Gateway models would duplicate them.',
    },
  ]);

  // The role CDK creates for `cloudWatchRole: true`; RestApi does not expose it as a property.
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole)
    NagSuppressions.addResourceSuppressions(
      cloudWatchRole,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy for the account-level API Gateway logging role, which stage access and execution logs need.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        },
      ],
      true,
    );

  NagSuppressions.addResourceSuppressions(stages, [
    {
      id: 'AwsSolutions-APIG3',
      reason:
        'WAF is a per-account cost and rule-set decision of the team that deploys the API; the demo relies on the authorizer and stage throttling. Associate a web ACL with the stages in production.',
    },
  ]);
}
