/** A list written across partitions reads back as one list, newest first, page by page. */
import fc from 'fast-check';
import { mergeNewestFirst, type PartitionRead, shardOf } from '../../functions/adapters/sharded-list';

type Entry = { gsi1sk: string; keep: boolean };

/** One partition's Query as DynamoDB answers it: Limit counts items read, the filter drops some after. */
function readPartition(partition: Entry[], below: string | undefined, limit: number): PartitionRead {
  const newestFirst = partition
    .filter((entry) => below === undefined || entry.gsi1sk < below)
    .sort((a, b) => (a.gsi1sk < b.gsi1sk ? 1 : -1));
  const evaluated = newestFirst.slice(0, limit);
  const last = evaluated.at(-1);
  return {
    entries: evaluated.filter((entry) => entry.keep),
    ...(newestFirst.length > limit && last && { stoppedAt: last.gsi1sk }),
  };
}

function readAll(partitions: Entry[][], limit: number) {
  const pages: Entry[][] = [];
  let below: string | undefined;
  do {
    const merged = mergeNewestFirst(
      partitions.map((partition) => readPartition(partition, below, limit)),
      limit,
    );
    pages.push(merged.page as Entry[]);
    below = merged.below;
  } while (below !== undefined && pages.length < 10_000);
  return pages;
}

describe('mergeNewestFirst', () => {
  it('pages through every partition newest first, each entry once, none skipped (property)', () => {
    const entry = fc.record({ at: fc.integer({ min: 0, max: 10_000 }), keep: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(entry, { selector: (e) => e.at, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 10 }),
        (shapes, limit) => {
          // Sort keys are unique across partitions, as `<createdAt>#<id>` is.
          const partitions = shapes.map((partition, shard) =>
            partition.map(({ at, keep }) => ({ gsi1sk: `${String(at).padStart(5, '0')}#${shard}`, keep })),
          );
          const pages = readAll(partitions, limit);
          const expected = partitions
            .flat()
            .filter((e) => e.keep)
            .map((e) => e.gsi1sk)
            .sort()
            .reverse();
          expect(pages.flat().map((e) => e.gsi1sk)).toEqual(expected);
          for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });

  it('fills a page from several partitions and continues below its last entry', () => {
    const { page, below } = mergeNewestFirst(
      [{ entries: [{ gsi1sk: 'c' }, { gsi1sk: 'a' }] }, { entries: [{ gsi1sk: 'd' }, { gsi1sk: 'b' }] }],
      3,
    );
    expect(page.map((e) => e.gsi1sk)).toEqual(['d', 'c', 'b']);
    expect(below).toBe('b');
  });

  it('stops at the newest position a partition stopped at: older entries of other partitions may be missing', () => {
    const { page, below } = mergeNewestFirst(
      [{ entries: [{ gsi1sk: 'e' }], stoppedAt: 'd' }, { entries: [{ gsi1sk: 'f' }, { gsi1sk: 'a' }] }],
      5,
    );
    expect(page.map((e) => e.gsi1sk)).toEqual(['f', 'e']);
    expect(below).toBe('d');
  });

  it('ends the list when no partition stopped early and the page holds the rest', () => {
    expect(mergeNewestFirst([{ entries: [{ gsi1sk: 'a' }] }, { entries: [] }], 5)).toEqual({
      page: [{ gsi1sk: 'a' }],
    });
  });
});

describe('shardOf', () => {
  it('spreads key-like ids evenly over the shards', () => {
    const counts = new Array(8).fill(0);
    for (let index = 0; index < 8000; index++) counts[shardOf(`dlv_${index.toString(36).padStart(16, 'x')}`, 8)]++;
    for (const count of counts) expect(count).toBeGreaterThan(700);
  });
});
