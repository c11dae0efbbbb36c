// What a page shows when it fails to render: a page whose script is gone after an upgrade reloads the console once;
// any other failure says so, with a button to load the page again, instead of blanking the whole console.
import { Component, type ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useI18n } from '../i18n/index.tsx';

const reloadedKey = 'tidings.reloadedForUpgrade';

/** Whether an error is a page script that could not be fetched (a new version replaced the hashed files). */
function isStaleScript(err: Error): boolean {
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported module/i.test(err.message);
}

class Boundary extends Component<{ children: ReactNode; title: string; retry: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error) {
    // one reload per minute at most, so a script that stays missing cannot make the console reload forever
    const last = Number(sessionStorage.getItem(reloadedKey) ?? 0);
    if (isStaleScript(error) && Date.now() - last > 60_000) {
      sessionStorage.setItem(reloadedKey, String(Date.now()));
      window.location.reload();
    }
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return <Result status="warning" title={this.props.title} subTitle={error.message} extra={<Button type="primary" onClick={() => window.location.reload()}>{this.props.retry}</Button>} />;
  }
}

/** Keeps a failing page inside its own frame; give it a `key` per path so moving to another page starts afresh. */
export function PageBoundary({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return <Boundary title={t('page.failed')} retry={t('common.retry')}>{children}</Boundary>;
}
