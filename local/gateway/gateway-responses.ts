/** Renders the shared gateway-response templates as API Gateway does: `$context.*` filled in verbatim. */

import { activeApi, perApi } from '../../functions/definition/active-api';
import { type GatewayResponseType, gatewayResponsesFor } from '../../functions/definition/api';

const responsesOf = perApi((api) => gatewayResponsesFor(api.compiled));

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function gatewayResponse(
  type: GatewayResponseType,
  context: Record<string, string | undefined>,
  /** The status API Gateway itself gives the answer, kept where the response sets none (the defaults). */
  naturalStatus?: number,
): GatewayResponse {
  const { statusCode, template, headers } = responsesOf(activeApi())[type];
  // A variable's dotted name stops before a dot that no name part follows: `$context.path.` then text.
  const body = template.replace(
    /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g,
    (_, name: string) => context[name] ?? '',
  );
  return {
    statusCode: statusCode ?? naturalStatus ?? (type === 'DEFAULT_5XX' ? 500 : 400),
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, ...lowerCased(headers ?? {}) },
    body,
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
