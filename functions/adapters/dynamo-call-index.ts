/**
 * The call index on DynamoDB.
 *
 * - `ORG#<org>#USAGE` / `CALLS#<env>#<call hour>#<filing hour>#<part>`: the call index of an
 *   organization's environment: the sections of a rolled-up (filing) hour whose newest call is in
 *   `call hour`, `sections` = gzip of the JSON of their CallSectionRef[]; `ttl` as long as the
 *   call-log objects. Keyed by the calls' hour, so a section filed a day late is found where its
 *   calls are, and never overwrites the items of an hour rolled up before. (Items written before,
 *   `CALLS#<env>#<filing hour>#<part>`, read the same way.)
 *
 * Readers take the hours up to the marker from the call index, and the hours after it from the
 * recent windows (DynamoRecentUsageStore), reading the marker first, so every window counts once.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CALL_LOG_OBJECT_RETENTION_DAYS } from '../definition/usage';
import { inParallel } from '../domain/in-parallel';
import type { KeyEnvironment } from '../domain/keys/key-token';
import { DAY_MS } from '../domain/usage/days';
import type { CallIndexEntry } from '../domain/usage/rollup';
import type { CallIndexSource, CallSectionRef } from '../domain/usage/usage-model';
import { HOUR_MS, hourOf, hourStart, nextHour } from '../domain/usage/window';
import { organizationUsage } from './dynamo-usage-store';
import { queryAll } from './query-page';
import { gunzipJson, gzipJson, MAX_PART_BYTES, WRITES_AT_ONCE } from './recent-usage-items';

/** Call index items (an hour of an organization's sections, or a part of it) per Query request. */
const INDEX_ITEMS_PER_QUERY = 2;

/**
 * How far a section's newest call is after its oldest at most: a window's calls span Firehose's
 * buffering interval (at most 900 s) and API Gateway's delivery lag. A page up to `until` also
 * reads the sections of the hour after it, whose older calls may be at or before `until`.
 */
const MAX_SECTION_SPAN_MS = HOUR_MS;

/** The call log's read of a page's sections, as CallIndexSource declares it. */
export type CallSectionsQuery = Parameters<CallIndexSource['callSections']>[0];

const callIndexPrefix = (environment: KeyEnvironment) => `CALLS#${environment}#`;

/** Sections as gzipped parts of at most `limit` bytes. */
function sectionParts(sections: readonly CallSectionRef[], limit = MAX_PART_BYTES): Buffer[] {
  const whole = gzipJson(sections);
  if (whole.length <= limit || sections.length < 2) return [whole];
  const half = Math.ceil(sections.length / 2);
  return [...sectionParts(sections.slice(0, half), limit), ...sectionParts(sections.slice(half), limit)];
}

export class DynamoCallIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The windows not rolled up yet, and where the rolled-up hours end. */
    private readonly recent: Pick<CallIndexSource, 'recentCalls'>,
  ) {}

  /** One item (or part) per hour of the sections' newest calls, within the filing hour's entry. */
  async putCallIndex(entries: readonly CallIndexEntry[]): Promise<void> {
    const writes = entries.flatMap((entry) => {
      const ttl = Math.floor((hourStart(entry.hour) + CALL_LOG_OBJECT_RETENTION_DAYS * DAY_MS) / 1000);
      const byCallHour = new Map<string, CallSectionRef[]>();
      for (const section of entry.sections) {
        const callHour = hourOf(section.to);
        byCallHour.set(callHour, [...(byCallHour.get(callHour) ?? []), section]);
      }
      return [...byCallHour].flatMap(([callHour, sections]) => {
        const newestFirst = [...sections].sort((a, b) => b.to - a.to);
        return sectionParts(newestFirst).map((data, part) => () => {
          const item = {
            pk: organizationUsage(entry.organizationId),
            sk: `${callIndexPrefix(entry.environment)}${callHour}#${entry.hour}#${part}`,
            type: 'call-index',
            sections: data,
            ttl,
          };
          return this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
        });
      });
    });
    await inParallel(writes, WRITES_AT_ONCE);
  }

  /**
   * Newest first by their newest call. A window filed under an hour holds no call after that hour's
   * end, and an index item holds the sections whose newest call is in its call hour, so once an
   * hour's items are read, every buffered section newer than that hour's start can go: none still
   * unread is newer.
   */
  async *callSections(query: CallSectionsQuery): AsyncIterable<CallSectionRef> {
    const { organizationId, environment, since, until } = query;
    const wanted = (section: CallSectionRef) => section.to >= since && section.from <= until;
    const { after: marker, windows } = query.recent ?? (await this.recent.recentCalls(organizationId, environment));
    const buffer = windows.flatMap((window) => (window.calls && wanted(window.calls) ? [window.calls] : []));
    const release = function* (from: number) {
      buffer.sort((a, b) => b.to - a.to);
      while (buffer.length > 0 && (buffer[0] as CallSectionRef).to >= from) yield buffer.shift() as CallSectionRef;
    };
    if (marker === undefined) {
      yield* release(Number.NEGATIVE_INFINITY);
      return;
    }
    yield* release(hourStart(nextHour(marker)));
    const prefix = callIndexPrefix(environment);
    const from = `${prefix}${hourOf(since)}`;
    // Index items are keyed by their sections' newest call, however late they were filed: hours
    // after `until` (and a section's span) hold no section with calls up to it.
    const latest = until >= hourStart(marker) ? marker : hourOf(until + MAX_SECTION_SPAN_MS);
    const to = `${prefix}${latest < marker ? latest : marker}#~`;
    // `since` after every rolled-up hour (the rollup days behind): no index item is wanted, and
    // DynamoDB refuses a BETWEEN whose bounds run backwards.
    const items =
      from <= to
        ? queryAll(this.client, {
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': organizationUsage(organizationId), ':from': from, ':to': to },
            ScanIndexForward: false,
            // A page stops once it has its calls or its index budget is spent (call-log.ts): a
            // few hours' items per request, not 1 MB of them, so it reads little past that.
            Limit: INDEX_ITEMS_PER_QUERY,
          })
        : [];
    // A call hour's sections may come from several filing hours and parts, in any order: they are
    // released only once every item of it is read, when the next call hour starts (release sorts
    // them newest first).
    let reading: string | undefined;
    for await (const item of items) {
      const hour = String(item.sk).slice(prefix.length, prefix.length + 13);
      if (reading !== undefined && hour !== reading) yield* release(hourStart(reading));
      reading = hour;
      buffer.push(...gunzipJson<CallSectionRef[]>(item.sections).filter(wanted));
    }
    yield* release(Number.NEGATIVE_INFINITY);
  }
}
