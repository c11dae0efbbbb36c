// Data-subject requests: everything stored about one number as a file, or erasing it for good.
import { useState } from 'react';
import { Alert, App, Button, Flex, Input, Popconfirm, Typography } from 'antd';
import { call, download } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useAction } from '../../ui/use-action.ts';

/** A number box with "export" and "erase"; erasing leaves only a hashed suppression entry. */
export function Subject() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [phone, setPhone] = useState('');
  const p = phone.trim();
  const { run } = useAction();

  async function exportData() {
    try {
      await download('GET /api/v1/contacts/subject', `subject-${p.replace(/\D/g, '')}.json`, { query: { phone: p } });
    } catch (e) {
      message.error(describeError(e, t));
    }
  }

  async function erase() {
    const erased = await run(() => call('DELETE /api/v1/contacts/subject', { query: { phone: p } }), (r) => (r.erased ? t('subject.erased') : t('subject.suppressedOnly')));
    if (erased) setPhone('');
  }

  return (
    <>
      <Typography.Paragraph type="secondary">{t('subject.intro')}</Typography.Paragraph>
      <Flex gap={8} wrap>
        <Input style={{ width: 220 }} value={phone} onChange={(e) => setPhone(e.target.value)} placeholder={t('messages.phone')} />
        <Button disabled={!p} onClick={exportData}>{t('subject.export')}</Button>
        <Popconfirm title={t('subject.eraseConfirm', { phone: p })} okText={t('subject.erase')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={erase} disabled={!p}>
          <Button danger disabled={!p}>{t('subject.erase')}</Button>
        </Popconfirm>
      </Flex>
      <Alert type="info" showIcon style={{ marginTop: 16 }} title={t('subject.eraseHint')} />
    </>
  );
}
