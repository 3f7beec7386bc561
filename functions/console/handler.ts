/** console: `GET /console` and `GET /console/{asset}`, public: the web console (console-site.ts). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { activeApi } from '../definition/active-api';
import { loadConsoleSignInConfig } from '../runtime/config';
import { errorResponse } from '../runtime/http-errors';
import type { HttpResponse } from '../runtime/http-response';
import { logger } from '../runtime/logger';
import { consoleSignInLoader } from './console-sign-in';
import { answerConsole, type ConsoleBuild, consoleAssetsDir, loadConsoleBuild } from './console-site';

let build: ConsoleBuild | undefined;
const signInSettings = loadConsoleSignInConfig();
const loadSignIn =
  signInSettings &&
  consoleSignInLoader(signInSettings, {
    onUnavailable: (reason, error) => logger.warn(reason, { error }),
  });

export const handler = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      build ??= loadConsoleBuild(consoleAssetsDir());
      return await answerConsole(activeApi(), build, event, loadSignIn);
    } catch (error) {
      const response = errorResponse(error);
      if (response.statusCode >= 500) logger.error('Console failed', { error });
      return response;
    }
  });
