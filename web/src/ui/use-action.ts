// Changing something from a page: busy while it runs, a word when it worked, the data loaded again, or the error shown.
import { useState } from 'react';
import { App } from 'antd';
import { describeError } from '../errors.ts';
import { useI18n } from '../i18n/index.tsx';

/** What useAction returns. */
export interface Action {
  /** Runs `change`; then shows `done` (a text, or one made from the result) and reloads, or shows the error. Resolves to whether it worked. */
  run<R>(change: () => Promise<R>, done?: string | ((result: R) => string)): Promise<boolean>;
  /** Whether a change is running. */
  busy: boolean;
}

/** Runs a page's changes: `reload` is called after each that worked, `labels` name a form's fields in errors. */
export function useAction({ reload, labels }: { reload?: () => void; labels?: Record<string, string> } = {}): Action {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  async function run<R>(change: () => Promise<R>, done?: string | ((result: R) => string)): Promise<boolean> {
    setBusy(true);
    try {
      const result = await change();
      if (done) message.success(typeof done === 'string' ? done : done(result));
      reload?.();
      return true;
    } catch (e) {
      message.error(describeError(e, t, labels));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { run, busy };
}
