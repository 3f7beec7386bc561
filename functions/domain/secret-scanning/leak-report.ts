/** A secret-scanning partner's report: a batch of matches in GitHub's partner format, and the answer. */
import type { z } from 'zod';
import type { leakReportSchema } from '../../definition/schemas/events';

/** A batch larger than this is refused whole; GitHub's batches are far smaller. */
export const MAX_REPORT_BYTES = 1024 * 1024;

export type LeakReport = z.output<typeof leakReportSchema>[number];

export type LeakLabel = 'true_positive' | 'false_positive';

/** One entry of the answer, per reported match, in the partner's field names. */
export interface LeakVerdict {
  token_raw: string;
  token_type: string;
  label: LeakLabel;
}
