/**
 * AWS clients, created once per Lambda instance. Endpoints come from the SDK's standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, which the local runner points at the emulators; in AWS
 * they are unset and the SDK uses the real services. Domain code never imports this module: it
 * takes stores built on these clients as parameters.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// Marked pure so a bundle leaves out the clients its function never uses.
export const dynamoDb = /* @__PURE__ */ DynamoDBDocumentClient.from(/* @__PURE__ */ new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
export const secretsManager = /* @__PURE__ */ new SecretsManagerClient({});
export const apiGateway = /* @__PURE__ */ new APIGatewayClient({});
