// The sign-in page: email and password, and the language of the console.
import { useState } from 'react';
import { Alert, Button, Card, Flex, Form, Input, Segmented, Typography } from 'antd';
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { ApiError, call, setCsrfToken } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { languages, useI18n, type Lang } from '../../i18n/index.tsx';
import type { Me } from '../../session.tsx';

/** Signs in; a language picked here is saved to the user's profile once signed in. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t, lang, setLang } = useI18n();
  const [chosen, setChosen] = useState<Lang>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(v: { email: string; password: string }) {
    setBusy(true);
    setError(undefined);
    try {
      const me = await call('POST /api/v1/auth/signin', { body: v });
      if (chosen && chosen !== me.user.language) {
        setCsrfToken(me.csrfToken);
        await call('POST /api/v1/auth/profile', { body: { language: chosen } });
        me.user.language = chosen;
      }
      onSignedIn(me);
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'unauthenticated' ? t('signin.wrong') : describeError(e, t));
      setBusy(false);
    }
  }

  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh', padding: 16, background: '#f0f2f5' }}>
      <Card style={{ width: '100%', maxWidth: 400 }}>
        <Typography.Title level={2} style={{ marginTop: 0 }}>Tidings</Typography.Title>
        <Typography.Paragraph type="secondary">{t('signin.subtitle')}</Typography.Paragraph>
        <Segmented
          block
          value={lang}
          options={languages.map((l) => ({ value: l.lang, label: l.name }))}
          onChange={(l) => { setLang(l as Lang); setChosen(l as Lang); }}
          style={{ marginBottom: 16 }}
        />
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="email" label={t('signin.email')} rules={[{ required: true, message: t('signin.emailRequired') }]}>
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('signin.password')} rules={[{ required: true, message: t('signin.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>{t('signin.submit')}</Button>
        </Form>
      </Card>
    </Flex>
  );
}
