/** Renders the shared gateway-response templates as API Gateway does: `$context.*` filled in verbatim. */
import { GATEWAY_RESPONSES, type GatewayResponseType } from '../../functions/definition/api';

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function gatewayResponse(
  type: GatewayResponseType,
  context: Record<string, string | undefined>,
): GatewayResponse {
  const { statusCode, template, headers } = GATEWAY_RESPONSES[type];
  const body = template.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_, name: string) => context[name] ?? '');
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, ...lowerCased(headers ?? {}) },
    body,
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
