/** A form's submit state, as every console form had it: busy while the action runs, its error if it fails. */
import { useState } from 'preact/hooks';
import { errorMessage } from './errors';

export interface Submit {
  busy: boolean;
  /** The API's message when the last submit failed, '' otherwise. */
  error: string;
  /** The form's onSubmit: keeps the page, clears the error, runs the action and shows its failure. */
  submit: (event: Event) => Promise<void>;
}

export function useSubmit(action: () => Promise<void>): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}
