/** What the key handlers share: the stores, and a key id read from the path. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { KEY_ID_PATTERN } from '../domain/keys/key-token';
import { pathParameter } from '../runtime/http-request';

export function keyIdOf(event: APIGatewayProxyEvent): string {
  return pathParameter(event, 'id', KEY_ID_PATTERN, 'key_ followed by 16 letters or digits (see GET /v1/keys)');
}
