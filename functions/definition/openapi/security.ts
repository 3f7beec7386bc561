/** The security schemes of the deployment's key header mode (api.ts API_KEY_HEADER_MODES). */
import type { ApiKeyHeaderMode } from '../api';
import type { JsonSchema } from './json-schema';

const API_KEY_HEADER = 'ApiKeyHeader';
const BEARER_KEY = 'BearerKey';

export function securitySchemes(mode: ApiKeyHeaderMode, keyPrefix: string): Record<string, JsonSchema> {
  const keys = `${keyPrefix}_live_… keys on the live stage, ${keyPrefix}_test_… keys on the sandbox stage.`;
  const header = { type: 'apiKey', in: 'header', name: 'x-api-key', description: `The API key. ${keys}` };
  const bearer = { type: 'http', scheme: 'bearer', description: `Authorization: Bearer <API key>. ${keys}` };
  switch (mode) {
    case 'x-api-key':
      return { [API_KEY_HEADER]: header };
    case 'authorization':
      return { [BEARER_KEY]: bearer };
    case 'either':
      return { [API_KEY_HEADER]: header, [BEARER_KEY]: bearer };
  }
}

/** An operation's `security`: any one of the mode's schemes (OpenAPI lists alternatives). */
export function keySecurity(mode: ApiKeyHeaderMode): Record<string, string[]>[] {
  return Object.keys(securitySchemes(mode, 'sk')).map((scheme) => ({ [scheme]: [] }));
}
