// An API error shown as an alert in the user's language, with the server's own words as detail.
import { Alert, Button } from 'antd';
import { ApiError } from '../api.ts';
import { describeError } from '../errors.ts';
import { useI18n } from '../i18n/index.tsx';

/** Shows `error` (nothing when it is undefined); `retry` adds a button to try again. */
export function ErrorAlert({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  if (error === undefined || error === null) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={describeError(error, t)}
      description={error instanceof ApiError && error.code !== 'network' ? `${t('error.detail')}: ${error.message}` : undefined}
      action={retry && <Button size="small" onClick={retry}>{t('common.retry')}</Button>}
    />
  );
}
