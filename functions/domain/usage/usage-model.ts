/** Usage counters, the usage windows and the call-log archive, and the storage they need. */
import type { KeyEnvironment } from '../keys/key-token';
import type { Anomaly } from './anomaly';

/** Who a set of daily counters belongs to. */
export type CounterScope =
  /** One key of an organization, one UTC day. */
  | { kind: 'key'; organizationId: string; keyId: string; day: string }
  /**
   * The whole organization in one environment (live or sandbox, from the stage), one UTC day. It
   * holds counters per endpoint and status only, never per key, so its size does not grow with the
   * number of keys (DynamoDB items end at 400 KB).
   */
  | { kind: 'organization'; organizationId: string; environment: KeyEnvironment; day: string }
  /** Calls API Gateway could not attribute to a key (401s, unknown routes), per stage and day. */
  | { kind: 'stage'; stage: string; day: string };

export interface DaysQuery {
  organizationId: string;
  environment: KeyEnvironment;
  keyId?: string;
  from: string;
  to: string;
}

/** Counters to add to a scope's item, by counter name (see counters.ts). */
export interface CounterUpdate {
  scope: CounterScope;
  counters: Record<string, number>;
  /**
   * A key's day only (the rollup's): the key's latest call of the day in these counters, added to
   * the item's `lastUsed` number set. A set cannot go back: a late window adds an older element,
   * and readers take the largest.
   */
  lastUsed?: number;
}

export interface DayCounters {
  day: string;
  counters: Record<string, number>;
}

/** A key's day after an ingest batch: its requests so far, and the 7-day average once worked out. */
export interface KeyDayTotal {
  organizationId: string;
  keyId: string;
  day: string;
  requests: number;
  baseline?: number;
  /** With an update's `lastUsed`: how many elements the item's `lastUsed` set holds after the write. */
  lastUses?: number;
  /** The watermark refused the write: an earlier attempt of the same rollup hour added to the item. */
  retried?: boolean;
}

/** A key's day, where its latest rolled-up calls of the day are (`lastUsed`). */
export type KeyDay = Pick<KeyDayTotal, 'organizationId' | 'keyId' | 'day'>;

export interface UsageStore {
  /**
   * Adds every update's counters atomically per item (DynamoDB ADD), one write per item; returns
   * each key item's state after the adds. With a `watermark` (the rollup's hour, which only grows
   * per item), an item that already holds that watermark or a later one is left as it is (it was
   * added to by an earlier attempt) and its state is returned all the same.
   */
  add(updates: CounterUpdate[], options?: { watermark?: string }): Promise<KeyDayTotal[]>;
  /** The largest element of each key day's `lastUsed` set, by `<keyId>/<day>`; days without one are left out. */
  latestUses(days: readonly KeyDay[]): Promise<Map<string, number>>;
  /** Keeps a key's 7-day average on its day item, unless one is there already. */
  setAnomalyBaseline(day: Pick<KeyDayTotal, 'organizationId' | 'keyId' | 'day'>, average: number): Promise<void>;
  /** Records (or raises the count of) a key's anomaly of a day. */
  putAnomaly(organizationId: string, environment: KeyEnvironment, anomaly: Anomaly): Promise<void>;
  /** The keys flagged on a day in an environment. */
  anomalies(query: { organizationId: string; environment: KeyEnvironment; day: string }): Promise<Anomaly[]>;
  /**
   * The days from `from` to `to` (inclusive) that have counters, oldest first: the organization's in
   * `environment`, or with `keyId` that key's (a key's counters are its environment's already).
   */
  days(query: DaysQuery): Promise<DayCounters[]>;
  /** Unattributed calls of a stage, for operators; never shown to an organization. */
  stageDays(query: { stage: string; from: string; to: string }): Promise<DayCounters[]>;
}

/** A call as the call log shows it. */
export interface LoggedCall {
  /** Epoch milliseconds. */
  time: number;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  ip: string;
  userAgent: string;
  credits: number;
  requestId: string;
}

/**
 * Where one organization's calls of one window sit in the call-log archive: a byte range of the
 * window's archive object, read with one ranged GET.
 */
export interface CallSectionRef {
  /** The archive object's key (`call-log/<day>/<windowId>-<hash of its bytes>.bin`). */
  object: string;
  offset: number;
  length: number;
  /** The keys with calls in the section: a key's call log skips sections that do not list it. */
  keys: string[];
  /**
   * The section has more keys than a reference lists (SECTION_KEY_LIST_MAX, call-archive.ts):
   * `keys` is empty and every key of the organization reads the section.
   */
  anyKey?: true;
  /** Oldest and newest call time in the section, epoch ms. */
  from: number;
  to: number;
}

/** One organization's traffic in one environment in one usage window. */
export interface OrgWindow {
  organizationId: string;
  environment: KeyEnvironment;
  /** Per key: its latest call in the window (epoch ms) and its counters (counters.ts names) per UTC day. */
  keys: Record<string, { lastUsed: number; days: Record<string, Record<string, number>> }>;
  /** The window's calls in the archive, when it had any. */
  calls?: CallSectionRef;
}

/** Everything one access-log object adds: the unit usage-ingest writes, once per object. */
export interface UsageWindow {
  /** Derived from the access-log object's key, so a redelivered object names the same window. */
  id: string;
  /** When the access-log object was created (its S3 event time), epoch ms. */
  createdAt: number;
  organizations: OrgWindow[];
  /** Calls no key can be attributed to (401s, unknown routes), per stage and UTC day. */
  stages: { stage: string; day: string; counters: Record<string, number> }[];
}

/** An organization's window as readers get it: the window's time beside the organization's part. */
export interface RecentOrgWindow extends OrgWindow {
  windowId: string;
  createdAt: number;
}

/**
 * Windows of the last hours, before the hourly rollup folds them into day items. Items are sharded
 * by organization; an organization's data never leaves the adapter for another organization.
 */
export interface RecentUsageStore {
  /** Writes the window, one item per shard with data; the same window again rewrites the same items. */
  putWindow(window: UsageWindow): Promise<void>;
  /** One organization's windows in an environment that the rollup has not folded in yet, oldest first. */
  organizationWindows(organizationId: string, environment: KeyEnvironment): Promise<RecentOrgWindow[]>;
}

/**
 * The windows not rolled up yet of an organization's environment, as the call log reads them once
 * per page: before the key (for its latest use, see listCalls), then for their sections. `after`
 * is the store's own note of where the rolled-up hours end.
 */
export interface RecentCalls {
  after: string | undefined;
  windows: RecentOrgWindow[];
}

/** The call sections of an organization's environment, newest first (by their newest call). */
export interface CallIndexSource {
  recentCalls(organizationId: string, environment: KeyEnvironment): Promise<RecentCalls>;
  callSections(query: {
    organizationId: string;
    environment: KeyEnvironment;
    /** Only sections with calls at or after this time (epoch ms). */
    since: number;
    /** Only sections with calls at or before this time (epoch ms). */
    until: number;
    /** The recent windows read already (recentCalls); read again when left out. */
    recent?: RecentCalls;
  }): AsyncIterable<CallSectionRef>;
}

/** The call-log archive (S3): one object per window, read by byte range. */
export interface CallArchive {
  put(object: string, body: Uint8Array): Promise<void>;
  read(section: Pick<CallSectionRef, 'object' | 'offset' | 'length'>): Promise<Uint8Array>;
}
