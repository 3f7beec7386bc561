import type { ComponentChildren } from 'preact';
import { Button } from './Button';
import { ErrorNotice } from './ErrorNotice';

/**
 * The end of a form: why the last submit failed, then the submit button (disabled while busy) and
 * whatever else leads away (cancel).
 */
export function FormFooter({
  error,
  busy,
  submitLabel,
  children,
}: {
  error?: string;
  busy: boolean;
  submitLabel: string;
  children?: ComponentChildren;
}) {
  return (
    <>
      <ErrorNotice message={error} />
      <div class="actions">
        <Button type="submit" variant="primary" disabled={busy}>
          {submitLabel}
        </Button>
        {children}
      </div>
    </>
  );
}
