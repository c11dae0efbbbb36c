// Sensitive-word lists of the tenant or the platform: templates containing these words are flagged.
import { useState } from 'react';
import { Button, Card, Empty, Flex, Input, Skeleton, Tag } from 'antd';
import { call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';

/** The word list with a box to add words (one per line) and a close button on each word. */
export function SensitiveWords({ scope }: { scope: 'tenant' | 'platform' }) {
  const { t } = useI18n();
  const list = useLoad(() => (scope === 'platform' ? call('GET /api/v1/admin/sensitive-words') : call('GET /api/v1/sensitive-words')), [scope]);
  const [text, setText] = useState('');
  const { run, busy } = useAction({ reload: list.reload });

  async function add() {
    const words = [...new Set(text.split(/[\n,，、]+/).map((w) => w.trim()).filter(Boolean))];
    if (!words.length) return;
    const body = { words };
    const added = await run(
      () => (scope === 'platform' ? call('POST /api/v1/admin/sensitive-words', { body }) : call('POST /api/v1/sensitive-words', { body })),
      (r) => t('words.added', { added: r.added.length, duplicates: r.duplicates.length }),
    );
    if (added) setText('');
  }

  function remove(id: string) {
    return run(() => (scope === 'platform' ? call('DELETE /api/v1/admin/sensitive-words/{id}', { path: { id } }) : call('DELETE /api/v1/sensitive-words/{id}', { path: { id } })));
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
