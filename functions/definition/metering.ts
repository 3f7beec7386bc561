/**
 * How long the metered proxy waits for a team's backend before it answers 504 and refunds: below
 * API Gateway's 29-second integration limit, with time left to refund and answer. The Lambda client,
 * the HTTP adapter and the construct's check of paid backends' timeouts all read it.
 */
export const BACKEND_TIMEOUT_SECONDS = 25;
