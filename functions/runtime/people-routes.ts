/**
 * The route stack's own check of people, as the management authorizer's policy draws it: a person
 * calls only the routes whose `people` name their role, and viewers and read-only sessions GET
 * routes only. The authorizer already denies the rest; checking again in one place keeps every
 * handler (keys, members, webhooks, notifications…) safe should a route reach it another way.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { personMayCall, personRefusal } from '../authorizer/person-policy';
import type { RouteDefinition } from '../definition/routes';
import { PersonRouteRefusedError } from '../domain/errors';
import { platformCallerOf } from './http-request';
import type { HttpResponse } from './http-response';

/** `routes`: the platform's routes by `METHOD /resource/path`, as operationOf spells a request. */
export function peopleWithinTheirRole(
  routes: ReadonlyMap<string, RouteDefinition>,
): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    before: async (request: Request<APIGatewayProxyEvent, HttpResponse>) => {
      if (request.event.requestContext.authorizer?.actorType !== 'member') return;
      const { actor } = platformCallerOf(request.event);
      if (actor.kind !== 'member') return;
      const grant = { role: actor.role, readOnly: actor.readOnly };
      const route = routes.get(`${request.event.httpMethod} ${request.event.resource}`);
      if (route && personMayCall(grant, route)) return;
      const { errorCode, errorMessage } = personRefusal(grant, route);
      throw new PersonRouteRefusedError(errorCode, errorMessage);
    },
  };
}
