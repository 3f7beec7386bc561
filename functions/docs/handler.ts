/** api-docs: `GET /v1/openapi.json`, `GET /docs` and `GET /docs/{asset}`, public (docs-site.ts). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { activeApi } from '../definition/active-api';
import { errorResponse } from '../runtime/http-errors';
import type { HttpResponse } from '../runtime/http-response';
import { logger } from '../runtime/logger';
import { answerDocs } from './docs-site';

export const handler = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      return answerDocs(activeApi(), event);
    } catch (error) {
      const response = errorResponse(error);
      if (response.statusCode >= 500) logger.error('API docs failed', { error });
      return response;
    }
  });
