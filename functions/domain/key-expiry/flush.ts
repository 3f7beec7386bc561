/**
 * The flush after an expiry, coalesced per stage. A flush at time T stops every key that expired
 * at or before T, so an expiry already covered by a flush needs nothing, and a new one is flushed
 * at its own time unless a flush ran less than a window ago; then it waits for the window to end.
 * So an isolated expiry takes effect at once, a burst empties the cache at most once per window,
 * and no expiry waits longer than one window. One item per environment records the last flush;
 * a conditional update on it lets one worker flush however many messages arrive together.
 */
import type { Clock } from '../clock';
import type { AuthorizerCacheFlusher } from '../keys/key-service';
import type { KeyEnvironment } from '../keys/key-token';
import type { ExpiryMessage } from './schedule';

export interface FlushStateStore {
  /** When this environment's stages were last flushed for an expiry (epoch ms); strongly consistent. */
  lastFlushAt(environment: KeyEnvironment): Promise<number | undefined>;
  /** Records a flush at `at` if the last one is still `previous`, and counts it; false when another worker moved it. */
  claim(environment: KeyEnvironment, previous: number | undefined, at: number): Promise<boolean>;
  /** Takes back a claim whose flush failed, unless another flush was recorded since. */
  release(environment: KeyEnvironment, at: number, previous: number | undefined): Promise<void>;
}

export interface ExpiryFlushDeps {
  state: FlushStateStore;
  cache: AuthorizerCacheFlusher;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** At most one flush per stage per window. */
  windowMs: number;
}

export type FlushOutcome = 'flushed' | 'covered';

/** Messages are delayed to their expiry in whole seconds; one far earlier is not waited for here. */
const MAX_EARLY_MS = 30_000;
/** Each lost claim means another worker flushed meanwhile; this many in a row is not normal. */
const MAX_CLAIMS = 5;

export async function flushAfterExpiry(deps: ExpiryFlushDeps, message: ExpiryMessage): Promise<FlushOutcome> {
  const expiresAt = Date.parse(message.expiresAt);
  const early = expiresAt - deps.clock().getTime();
  if (early > MAX_EARLY_MS) {
    throw new Error(`Expiry message for ${message.expiresAt} arrived ${Math.round(early / 1000)} s early`);
  }
  for (let attempt = 0; attempt < MAX_CLAIMS; attempt += 1) {
    await waitUntil(deps, expiresAt);
    const previous = await deps.state.lastFlushAt(message.environment);
    if (previous !== undefined && previous >= expiresAt) return 'covered';
    await waitUntil(deps, previous === undefined ? expiresAt : Math.max(expiresAt, previous + deps.windowMs));
    const at = deps.clock().getTime();
    if (!(await deps.state.claim(message.environment, previous, at))) continue;
    try {
      // Flushes twice, a moment apart, so a verification in flight cannot put the allow back.
      await deps.cache.flush(message.environment);
    } catch (error) {
      await deps.state.release(message.environment, at, previous);
      throw error;
    }
    return 'flushed';
  }
  throw new Error(`Flushing after ${message.expiresAt} lost ${MAX_CLAIMS} claims in a row`);
}

async function waitUntil(deps: Pick<ExpiryFlushDeps, 'clock' | 'sleep'>, at: number): Promise<void> {
  const remaining = at - deps.clock().getTime();
  if (remaining > 0) await deps.sleep(remaining);
}

/**
 * A batch of messages: each environment's in expiry order (earlier flushes cover later messages
 * that arrive together), environments side by side. Returns the ids of the messages that failed.
 */
export async function flushBatch(
  deps: ExpiryFlushDeps,
  messages: { id: string; message: ExpiryMessage }[],
  onFailure: (id: string, error: unknown) => void,
): Promise<{ failed: string[]; outcomes: FlushOutcome[] }> {
  const byEnvironment = new Map<KeyEnvironment, { id: string; message: ExpiryMessage }[]>();
  for (const entry of messages) {
    const list = byEnvironment.get(entry.message.environment) ?? [];
    list.push(entry);
    byEnvironment.set(entry.message.environment, list);
  }
  const failed: string[] = [];
  const outcomes: FlushOutcome[] = [];
  await Promise.all(
    [...byEnvironment.values()].map(async (list) => {
      list.sort((a, b) => Date.parse(a.message.expiresAt) - Date.parse(b.message.expiresAt));
      for (const { id, message } of list) {
        try {
          outcomes.push(await flushAfterExpiry(deps, message));
        } catch (error) {
          onFailure(id, error);
          failed.push(id);
        }
      }
    }),
  );
  return { failed, outcomes };
}
