// The console application: language and theme, the sign-in gate, and the signed-in shell.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import antdZh from 'antd/locale/zh_CN';
import antdEn from 'antd/locale/en_US';
import antdRu from 'antd/locale/ru_RU';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/ru';
import { ApiError, call, onUnauthenticated, setActingTenant, setCsrfToken } from './api.ts';
import { I18nProvider, isLang, useI18n, type Lang } from './i18n/index.tsx';
import { SessionProvider, permits, type Me, type Session } from './session.tsx';
import { navigate } from './router.tsx';
import { ErrorAlert } from './ui/error-alert.tsx';
import { SignIn } from './pages/sessions/signin.tsx';
import { Shell } from './layout/shell.tsx';
import type { Role } from '../../src/domain/access.ts';

const antdLocales = { 'zh-CN': antdZh, en: antdEn, ru: antdRu } satisfies Record<Lang, unknown>;
/** The dayjs locale of each language: the pickers' month and weekday names and first day of the week. */
const dayjsLocales = { 'zh-CN': 'zh-cn', en: 'en', ru: 'ru' } satisfies Record<Lang, string>;
const tenantKey = 'tidings.tenant';

type Tenant = { slug: string; name: string };

function storedTenant(): Tenant | null {
  try {
    const v = JSON.parse(localStorage.getItem(tenantKey) ?? 'null') as Tenant | null;
    return v && typeof v.slug === 'string' && typeof v.name === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** The whole console. */
export function App() {
  return (
    <I18nProvider>
      <Localized />
    </I18nProvider>
  );
}

function Localized() {
  const { lang } = useI18n();
  dayjs.locale(dayjsLocales[lang]);
  return (
    <ConfigProvider locale={antdLocales[lang]} button={{ autoInsertSpace: false }}>
      <AntApp>
        <Gate />
      </AntApp>
    </ConfigProvider>
  );
}

function Gate() {
  const { setLang } = useI18n();
  const [me, setMe] = useState<Me | null>();
  const [error, setError] = useState<unknown>();
  const [acting, setActing] = useState<Tenant | null>(null);
  const [attempt, setAttempt] = useState(0);

  const signedIn = useCallback((m: Me) => {
    setCsrfToken(m.csrfToken);
    const tenant = m.user.role === 'platform' ? storedTenant() : null;
    setActingTenant(tenant?.slug ?? '');
    setActing(tenant);
    if (isLang(m.user.language)) setLang(m.user.language);
    setMe(m);
  }, [setLang]);

  useEffect(() => {
    onUnauthenticated(() => setMe(null));
    call('GET /api/v1/auth/me').then(signedIn, (e: unknown) => {
      if (e instanceof ApiError && e.code === 'unauthenticated') setMe(null);
      else setError(e);
    });
  }, [signedIn, attempt]);

  const session = useMemo<Session | null>(() => {
    if (!me) return null;
    const role = me.user.role as Role;
    return {
      me,
      role,
      tenant: role === 'platform' ? acting : me.tenant,
      can: permits(role),
      actOn(tenant) {
        if (tenant) localStorage.setItem(tenantKey, JSON.stringify(tenant));
        else localStorage.removeItem(tenantKey);
        setActingTenant(tenant?.slug ?? '');
        setActing(tenant);
      },
      async signOut() {
        // An already-ended session (e.g. after a password change) cannot be ended again: that is fine.
        await call('POST /api/v1/auth/signout').catch(() => undefined);
        setCsrfToken('');
        setActingTenant('');
        setMe(null);
        navigate('/');
      },
    };
  }, [me, acting]);

  if (error) return <div style={{ padding: 24 }}><ErrorAlert error={error} retry={() => { setError(undefined); setAttempt((a) => a + 1); }} /></div>;
  if (me === undefined) return <Spin size="large" fullscreen />;
  if (!session) return <SignIn onSignedIn={signedIn} />;
  return (
    <SessionProvider value={session}>
      <Shell />
    </SessionProvider>
  );
}
