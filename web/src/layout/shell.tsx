// The signed-in console: a collapsible side menu, a header with the tenant and the user menu, and the page.
import { useEffect, useState } from 'react';
import { Button, Dropdown, Flex, Grid, Layout, Menu, Typography, type MenuProps } from 'antd';
import { CheckOutlined, GlobalOutlined, LockOutlined, LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import { call } from '../api.ts';
import { defaultZone, languages, useI18n, type Lang } from '../i18n/index.tsx';
import { navigate, usePath } from '../router.tsx';
import { useSession } from '../session.tsx';
import { PasswordDialog } from '../pages/sessions/password.tsx';
import { useAction } from '../ui/use-action.ts';
import { TenantPicker } from './tenant-picker.tsx';
import { menuItems, resolve, selectedKey } from './routes.tsx';

/** The layout around every signed-in page. */
export function Shell() {
  const { t, lang, setLang, setZone } = useI18n();
  const session = useSession();
  const tenantSlug = session.tenant?.slug;
  // times are shown in the tenant's zone: learn it whenever the tenant changes (the settings page updates it too)
  useEffect(() => {
    if (!tenantSlug) { setZone(defaultZone); return; }
    let current = true;
    call('GET /api/v1/tenant').then((x) => { if (current) setZone(typeof x.settings.timezone === 'string' ? x.settings.timezone : defaultZone); }, () => undefined);
    return () => { current = false; };
  }, [tenantSlug, setZone]);
  const path = usePath();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === undefined ? window.innerWidth < 768 : !screens.md;
  const [collapsed, setCollapsed] = useState(phone);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const { run } = useAction();

  function changeLanguage(l: Lang) {
    setLang(l);
    return run(() => call('POST /api/v1/auth/profile', { body: { language: l } }));
  }

  const userMenu: MenuProps['items'] = [
    { key: 'who', label: <Typography.Text type="secondary">{session.me.user.email} · {t(`role.${session.role}`)}</Typography.Text>, disabled: true },
    { type: 'divider' },
    {
      key: 'language', type: 'group', label: <><GlobalOutlined /> {t('user.language')}</>,
      children: languages.map((l) => ({ key: `lang:${l.lang}`, label: l.name, icon: l.lang === lang ? <CheckOutlined /> : <span />, disabled: l.lang === lang })),
    },
    { type: 'divider' },
    { key: 'password', icon: <LockOutlined />, label: t('user.password') },
    { key: 'signout', icon: <LogoutOutlined />, label: t('user.signOut') },
  ];
  const onUserMenu: MenuProps['onClick'] = ({ key }) => {
    if (key.startsWith('lang:')) void changeLanguage(key.slice(5) as Lang);
    else if (key === 'password') setPasswordOpen(true);
    else if (key === 'signout') void session.signOut();
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsible
        trigger={null}
        collapsed={collapsed}
        collapsedWidth={phone ? 0 : 64}
        width={lang === 'ru' ? 260 : 220}
        style={phone ? { position: 'fixed', height: '100vh', zIndex: 20 } : undefined}
      >
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, padding: '16px 20px', whiteSpace: 'nowrap', overflow: 'hidden' }}>
          {collapsed ? 'T' : 'Tidings'}
        </Typography.Title>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selectedKey(path)]}
          items={menuItems(t, session)}
          onClick={({ key }) => { navigate(key); if (phone) setCollapsed(true); }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 12px', position: 'sticky', top: 0, zIndex: 10, boxShadow: '0 1px 4px rgba(0,0,0,0.08)' }}>
          <Flex justify="space-between" align="center" gap={8} style={{ height: '100%' }}>
            <Button type="text" aria-label={t('nav.toggle')} icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />} onClick={() => setCollapsed(!collapsed)} />
            <Flex align="center" gap={8} style={{ minWidth: 0 }}>
              {session.role === 'platform'
                ? <TenantPicker />
                : <Typography.Text strong ellipsis>{session.me.tenant?.name}</Typography.Text>}
              <Dropdown menu={{ items: userMenu, onClick: onUserMenu }} trigger={['click']}>
                <Button icon={<UserOutlined />} data-testid="user-menu">{phone ? null : session.me.user.name}</Button>
              </Dropdown>
            </Flex>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ margin: phone ? 8 : 24, minWidth: 0 }}>
          {resolve(path, session, t)}
        </Layout.Content>
      </Layout>
      <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} onChanged={() => { setPasswordOpen(false); void session.signOut(); }} />
    </Layout>
  );
}
