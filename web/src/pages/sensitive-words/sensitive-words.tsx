// Sensitive-word lists of the tenant or the platform: templates containing these words are flagged.
import { useState } from 'react';
import { App, Button, Card, Empty, Flex, Input, Skeleton, Tag } from 'antd';
import { call } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useLoad } from '../../ui/use-load.ts';

/** The word list with a box to add words (one per line) and a close button on each word. */
export function SensitiveWords({ scope }: { scope: 'tenant' | 'platform' }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = useLoad(() => (scope === 'platform' ? call('GET /api/v1/admin/sensitive-words') : call('GET /api/v1/sensitive-words')), [scope]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  async function add() {
    const words = [...new Set(text.split(/[\n,，、]+/).map((w) => w.trim()).filter(Boolean))];
    if (!words.length) return;
    setBusy(true);
    try {
      const body = { words };
      const r = scope === 'platform' ? await call('POST /api/v1/admin/sensitive-words', { body }) : await call('POST /api/v1/sensitive-words', { body });
      message.success(t('words.added', { added: r.added.length, duplicates: r.duplicates.length }));
      setText('');
      list.reload();
    } catch (e) {
      message.error(describeError(e, t));
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string) {
    try {
      if (scope === 'platform') await call('DELETE /api/v1/admin/sensitive-words/{id}', { path: { id } });
      else await call('DELETE /api/v1/sensitive-words/{id}', { path: { id } });
      list.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  }

  const body = (
    <Card>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Flex gap={8} align="start" wrap style={{ marginBottom: 16 }}>
        <Input.TextArea style={{ flex: 1, minWidth: 240 }} rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('words.placeholder')} />
        <Button type="primary" loading={busy} onClick={add}>{t('words.add')}</Button>
      </Flex>
      {!list.data ? <Skeleton active /> : list.data.words.length === 0 ? <Empty description={t(scope === 'platform' ? 'words.emptyPlatform' : 'words.empty')} /> : (
        <Flex gap={8} wrap>
          {list.data.words.map((w) => <Tag key={w.id} closable onClose={(e) => { e.preventDefault(); void remove(w.id); }}>{w.word}</Tag>)}
        </Flex>
      )}
    </Card>
  );
  return scope === 'platform' ? <Page title={t('nav.words')}>{body}</Page> : body;
}
