/** console: `GET /console` and `GET /console/{asset}`, public: the web console (console-site.ts). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { activeApi } from '../definition/active-api';
import { errorResponse } from '../runtime/http-errors';
import type { HttpResponse } from '../runtime/http-response';
import { logger } from '../runtime/logger';
import { answerConsole, type ConsoleBuild, consoleAssetsDir, loadConsoleBuild } from './console-site';

let build: ConsoleBuild | undefined;

export const handler = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      build ??= loadConsoleBuild(consoleAssetsDir());
      return answerConsole(activeApi(), build, event);
    } catch (error) {
      const response = errorResponse(error);
      if (response.statusCode >= 500) logger.error('Console failed', { error });
      return response;
    }
  });
