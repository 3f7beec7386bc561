/**
 * metered-proxy: serves every team route that costs credits, whatever its backend. The route
 * stack charges the call (credits middleware: 402 when the balance is too low, X-Credits-*
 * headers, a refund when the call fails), then the call goes on to the route's backend, a Lambda
 * function or an HTTP URL, and its response comes back unchanged.
 */
import { httpBackend } from '../adapters/http-backend';
import { lambdaBackends } from '../adapters/lambda-backend';
import { activeApi } from '../definition/active-api';
import { DEFAULT_API_KEY_HEADER } from '../definition/api';
import { type Backends, forwardToBackend, teamRouteOf } from '../domain/metering/metered-proxy';
import { lambda } from '../runtime/clients';
import { apiKeyHeaderConfig, backendFunctionsConfig, loadConfig } from '../runtime/config';
import { route } from '../runtime/http';
import { backendFunctionArns, incomingRequestOf } from '../runtime/metered-proxy';

const { BACKEND_FUNCTIONS, API_KEY_HEADER } = loadConfig({ ...backendFunctionsConfig, ...apiKeyHeaderConfig });
const backends: Backends = {
  invokeFunction: lambdaBackends(lambda, backendFunctionArns(BACKEND_FUNCTIONS, activeApi().teamRoutes)),
  send: httpBackend(),
};

export const handler = route(async ({ event }) =>
  forwardToBackend(
    teamRouteOf(activeApi().teamRoutes, event.httpMethod, event.resource),
    incomingRequestOf(event),
    backends,
    API_KEY_HEADER ?? DEFAULT_API_KEY_HEADER,
  ),
);
