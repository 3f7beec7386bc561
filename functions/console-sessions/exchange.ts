/**
 * console-session-exchange: `POST /v1/console-sessions/exchange {link}`, public: the one-time link
 * is the credential. It answers the browser's own token of the session, once; any later use, an
 * expired link or a revoked session gets 401 link_used_or_expired. Neither the link nor the token
 * is ever logged: refusals log their status and code only.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { DynamoMemberStore } from '../adapters/dynamo-member-store';
import { exchangeInput } from '../definition/schemas/console-sessions';
import { systemClock } from '../domain/clock';
import { exchangeLink } from '../domain/sessions/session-service';
import { dynamoDb } from '../runtime/clients';
import { loadConfig, tableConfig } from '../runtime/config';
import { errorCodeOf, errorResponse } from '../runtime/http-errors';
import { parseBody } from '../runtime/http-request';
import { type HttpResponse, json } from '../runtime/http-response';
import { logger } from '../runtime/logger';
import { sessionSecretFromEnvironment, sessionStore } from '../runtime/sessions';

const deps = {
  sessions: sessionStore,
  members: new DynamoMemberStore(dynamoDb, loadConfig(tableConfig).TABLE_NAME),
  sessionSecret: sessionSecretFromEnvironment(),
  clock: systemClock,
  onJoinFailure: (error: unknown) => logger.error('Marking the member joined failed', { error }),
};

export const handler = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      const { link } = parseBody(event, exchangeInput, { maxBytes: 1024 });
      const { session, token } = await exchangeLink(deps, link);
      logger.info('Console link exchanged', { sessionId: session.id, organizationId: session.organizationId });
      return json(200, { token, sessionId: session.id, expiresAt: session.expiresAt, readOnly: session.readOnly });
    } catch (error) {
      const response = errorResponse(error);
      // The link and token never reach an error: the store sees the link's hash only.
      if (response.statusCode >= 500) logger.error('Console link exchange failed', { error });
      else logger.info('Console link refused', { status: response.statusCode, code: errorCodeOf(error) });
      return response;
    }
  });
