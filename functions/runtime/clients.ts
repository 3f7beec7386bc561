/**
 * AWS clients, created once per Lambda instance. Endpoints come from the SDK's standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, which the local runner points at the emulators; in AWS
 * they are unset and the SDK uses the real services. Domain code never imports this module: it
 * takes stores built on these clients as parameters.
 */

import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BACKEND_TIMEOUT_SECONDS } from '../definition/metering';

// Marked pure so a bundle leaves out the clients its function never uses.
export const dynamoDb = /* @__PURE__ */ DynamoDBDocumentClient.from(/* @__PURE__ */ new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
export const secretsManager = /* @__PURE__ */ new SecretsManagerClient({});
// The usage bucket: access-log objects from Firehose, the call-log archive. Path-style only against
// a local endpoint (fauxqs answers on loopback without bucket subdomains); on AWS, virtual-hosted.
const localS3 = process.env.AWS_ENDPOINT_URL_S3 !== undefined;
export const s3 = /* @__PURE__ */ new S3Client({ forcePathStyle: localS3 });
// Only the authorizer cache flush uses it, and that adapter retries within its own time budget:
// the SDK's own 3 attempts (with throttling backoff) and no request timeout would add seconds
// beyond it, inside a key handler's 10 s. Without throwOnRequestTimeout the SDK would only warn.
export const apiGateway = /* @__PURE__ */ new APIGatewayClient({
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
});
// The metered proxy's calls to the team's Lambda backends: one attempt, since a retried Invoke may
// run the backend twice; a request timeout below API Gateway's 29 s leaves time to refund and answer.
// Computed outside the constructor call: esbuild keeps a call whose arguments may have effects (an
// arithmetic on an import), and with it the whole Lambda client in every bundle, the authorizers' too.
const backendRequestTimeoutMs = BACKEND_TIMEOUT_SECONDS * 1000;
export const lambda = /* @__PURE__ */ new LambdaClient({
  maxAttempts: 1,
  requestHandler: {
    connectionTimeout: 1_000,
    requestTimeout: backendRequestTimeoutMs,
    throwOnRequestTimeout: true,
  },
});
// Queue URLs hold the regional SQS endpoint in AWS; locally fauxqs writes `sqs.<region>.127.0.0.1`
// URLs, so the client keeps to its endpoint instead of deriving one from each QueueUrl.
export const sqs = /* @__PURE__ */ new SQSClient({ useQueueUrlAsEndpoint: false });
// SES may live in another region than the function (SES_REGION, set by the construct).
// Read outside the constructor call: esbuild keeps a call whose arguments touch process.env, and
// with it the whole SES client in every bundle.
const sesRegion = process.env.SES_REGION;
export const sesV2 = /* @__PURE__ */ new SESv2Client(sesRegion ? { region: sesRegion } : {});
