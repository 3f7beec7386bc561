/** The call-log archive format: one object per window, one gzip section per organization and environment. */
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  archiveWindow,
  readSection,
  SECTION_KEY_LIST_MAX,
  sectionHoldsKey,
} from '../../functions/domain/usage/call-archive';
import type { CallSectionRef } from '../../functions/domain/usage/usage-model';
import { aCall } from '../support/usage-memory';

const T = Date.parse('2026-03-01T12:00:00.000Z');
const rangeOf = (body: Uint8Array, ref: CallSectionRef) => body.subarray(ref.offset, ref.offset + ref.length);

describe('archiveWindow', () => {
  it('names the object after the day of the oldest call, the window and its bytes', () => {
    const calls = [
      aCall({ time: T, requestId: 'a' }),
      aCall({ time: Date.parse('2026-02-28T23:59:59Z'), requestId: 'b' }),
    ];

    const { object } = archiveWindow(calls, 'w-1');

    expect(object).toMatch(/^call-log\/2026-02-28\/w-1-[0-9a-f]{16}\.bin$/);
  });

  it('gives other bytes of the same window an object of their own, so no offsets point into bytes they were not made from', () => {
    // A redelivery compressed by another zlib, as any other bytes under the same window id.
    const first = archiveWindow([aCall({ requestId: 'a' })], 'w');
    const other = archiveWindow([aCall({ requestId: 'a', latencyMs: 99 })], 'w');

    expect(other.object).not.toBe(first.object);
    expect(other.sections.map((section) => section.ref.object)).toEqual([other.object]);
  });

  it('writes one section per organization and environment, sorted, each with its keys and time span', () => {
    const calls = [
      aCall({ organizationId: 'org_2', keyId: 'key_B', time: T + 5, requestId: 'c' }),
      aCall({ organizationId: 'org_1', keyId: 'key_A', time: T + 9, requestId: 'b' }),
      aCall({ organizationId: 'org_1', keyId: 'key_C', time: T + 1, requestId: 'a' }),
      aCall({ organizationId: 'org_1', keyId: 'key_T', stage: 'sandbox', time: T + 3, requestId: 'd' }),
    ];

    const { sections, body } = archiveWindow(calls, 'w');

    expect(sections.map((s) => [s.organizationId, s.environment, s.ref.keys, s.ref.from, s.ref.to])).toEqual([
      ['org_1', 'live', ['key_A', 'key_C'], T + 1, T + 9],
      ['org_1', 'test', ['key_T'], T + 3, T + 3],
      ['org_2', 'live', ['key_B'], T + 5, T + 5],
    ]);
    expect(sections.map((s) => s.ref.offset)).toEqual([
      0,
      sections[0]?.ref.length,
      (sections[0]?.ref.length ?? 0) + (sections[1]?.ref.length ?? 0),
    ]);
    expect(sections.reduce((sum, s) => sum + s.ref.length, 0)).toBe(body.length);
  });

  it('lists the keys of a section up to SECTION_KEY_LIST_MAX, and above that none, marking it for any key', () => {
    const callsOf = (organizationId: string, count: number) =>
      Array.from({ length: count }, (_, index) =>
        aCall({ organizationId, keyId: `key_${index}`, time: T + index, requestId: `${organizationId}-${index}` }),
      );

    const { sections } = archiveWindow(
      [...callsOf('org_1', SECTION_KEY_LIST_MAX), ...callsOf('org_2', SECTION_KEY_LIST_MAX + 1)],
      'w',
    );

    const [listed, crowded] = sections.map((section) => section.ref);
    expect(listed?.keys).toHaveLength(SECTION_KEY_LIST_MAX);
    expect(listed?.anyKey).toBeUndefined();
    expect(crowded?.keys).toEqual([]);
    expect(crowded?.anyKey).toBe(true);
    expect(crowded && sectionHoldsKey(crowded, 'key_7')).toBe(true);
    expect(listed && sectionHoldsKey(listed, 'key_unknown')).toBe(false);
  });

  it('leaves out calls no key is named for, and a stage the API does not have', () => {
    const calls = [
      aCall({ keyId: '', organizationId: '', status: 401, requestId: 'unattributed' }),
      aCall({ stage: 'staging', requestId: 'unknown-stage' }),
    ];

    const { sections, body } = archiveWindow(calls, 'w');

    expect(sections).toEqual([]);
    expect(body.length).toBe(0);
  });

  it('writes the same object again for the same window delivered again', () => {
    const calls = [aCall({ requestId: 'b', time: T + 1 }), aCall({ requestId: 'a', time: T + 1 })];

    expect(archiveWindow([...calls].reverse(), 'w')).toEqual(archiveWindow(calls, 'w'));
  });

  it('keeps every field of a call, its credits included', () => {
    const call = aCall({ method: 'POST', resourcePath: '/v1/search', path: '/live/v1/search', status: 200 });

    const { body, sections } = archiveWindow([call], 'w');

    expect(readSection(rangeOf(body, sections[0]?.ref as CallSectionRef), call.keyId)).toEqual([
      {
        time: call.time,
        method: 'POST',
        path: '/live/v1/search',
        status: 200,
        latencyMs: 10,
        ip: '203.0.113.7',
        userAgent: 'test',
        credits: 1,
        requestId: call.requestId,
      },
    ]);
  });

  it('puts every attributed call in exactly its organization’s section, readable by its byte range alone', () => {
    const call = fc.record({
      organizationId: fc.constantFrom('org_1', 'org_2', 'org_3', ''),
      keyId: fc.constantFrom('key_A', 'key_B', 'key_C', ''),
      stage: fc.constantFrom('live', 'sandbox', 'other'),
      offset: fc.integer({ min: 0, max: 120_000 }),
      userAgent: fc.string({ maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), (shapes) => {
        const calls = shapes.map((shape, index) => aCall({ ...shape, time: T + shape.offset, requestId: `r${index}` }));
        const { body, sections } = archiveWindow(calls, 'w');

        const expected = calls.filter((c) => c.keyId && c.organizationId && c.stage !== 'other');
        const found: string[] = [];
        for (const { organizationId, environment, ref } of sections) {
          const bytes = rangeOf(body, ref);
          // Each section is a gzip member of its own: nothing before or after it is needed.
          const lines = gunzipSync(bytes).toString().trim().split('\n');
          expect(lines).toHaveLength(
            expected.filter(
              (c) => c.organizationId === organizationId && (c.stage === 'live') === (environment === 'live'),
            ).length,
          );
          for (const keyId of ref.keys) {
            const read = readSection(bytes, keyId);
            const mine = expected.filter(
              (c) =>
                c.organizationId === organizationId &&
                c.keyId === keyId &&
                (c.stage === 'live') === (environment === 'live'),
            );
            expect(read.map((c) => c.requestId).sort()).toEqual(mine.map((c) => c.requestId).sort());
            expect(read.map((c) => c.time)).toEqual([...read.map((c) => c.time)].sort((a, b) => a - b));
            for (const c of read) expect(c.time >= ref.from && c.time <= ref.to).toBe(true);
            found.push(...read.map((c) => c.requestId));
          }
          expect(readSection(bytes, 'key_elsewhere')).toEqual([]);
        }
        expect(found.sort()).toEqual(expected.map((c) => c.requestId).sort());
        const named = sections.map((s) => `${s.organizationId}/${s.environment}`);
        expect(new Set(named).size).toBe(named.length);
      }),
      { numRuns: 100 },
    );
  });
});
