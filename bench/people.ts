/**
 * Issue 14's figures: what the management authorizer costs per management call for each kind of
 * caller (an admin key, a console session token, an OIDC access token), measured on the local stack
 * through the real handler. People's reads are kept a second per instance, so a console's burst of
 * calls costs less than calls spread out; both are shown. A benchmark, not a test.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { repoRoot } from '../local/paths';
import type { startPlatform } from '../local/platform';
import { call } from '../test/support/http-client';
import { signInAtLocalOidc } from '../test/support/oidc-browser';
import { bundleAuthorizer } from './bundle';
import type { countDynamoDbRequests } from './dynamodb-counter';
import { median, ms, timeEach } from './measure';
import { PRICES } from './prices';

type Platform = Awaited<ReturnType<typeof startPlatform>>;

export interface PeopleBenchOptions {
  platform: Platform;
  counter: ReturnType<typeof countDynamoDbRequests>;
  report: (name: string, value: string) => void;
  quick: boolean;
}

/** The management authorizer's memory size in the construct (infra/api-key-platform.ts). */
const MANAGEMENT_AUTHORIZER_GB = 0.5;
/** Longer than the authorizer keeps a session or member read (functions/authorizer/person-reads.ts). */
const PAST_THE_READ_CACHE_MS = 1_100;

export async function benchPeople({ platform, counter, report, quick }: PeopleBenchOptions) {
  const { bootstrap } = platform;
  const { handler: managementAuthorizer } = await import('../functions/management-authorizer/handler');
  const session = await call('POST', `${bootstrap.liveUrl}/v1/console-sessions`, {
    key: bootstrap.adminKey,
    body: { email: bootstrap.ownerEmail, expiresInSeconds: 3600 },
  });
  if (session.status !== 201) throw new Error(`Creating a console session failed: ${JSON.stringify(session.body)}`);
  const callers: [string, Record<string, string>][] = [
    ['admin key', { 'x-api-key': bootstrap.adminKey }],
    ['console session token', { authorization: `Bearer ${(session.body as { token: string }).token}` }],
  ];
  if (bootstrap.oidcIssuer) {
    const tokens = await signInAtLocalOidc(bootstrap.oidcIssuer, bootstrap.ownerEmail);
    callers.push(['OIDC access token', { authorization: `Bearer ${tokens.access_token}` }]);
  }

  const spreadCalls = quick ? 2 : 5;
  const burstCalls = quick ? 200 : 1000;
  for (const [name, headers] of callers) {
    const event = managementEvent(headers);
    const answer = await managementAuthorizer(event);
    if (answer.policyDocument.Statement[0]?.Effect !== 'Allow') throw new Error(`${name} was not allowed`);

    // Calls more than a second apart: every read is made again (a person's every call, at worst).
    let spreadReads = 0;
    const spreadTimes: number[] = [];
    for (let index = 0; index < spreadCalls; index++) {
      await new Promise((resolve) => setTimeout(resolve, PAST_THE_READ_CACHE_MS));
      const before = counter.snapshot();
      spreadTimes.push(...(await timeEach(1, () => managementAuthorizer(event))));
      spreadReads += counter.since(before).reads;
    }
    // A console page's burst: the second's reads are shared.
    const before = counter.snapshot();
    const burstTimes = await timeEach(burstCalls, () => managementAuthorizer(event));
    const burst = counter.since(before);

    const readsPerCall = spreadReads / spreadCalls;
    const perMillion =
      PRICES.lambda.perMillionRequests +
      (MANAGEMENT_AUTHORIZER_GB * Math.max(1, median(spreadTimes)) * 1e6 * PRICES.lambda.perGbSecondArm64) / 1000 +
      readsPerCall * PRICES.dynamoDb.perMillionReadUnits;
    report(`${name}: DynamoDB reads per call, calls > 1 s apart`, readsPerCall.toFixed(2));
    report(`${name}: DynamoDB reads per 1,000 calls in a burst`, String(Math.round((burst.reads * 1000) / burstCalls)));
    report(`${name}: median time, spread / burst`, `${ms(median(spreadTimes))} / ${ms(median(burstTimes))}`);
    report(`${name}: $ per 1M management calls (Lambda + reads, spread)`, `$${perMillion.toFixed(3)}`);
  }

  const key = await bundleAuthorizer(repoRoot());
  const management = await bundleAuthorizer(repoRoot(), 'functions/management-authorizer/handler.ts');
  report(
    'bundle gzip: key authorizer / management authorizer',
    `${(key.gzipBytes / 1024).toFixed(0)} KiB / ${(management.gzipBytes / 1024).toFixed(0)} KiB (jose stays out of the key authorizer)`,
  );
}

function managementEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:000000000000:local/live/GET/v1/keys',
    resource: '/v1/keys',
    path: '/v1/keys',
    httpMethod: 'GET',
    headers,
    requestContext: { stage: 'live', identity: { sourceIp: '127.0.0.1' } },
  } as unknown as APIGatewayRequestAuthorizerEvent;
}
