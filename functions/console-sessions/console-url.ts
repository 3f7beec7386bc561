/**
 * Where a console sign-in link points: CONSOLE_URL when the team hosts the console elsewhere (the
 * construct's `identity.consoleUrl`), else the API's own `/<stage>/console` on the host the request
 * came to. The token goes in the fragment, which browsers never send to a server or its access log.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '../domain/errors';
import { headerOf } from '../runtime/http-request';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

export function consoleBaseUrl(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>,
  routePath: string,
  configured: string | undefined,
): string {
  if (configured) return configured.replace(/\/+$/, '');
  const { domainName, stage, path } = event.requestContext;
  const host = domainName ?? headerOf(event as APIGatewayProxyEvent, 'host') ?? '';
  if (!HOST.test(host)) {
    throw new ValidationError([
      {
        field: 'Host',
        message: 'must be a plain host name to build the console URL from (or the deployment sets CONSOLE_URL)',
      },
    ]);
  }
  // API Gateway's own domain serves HTTPS only; the local gateway is plain HTTP unless a proxy says otherwise.
  const scheme =
    domainName || headerOf(event as APIGatewayProxyEvent, 'x-forwarded-proto') === 'https' ? 'https' : 'http';
  // A custom domain's base path stands where the stage name is on API Gateway's own domain.
  const requestPath = (path ?? '').replace(/\/+$/, '');
  const basePath = requestPath.endsWith(routePath) ? requestPath.slice(0, -routePath.length) : `/${stage}`;
  return `${scheme}://${host}${basePath}/console`;
}

export const signInUrl = (baseUrl: string, linkToken: string) => `${baseUrl}/sign-in#${linkToken}`;
