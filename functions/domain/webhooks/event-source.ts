/**
 * Which event types a queue may carry to the fan-out. The platform's own events queue carries any
 * type of the catalog; every other queue (the team's, which the team's Lambda backends may send
 * anything to with a plain SQS client) carries the definition's team types only. So code the team
 * runs cannot forge the platform's `api_key.*` events (revoked, leaked…) to customers' receivers:
 * the platform queue is the one trusted source, and a record from anywhere else is held to the
 * team's catalog.
 */
import { activeApi, type LoadedApi } from '../../definition/active-api';
import { isTeamEventType } from './catalog';

/** An event type its queue may not carry; the fan-out reports the record failed (it ends in the DLQ). */
export class RefusedEventSourceError extends Error {
  override name = 'RefusedEventSourceError';
}

/** The account and name an SQS queue ARN (`arn:…:sqs:<region>:<account>:<name>`) names. */
function accountAndNameOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length === 6 && parts[0] === 'arn' && parts[2] === 'sqs' ? `${parts[4]}/${parts[5]}` : undefined;
}

/** The account and name an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`) names. */
function accountAndNameOfUrl(url: string): string | undefined {
  // Not `new URL`: the local emulator's hosts (`sqs.us-east-1.127.0.0.1`) are no valid WHATWG host.
  const path = url
    .replace(/^[a-z]+:\/\/[^/]*/i, '')
    .split('/')
    .filter(Boolean);
  return path.length === 2 ? `${path[0]}/${path[1]}` : undefined;
}

/**
 * Whether a record's `eventSourceARN` is the queue at `queueUrl`. A queue's name is unique in its
 * account and region, and an event source mapping only reads queues of its function's region.
 */
export function isQueueOf(eventSourceArn: string, queueUrl: string): boolean {
  const source = accountAndNameOfArn(eventSourceArn);
  return source !== undefined && source === accountAndNameOfUrl(queueUrl);
}

/** Throws RefusedEventSourceError for a type that a record from outside the platform's queue may not carry. */
export function checkEventSource(
  type: string,
  source: { fromPlatformQueue: boolean },
  api: LoadedApi = activeApi(),
): void {
  if (source.fromPlatformQueue || isTeamEventType(type, api)) return;
  throw new RefusedEventSourceError(
    `'${type}' is not an event type of the API definition: the team events queue carries only those, so it was not delivered.`,
  );
}
