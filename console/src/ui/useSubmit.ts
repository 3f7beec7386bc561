/** An action's state, as every console form and button row has it: busy while it runs, its error if it fails. */
import { useState } from 'preact/hooks';
import { errorMessage } from './errors';

export interface Action {
  busy: boolean;
  /** The API's message when the last action failed, '' otherwise. */
  error: string;
  /** Clears the error, runs the action and shows its failure. */
  run: (action: () => Promise<void>) => Promise<void>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = async (action: () => Promise<void>) => {
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
  return { busy, error, run };
}

export interface Submit {
  busy: boolean;
  /** The API's message when the last submit failed, '' otherwise. */
  error: string;
  /** The form's onSubmit: keeps the page and runs the action as useAction does. */
  submit: (event: Event) => Promise<void>;
}

export function useSubmit(action: () => Promise<void>): Submit {
  const { busy, error, run } = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    return run(action);
  };
  return { busy, error, submit };
}
