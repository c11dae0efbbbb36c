// A live preview of a message text: what the recipient gets (as a given contact, if one is named), its encoding,
// length, segments, cost on the recipient's route and lint findings.
import { useEffect, useState } from 'react';
import { Card, Descriptions, Input, Skeleton, Typography } from 'antd';
import { call, type Body, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { LintList } from './lint.tsx';

type Input = Body<'POST /api/v1/templates/preview'>;

/** Asks the server to render `input` (debounced while the user types) and shows the result; a number fills it as that contact. */
export function TextPreview({ input }: { input: Input }) {
  const { t, fmt } = useI18n();
  const [result, setResult] = useState<Response<'POST /api/v1/templates/preview'>>();
  const [error, setError] = useState<unknown>();
  const [phone, setPhone] = useState('');
  const key = JSON.stringify({ ...input, ...(phone.trim() && { phone: phone.trim() }) });

  useEffect(() => {
    let live = true;
    const body = JSON.parse(key) as Input;
    if (!body.text && !body.templateId) {
      setResult(undefined);
      return;
    }
    const timer = setTimeout(() => {
      call('POST /api/v1/templates/preview', { body }).then(
        (r) => { if (live) { setResult(r); setError(undefined); } },
        (e: unknown) => { if (live) setError(e); },
      );
    }, 300);
    return () => { live = false; clearTimeout(timer); };
  }, [key]);

  const asContact = <Input size="small" allowClear value={phone} onChange={(e) => setPhone(e.target.value)} placeholder={t('preview.asContact')} style={{ marginBottom: 8 }} data-testid="preview-phone" />;
  if (!input.text && !input.templateId) return <Typography.Text type="secondary">{t('preview.empty')}</Typography.Text>;
  if (error) return <>{asContact}<ErrorAlert error={error} /></>;
  if (!result) return <Skeleton active />;
  return (
    <div data-testid="text-preview">
      {asContact}
      <Card size="small" style={{ background: '#f6ffed', marginBottom: 12 }}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{result.text}</Typography.Paragraph>
      </Card>
      <Descriptions size="small" column={2} style={{ marginBottom: 12 }} items={[
        { key: 'enc', label: t('preview.encoding'), children: result.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2' },
        { key: 'chars', label: t('preview.characters'), children: fmt.number(result.characters) },
        { key: 'segs', label: t('preview.segments'), children: `${fmt.number(result.segments)} × ${fmt.number(result.perSegment)}` },
        ...(result.cost !== null ? [{ key: 'cost', label: t('preview.cost'), children: fmt.money(result.cost) }] : []),
      ]} />
      <LintList warnings={result.warnings} />
    </div>
  );
}
