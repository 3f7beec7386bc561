/**
 * POST /v1/secret-scanning/reports: the endpoint secret-scanning partners (GitHub's partner
 * program) post matches to. It is public, not behind the key authorizer: the partner proves
 * itself with an ECDSA signature over the raw body, checked against the configured public keys
 * before the body is even parsed. Nothing here logs a reported token.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { SesEmailSender } from '../adapters/ses-email-sender';
import { leakReportSchema } from '../definition/schemas/events';
import { systemClock } from '../domain/clock';
import { ForbiddenError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../domain/errors';
import { MAX_REPORT_BYTES } from '../domain/secret-scanning/leak-report';
import { handleLeakReports, type LeakServiceDeps } from '../domain/secret-scanning/leak-service';
import {
  type PartnerKeys,
  parsePartnerKeys,
  verifyPartnerSignature,
} from '../domain/secret-scanning/partner-signature';
import { keyLeakedEvent, keyRevokedEvent } from '../domain/webhooks/key-events';
import { notificationStore } from '../notifications/store';
import { sesV2 } from '../runtime/clients';
import { loadConfig, optionalEmailConfig, secretScanningConfig } from '../runtime/config';
import { emit } from '../runtime/events';
import { errorCodeOf, errorResponse } from '../runtime/http-errors';
import { validate } from '../runtime/http-request';
import { type HttpResponse, json } from '../runtime/http-response';
import { logger } from '../runtime/logger';
import {
  auditStore,
  authorizerCacheFromEnvironment,
  keyStore,
  memberStore,
  organizationStore,
  pepperFromEnvironment,
} from '../runtime/stores';

// A bad key in the configuration fails the cold start, loudly, rather than every report.
const partnerKeys = parsePartnerKeys(loadConfig(secretScanningConfig).SECRET_SCANNING_PUBLIC_KEYS);
// The sender exists only where the platform was given one (the `reminders` options in CDK).
const { EMAIL_SENDER: emailSender } = loadConfig(optionalEmailConfig);

const deps: LeakServiceDeps = {
  keys: keyStore,
  organizations: organizationStore,
  members: memberStore,
  pepper: pepperFromEnvironment(),
  clock: systemClock,
  authorizerCache: authorizerCacheFromEnvironment(),
  notifications: notificationStore,
  ...(emailSender && { email: new SesEmailSender(sesV2, emailSender) }),
  publish: async (key, leak) => {
    if (leak.action === 'revoked') await emit(keyRevokedEvent(key, leak.at));
    await emit(keyLeakedEvent(key, leak));
  },
  audit: auditStore,
  onNoticeFailure: (error, keyId, step) => logger.error('Telling of a leaked key failed', { keyId, step, error }),
};

export async function answerReport(
  serviceDeps: LeakServiceDeps,
  keys: PartnerKeys,
  event: APIGatewayProxyEvent,
): Promise<HttpResponse> {
  const body = rawBody(event);
  if (body.length > MAX_REPORT_BYTES) {
    throw new PayloadTooLargeError(`A report must be at most ${MAX_REPORT_BYTES} bytes; send smaller batches.`);
  }
  const partnerKeyId = singleHeader(event, 'github-public-key-identifier');
  const check = verifyPartnerSignature(keys, body, partnerKeyId, singleHeader(event, 'github-public-key-signature'));
  if (!check.valid) {
    if (check.reason === 'missing') {
      throw new UnauthorizedError(
        'Sign the raw body with ECDSA P-256 (SHA-256) and send the base64 signature in Github-Public-Key-Signature and the key id in Github-Public-Key-Identifier, once each.',
      );
    }
    throw new ForbiddenError(
      check.reason === 'unknown_key'
        ? 'Github-Public-Key-Identifier names no configured partner key.'
        : 'Github-Public-Key-Signature does not verify over the body with that key.',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    // No cause: JSON.parse's message quotes the body, which holds the leaked keys.
    throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }]);
  }
  const reports = validate(leakReportSchema, value, 'body');
  const verdicts = await handleLeakReports(serviceDeps, reports, {
    partnerKeyId: check.keyId,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    ...(event.requestContext.identity?.userAgent && { userAgent: event.requestContext.identity.userAgent }),
  });
  // Counts only: the tokens themselves are never logged.
  logger.info('Secret-scanning report answered', {
    partnerKeyId: check.keyId,
    reports: verdicts.length,
    truePositives: verdicts.filter((verdict) => verdict.label === 'true_positive').length,
  });
  return json(200, verdicts);
}

/** The bytes the partner signed: API Gateway passes a JSON body as text, other types base64. */
function rawBody(event: APIGatewayProxyEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** A header sent more than once could pair one key id with another's signature: it counts as missing. */
function singleHeader(event: APIGatewayProxyEvent, name: string): string | undefined {
  const values = Object.entries(event.multiValueHeaders ?? {})
    .filter(([key]) => key.toLowerCase() === name)
    .flatMap(([, list]) => list ?? []);
  if (values.length > 1) return undefined;
  if (values.length === 1) return values[0];
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

export const handler = middy<APIGatewayProxyEvent, HttpResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      return await answerReport(deps, partnerKeys, event);
    } catch (error) {
      const response = errorResponse(error);
      if (response.statusCode >= 500) logger.error('Secret-scanning report failed', { error });
      else logger.info('Secret-scanning report refused', { status: response.statusCode, code: errorCodeOf(error) });
      return response;
    }
  });
