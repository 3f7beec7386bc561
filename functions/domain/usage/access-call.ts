/**
 * One line of API Gateway's access log, read into a call. The line is read field by field in the
 * order of ACCESS_LOG_FIELDS rather than with JSON.parse: API Gateway substitutes values without
 * escaping them, so a user agent such as `x","keyId":"key_…` would otherwise add a second keyId
 * that JSON.parse (last one wins) would believe. Client-controlled fields come last in the format,
 * so every field before them, the key and organization included, is read from text no client wrote.
 */
import { ACCESS_LOG_FIELDS, type AccessLogRecord } from '../../definition/access-log';

export interface AccessCall {
  requestId: string;
  /** Epoch milliseconds at which the request arrived. */
  time: number;
  stage: string;
  method: string;
  /** The route template (`/v1/keys/{id}`); empty when no route matched. */
  resourcePath: string;
  /** The concrete path as API Gateway saw it, stage included (`/live/v1/keys/key_…`). */
  path: string;
  status: number;
  latencyMs: number;
  ip: string;
  userAgent: string;
  /** Empty when API Gateway had no authorizer context: a 401, or no route. */
  keyId: string;
  organizationId: string;
}

type FieldName = keyof typeof ACCESS_LOG_FIELDS;
const FIELD_NAMES = Object.keys(ACCESS_LOG_FIELDS) as FieldName[];

/** Longest user agent and path kept; the call log shows them, nothing else reads them. */
export const MAX_USER_AGENT_LENGTH = 512;
export const MAX_PATH_LENGTH = 1024;

/** Reads the raw line in field order; undefined when it is not a line of ACCESS_LOG_FORMAT. */
export function readAccessLogLine(line: string): AccessLogRecord | undefined {
  const text = line.trim();
  const closing = '"}';
  if (!text.endsWith(closing)) return undefined;
  const values: Partial<AccessLogRecord> = {};
  let position = 0;
  let previous: { name: FieldName; start: number } | undefined;
  for (const [index, name] of FIELD_NAMES.entries()) {
    const opener = index === 0 ? `{"${name}":"` : `","${name}":"`;
    const at = text.indexOf(opener, position);
    if (at < 0 || (index === 0 && at !== 0)) return undefined;
    if (previous) values[previous.name] = text.slice(previous.start, at);
    previous = { name, start: at + opener.length };
    position = previous.start;
  }
  if (!previous || text.length - closing.length < previous.start) return undefined;
  values[previous.name] = text.slice(previous.start, text.length - closing.length);
  return values as AccessLogRecord;
}

const DIGITS = /^\d{1,16}$/;
const STATUS = /^[1-5]\d\d$/;
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const METHOD = /^[A-Z]{1,16}$/;
const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** API Gateway writes `-` for a value it does not have. */
const present = (value: string | undefined) => (value === undefined || value === '-' ? '' : value);

/** A record as a call, or undefined when a field the statistics depend on is missing or malformed. */
export function accessCallOf(record: AccessLogRecord): AccessCall | undefined {
  const time = present(record.requestTimeEpoch);
  const status = present(record.status);
  const latency = present(record.responseLatency);
  const method = present(record.httpMethod);
  const stage = present(record.stage);
  const keyId = present(record.keyId);
  const organizationId = present(record.organizationId);
  if (!DIGITS.test(time) || !STATUS.test(status) || !METHOD.test(method) || !TOKEN.test(stage)) return undefined;
  if (latency && !DIGITS.test(latency)) return undefined;
  // A key without its organization (or the reverse) cannot be attributed: count it with the stage.
  const attributed = TOKEN.test(keyId) && TOKEN.test(organizationId);
  const resourcePath = present(record.resourcePath);
  return {
    requestId: REQUEST_ID.test(present(record.requestId)) ? present(record.requestId) : '',
    time: Number(time),
    stage,
    method,
    resourcePath: resourcePath.startsWith('/') && !resourcePath.includes('|') ? resourcePath.slice(0, 256) : '',
    path: present(record.path).slice(0, MAX_PATH_LENGTH),
    status: Number(status),
    latencyMs: latency ? Number(latency) : 0,
    ip: present(record.sourceIp).slice(0, 64),
    userAgent: present(record.userAgent).slice(0, MAX_USER_AGENT_LENGTH),
    keyId: attributed ? keyId : '',
    organizationId: attributed ? organizationId : '',
  };
}

export function parseAccessLogLine(line: string): AccessCall | undefined {
  const record = readAccessLogLine(line);
  return record && accessCallOf(record);
}

/** The line API Gateway writes for a record: ACCESS_LOG_FORMAT with each value substituted as is. */
export function renderAccessLogLine(record: AccessLogRecord): string {
  const parts = FIELD_NAMES.map((name) => `"${name}":"${record[name] === '' ? '-' : record[name]}"`);
  return `{${parts.join(',')}}`;
}
