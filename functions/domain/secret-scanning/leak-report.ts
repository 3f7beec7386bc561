/** A secret-scanning partner's report: a batch of matches in GitHub's partner format, and the answer. */
import { z } from 'zod';

/** A batch larger than this is refused whole; GitHub's batches are far smaller. */
export const MAX_REPORT_BYTES = 1024 * 1024;
export const MAX_REPORTS_PER_BATCH = 1000;

const text = (max: number) => z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);

export const leakReportSchema = z
  .array(
    z.object({
      // What the partner's pattern matched: possibly not a key at all, so any string up to a bound.
      token: text(1024).min(1, 'must not be empty'),
      type: text(128),
      url: text(2048).optional(),
      source: text(64).optional(),
    }),
    { error: 'must be a JSON array of {token, type, url, source}' },
  )
  .min(1, 'must hold at least one report')
  .max(MAX_REPORTS_PER_BATCH, `must hold at most ${MAX_REPORTS_PER_BATCH} reports`);

export type LeakReport = z.output<typeof leakReportSchema>[number];

export type LeakLabel = 'true_positive' | 'false_positive';

/** One entry of the answer, per reported match, in the partner's field names. */
export interface LeakVerdict {
  token_raw: string;
  token_type: string;
  label: LeakLabel;
}
