/** An access log batch is counted once, whole, however often Lambda runs it. */
import { type IngestedBatches, ingestBatchOnce } from '../../functions/domain/usage/ingest-once';
import { LastUsedWriter } from '../../functions/domain/usage/last-used';
import { aCall, MemoryCallLogStore, MemoryLastUsedStore, MemoryUsageStore } from '../support/usage-memory';

/** The ledger as DynamoIngestedBatches keeps it: a batch id is recorded once. */
class MemoryIngestedBatches implements IngestedBatches {
  readonly ids = new Set<string>();

  async counted(batchId: string) {
    return this.ids.has(batchId);
  }

  async markCounted(batchId: string) {
    if (this.ids.has(batchId)) return false;
    this.ids.add(batchId);
    return true;
  }
}

function setup() {
  const usage = new MemoryUsageStore();
  const batches = new MemoryIngestedBatches();
  const deps = {
    usage,
    callLog: new MemoryCallLogStore(),
    lastUsed: new LastUsedWriter(new MemoryLastUsedStore()),
    batches,
  };
  const requestsOfKey = () =>
    Object.values(usage.items.get('key/org_1/key_AAAAAAAAAAAAAAAA')?.get('2026-03-01') ?? {}).reduce(
      (total, count) => total + count,
      0,
    );
  return { deps, batches, usage, requestsOfKey };
}

const batch = [aCall({ requestId: 'r1' }), aCall({ requestId: 'r2' }), aCall({ requestId: 'r3' })];

describe('ingestBatchOnce', () => {
  it('counts a new batch and records it in the ledger', async () => {
    const { deps, batches, requestsOfKey } = setup();

    const result = await ingestBatchOnce(deps, batch, 'batch-1');

    expect(result).toMatchObject({ repeated: false, raced: false, calls: 3 });
    expect(requestsOfKey()).toBeGreaterThan(0);
    expect(batches.ids).toEqual(new Set(['batch-1']));
  });

  it('skips a batch delivered again after it was counted, so nothing counts twice', async () => {
    const { deps, usage, requestsOfKey } = setup();
    await ingestBatchOnce(deps, batch, 'batch-1');
    const counted = requestsOfKey();
    const writes = usage.writes;

    const again = await ingestBatchOnce(deps, batch, 'batch-1');

    expect(again).toEqual({ repeated: true });
    expect(requestsOfKey()).toBe(counted);
    expect(usage.writes).toBe(writes);
  });

  it('counts a batch again after it failed before the ledger recorded it', async () => {
    const { deps, batches, requestsOfKey } = setup();
    const failingOnce = { ...deps, usage: Object.create(deps.usage) as MemoryUsageStore };
    failingOnce.usage.add = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    await expect(ingestBatchOnce(failingOnce, batch, 'batch-1')).rejects.toThrow();
    expect(batches.ids.size).toBe(0);

    await ingestBatchOnce(deps, batch, 'batch-1');

    expect(requestsOfKey()).toBeGreaterThan(0);
    expect(batches.ids).toEqual(new Set(['batch-1']));
  });

  it('tells when a concurrent run recorded the batch first', async () => {
    const { deps, batches } = setup();
    const racing = {
      ...deps,
      batches: { counted: async () => false, markCounted: (id: string) => batches.markCounted(id) },
    };
    await batches.markCounted('batch-1');

    const result = await ingestBatchOnce(racing, batch, 'batch-1');

    expect(result).toMatchObject({ repeated: false, raced: true });
  });
});
