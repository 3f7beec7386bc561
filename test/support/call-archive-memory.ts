/**
 * The call-log archive and its index in memory, for the call log's unit tests: `archive` does what
 * usage-ingest and the rollup do with a window's calls (archiveWindow, one object, one section ref
 * per organization and environment), and the index answers newest first by each section's `to`.
 */

import { environmentOfStage } from '../../functions/definition/active-api';
import type { KeyEnvironment } from '../../functions/domain/keys/key-token';
import type { AccessCall } from '../../functions/domain/usage/access-call';
import { archiveWindow } from '../../functions/domain/usage/call-archive';
import type {
  CallArchive,
  CallIndexSource,
  CallSectionRef,
  RecentCalls,
} from '../../functions/domain/usage/usage-model';
import { hourOf } from '../../functions/domain/usage/window';

export class MemoryCallArchive implements CallArchive {
  readonly objects = new Map<string, Uint8Array>();
  reads = 0;

  async put(object: string, body: Uint8Array): Promise<void> {
    this.objects.set(object, body.slice());
  }

  async read(section: Pick<CallSectionRef, 'object' | 'offset' | 'length'>): Promise<Uint8Array> {
    this.reads++;
    const body = this.objects.get(section.object);
    if (!body) throw new Error(`no object ${section.object}`);
    return body.slice(section.offset, section.offset + section.length);
  }
}

export class MemoryCallIndex implements CallIndexSource {
  private readonly sections: { organizationId: string; environment: KeyEnvironment; ref: CallSectionRef }[] = [];

  add(organizationId: string, environment: KeyEnvironment, ref: CallSectionRef): void {
    this.sections.push({ organizationId, environment, ref });
  }

  /** The keys' latest calls, as the recent windows (or the key items, once rolled up) hold them. */
  readonly lastUsed = new Map<string, number>();
  /** Index items (hours of one organization's sections) the queries went through. */
  hoursRead = 0;
  /** Sections handed out, plus the keys they list: what the call log's index budget counts. */
  entriesGoneThrough = 0;

  async recentCalls(organizationId: string, environment: KeyEnvironment): Promise<RecentCalls> {
    const keys = Object.fromEntries(
      [...this.lastUsed]
        .filter(([scope]) => scope.startsWith(`${organizationId}/${environment}/`))
        .map(([scope, lastUsed]) => [scope.split('/')[2] as string, { lastUsed, days: {} }]),
    );
    return { after: undefined, windows: [{ organizationId, environment, keys, windowId: 'memory', createdAt: 0 }] };
  }

  async *callSections(query: Parameters<CallIndexSource['callSections']>[0]): AsyncIterable<CallSectionRef> {
    const hours = new Set(
      this.sections
        .filter(
          ({ organizationId, environment }) =>
            organizationId === query.organizationId && environment === query.environment,
        )
        .map(({ ref }) => hourOf(ref.to))
        .filter((hour) => hour >= hourOf(query.since) && hour <= hourOf(Math.min(query.until, 8.64e15))),
    );
    this.hoursRead += hours.size;
    const matching = this.sections
      .filter(
        ({ organizationId, environment }) =>
          organizationId === query.organizationId && environment === query.environment,
      )
      .map(({ ref }) => ref)
      .filter((ref) => ref.to >= query.since && ref.from <= query.until)
      .sort((a, b) => b.to - a.to);
    for (const ref of matching) {
      this.entriesGoneThrough += 1 + ref.keys.length;
      yield structuredClone(ref);
    }
  }
}

/** Archives a window's calls and indexes its sections, as the pipeline does. */
export async function archiveCalls(
  target: { archive: MemoryCallArchive; index: MemoryCallIndex },
  calls: readonly AccessCall[],
  windowId: string,
): Promise<void> {
  const window = archiveWindow(calls, windowId);
  if (window.sections.length === 0) return;
  await target.archive.put(window.object, window.body);
  for (const call of calls) {
    const environment = environmentOfStage(call.stage);
    if (!environment || !call.keyId || !call.organizationId) continue;
    const scope = `${call.organizationId}/${environment}/${call.keyId}`;
    target.index.lastUsed.set(scope, Math.max(target.index.lastUsed.get(scope) ?? 0, call.time));
  }
  for (const { organizationId, environment, ref } of window.sections)
    target.index.add(organizationId, environment, ref);
}
