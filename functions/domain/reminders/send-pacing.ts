/**
 * Keeps one reminders-worker instance under its share of the SES send rate. SES counts recipients,
 * not calls: an email to four people uses four sends of the rate. Each send waits until the
 * previous ones' recipients have had their time, so a batch of 10 reminders is spread out instead
 * of bursting into SES's throttle (a throttled send fails its message back to the queue).
 */
import type { EmailSender } from './reminder-service';

export interface PacingDeps {
  /** Milliseconds one recipient uses of this instance's rate. */
  intervalMsPerRecipient: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export function pacedEmailSender(sender: EmailSender, deps: PacingDeps): EmailSender {
  let nextSendAt = Number.NEGATIVE_INFINITY;
  return {
    async send(email) {
      const wait = nextSendAt - deps.now();
      if (wait > 0) await deps.sleep(wait);
      const startedAt = deps.now();
      nextSendAt = startedAt + deps.intervalMsPerRecipient * Math.max(1, email.to.length);
      await sender.send(email);
    },
  };
}

/** Every instance paces itself to an equal share of the rate: `maxConcurrency` instances at most. */
export function intervalMsPerRecipient(sendRatePerSecond: number, maxConcurrency: number): number {
  if (!(sendRatePerSecond > 0))
    throw new Error(`The SES send rate must be above 0 a second (got ${sendRatePerSecond}).`);
  return Math.ceil((1000 * maxConcurrency) / sendRatePerSecond);
}
