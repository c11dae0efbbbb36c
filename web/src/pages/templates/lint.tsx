// Lint findings of a message text in the user's language (the server's words for codes we do not know).
import { Alert, Flex } from 'antd';
import type { Response } from '../../api.ts';
import { useI18n, type T } from '../../i18n/index.tsx';

/** One finding of the template linter. */
export type Warning = Response<'POST /api/v1/templates/preview'>['warnings'][number];

function text(w: Warning, t: T): string {
  const subject = w.subject ?? '';
  switch (w.code) {
    case 'missing_signature': return t('lint.missingSignature');
    case 'missing_opt_out': return t('lint.missingOptOut');
    case 'sensitive_word': return t('lint.sensitiveWord', { subject });
    case 'link_not_allowed': return t('lint.linkNotAllowed', { subject });
    case 'malformed_variable': return t('lint.malformedVariable', { subject });
    case 'unknown_variable': return t('lint.unknownVariable', { subject });
    case 'missing_variable': return t('lint.missingVariable', { subject });
    case 'unknown_date_format': return t('lint.unknownDateFormat', { subject, suggestion: w.suggestion ?? 'yyyy-MM-dd' });
    default: return w.message;
  }
}

/** The findings as alerts: errors block marketing sends, warnings advise. */
export function LintList({ warnings }: { warnings: Warning[] }) {
  const { t } = useI18n();
  if (!warnings.length) return <Alert type="success" showIcon title={t('lint.clean')} />;
  return (
    <Flex vertical gap={8}>
      {warnings.map((w, i) => <Alert key={i} type={w.severity === 'error' ? 'error' : 'warning'} showIcon title={text(w, t)} />)}
    </Flex>
  );
}
