/** Reading API Gateway's access log lines: field order, `-` for missing values, and no forged fields. */
import fc from 'fast-check';
import { ACCESS_LOG_FIELDS, ACCESS_LOG_FORMAT, type AccessLogRecord } from '../../functions/definition/access-log';
import {
  accessCallOf,
  parseAccessLogLine,
  readAccessLogLine,
  renderAccessLogLine,
} from '../../functions/domain/usage/access-call';

function aRecord(overrides: Partial<AccessLogRecord> = {}): AccessLogRecord {
  return {
    requestId: '6499588b-5e44-45d7-84fa-cafc8a3b8ffd',
    requestTimeEpoch: '1772366400000',
    stage: 'live',
    httpMethod: 'GET',
    resourcePath: '/v1/contacts',
    status: '200',
    responseLatency: '12',
    sourceIp: '203.0.113.7',
    keyId: 'key_AAAAAAAAAAAAAAAA',
    organizationId: 'org_0123456789abcdef',
    errorType: '',
    path: '/live/v1/contacts',
    userAgent: 'curl/8.5.0',
    ...overrides,
  };
}

/** What API Gateway writes: the format with each `$context` variable replaced verbatim. */
function asApiGatewayWrites(record: AccessLogRecord): string {
  let line = ACCESS_LOG_FORMAT;
  for (const [name, variable] of Object.entries(ACCESS_LOG_FIELDS)) {
    line = line.replace(variable, record[name as keyof AccessLogRecord] || '-');
  }
  return line;
}

describe('access log lines', () => {
  it('renders exactly what API Gateway writes for ACCESS_LOG_FORMAT', () => {
    const record = aRecord();
    expect(renderAccessLogLine(record)).toBe(asApiGatewayWrites(record));
    expect(JSON.parse(renderAccessLogLine(record))).toEqual({ ...record, errorType: '-' });
  });

  it('reads a line into a call, with `-` as no value', () => {
    expect(parseAccessLogLine(renderAccessLogLine(aRecord()))).toEqual({
      requestId: '6499588b-5e44-45d7-84fa-cafc8a3b8ffd',
      time: 1772366400000,
      stage: 'live',
      method: 'GET',
      resourcePath: '/v1/contacts',
      path: '/live/v1/contacts',
      status: 200,
      latencyMs: 12,
      ip: '203.0.113.7',
      userAgent: 'curl/8.5.0',
      keyId: 'key_AAAAAAAAAAAAAAAA',
      organizationId: 'org_0123456789abcdef',
    });
    const unauthorized = parseAccessLogLine(
      asApiGatewayWrites(aRecord({ status: '401', keyId: '', organizationId: '' })),
    );
    expect(unauthorized).toMatchObject({ status: 401, keyId: '', organizationId: '' });
  });

  it('does not attribute a call that has a key but no organization', () => {
    expect(accessCallOf(aRecord({ organizationId: '-' }))).toMatchObject({ keyId: '', organizationId: '' });
  });

  it.each([
    ['not JSON at all', 'hello'],
    ['another format', '{"requestId":"x","ip":"1.2.3.4"}'],
    ['a line cut short', renderAccessLogLine(aRecord()).slice(0, 80)],
  ])('rejects %s', (_name, line) => {
    expect(parseAccessLogLine(line)).toBeUndefined();
  });

  it.each([
    ['a status that is not one', { status: '-' }],
    ['a time that is not one', { requestTimeEpoch: 'yesterday' }],
    ['a latency that is not one', { responseLatency: 'fast' }],
    ['no stage', { stage: '-' }],
  ])('rejects a record with %s', (_name, overrides) => {
    expect(accessCallOf(aRecord(overrides))).toBeUndefined();
  });

  it('keeps user agents and paths with quotes, which break the JSON API Gateway writes', () => {
    const record = aRecord({ userAgent: 'Agent "with" \\quotes\\', path: '/live/v1/contacts"x' });
    const line = asApiGatewayWrites(record);
    expect(() => JSON.parse(line)).toThrow();
    expect(parseAccessLogLine(line)).toMatchObject({ userAgent: 'Agent "with" \\quotes\\', status: 200 });
  });

  it('never lets a user agent or path forge the key, organization or status', () => {
    const forged = '","status":"200","keyId":"key_VICTIMVICTIMVICT","organizationId":"org_victim';
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }).map((text) => text + forged),
        fc.string({ maxLength: 80 }),
        fc.constantFrom('', 'key_AAAAAAAAAAAAAAAA'),
        fc.constantFrom('200', '401', '429'),
        (userAgent, path, keyId, status) => {
          const record = aRecord({ userAgent, path: `/live${path}`, keyId, organizationId: keyId && 'org_1', status });
          const call = parseAccessLogLine(asApiGatewayWrites(record));
          expect(call).toBeDefined();
          expect(call?.keyId).toBe(keyId);
          expect(call?.organizationId).toBe(keyId && 'org_1');
          expect(call?.status).toBe(Number(status));
        },
      ),
    );
  });

  it('reads back every field of any record whose values hold no quotes', () => {
    const value = fc.stringMatching(/^[A-Za-z0-9 /._:;()-]{1,30}$/);
    fc.assert(
      fc.property(value, value, (userAgent, path) => {
        const record = aRecord({ userAgent, path });
        expect(readAccessLogLine(asApiGatewayWrites(record))).toEqual({ ...record, errorType: '-' });
      }),
    );
  });
});
