// The platform's verdict on one item under review (a template, a signature): a note, approve, and reject (which needs the note).
import { useState } from 'react';
import { App, Button, Flex, Input } from 'antd';
import { useI18n } from '../i18n/index.tsx';

/** A note field with approve and reject; rejecting without a note only asks for one. */
export function ReviewBar({ onApprove, onReject }: { onApprove: (note: string | undefined) => Promise<unknown>; onReject: (note: string) => Promise<unknown> }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [note, setNote] = useState('');

  function reject() {
    const n = note.trim();
    if (!n) message.warning(t('review.noteRequired'));
    else void onReject(n);
  }

  return (
    <Flex gap={8} wrap style={{ marginTop: 12 }}>
      <Input style={{ flex: 1, minWidth: 200 }} placeholder={t('review.notePlaceholder')} value={note} onChange={(e) => setNote(e.target.value)} />
      <Button type="primary" onClick={() => void onApprove(note.trim() || undefined)}>{t('review.approve')}</Button>
      <Button danger onClick={reject}>{t('review.reject')}</Button>
    </Flex>
  );
}
