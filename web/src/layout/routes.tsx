// The console's pages: which path shows which page, and the side menu that leads to them.
import { lazy, Suspense, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { Button, Result, Spin, type MenuProps } from 'antd';
import {
  ApartmentOutlined, ApiOutlined, AppstoreOutlined, AuditOutlined, BranchesOutlined, CalendarOutlined, CheckSquareOutlined,
  CloudServerOutlined, DashboardOutlined, FieldTimeOutlined, FileTextOutlined, FilterOutlined, InboxOutlined, KeyOutlined, LinkOutlined,
  LockOutlined, MobileOutlined, PhoneOutlined, QuestionCircleOutlined, SafetyCertificateOutlined, SendOutlined, SettingOutlined,
  StopOutlined, TeamOutlined, ThunderboltOutlined, UnorderedListOutlined, WarningOutlined, StarOutlined, GiftOutlined, ShoppingOutlined, UserAddOutlined,
} from '@ant-design/icons';
import type { T } from '../i18n/index.tsx';
import { match, navigate } from '../router.tsx';
import type { Session } from '../session.tsx';
import { PageBoundary } from '../ui/page-boundary.tsx';

/** A page component loaded on its first visit: every page is a chunk of its own, so the console starts small. */
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => ({ default: await load() }));
}

const Dashboard = lazyPage(() => import('../pages/dashboard/dashboard.tsx').then((m) => m.Dashboard));
const Settings = lazyPage(() => import('../pages/tenants/settings.tsx').then((m) => m.Settings));
const Tenants = lazyPage(() => import('../pages/tenants/tenants.tsx').then((m) => m.Tenants));
const ApiKeys = lazyPage(() => import('../pages/apikeys/apikeys.tsx').then((m) => m.ApiKeys));
const AuditLog = lazyPage(() => import('../pages/audit/audit.tsx').then((m) => m.AuditLog));
const Templates = lazyPage(() => import('../pages/templates/templates.tsx').then((m) => m.Templates));
const TemplateReview = lazyPage(() => import('../pages/templates/review.tsx').then((m) => m.TemplateReview));
const SensitiveWords = lazyPage(() => import('../pages/sensitive-words/sensitive-words.tsx').then((m) => m.SensitiveWords));
const Campaigns = lazyPage(() => import('../pages/campaigns/campaigns.tsx').then((m) => m.Campaigns));
const CampaignBuilder = lazyPage(() => import('../pages/campaigns/builder.tsx').then((m) => m.CampaignBuilder));
const Messages = lazyPage(() => import('../pages/messages/messages.tsx').then((m) => m.Messages));
const Handsets = lazyPage(() => import('../pages/simulator/handsets.tsx').then((m) => m.Handsets));
const Channels = lazyPage(() => import('../pages/channels/channels.tsx').then((m) => m.Channels));
const Routes = lazyPage(() => import('../pages/routes/routes.tsx').then((m) => m.Routes));
const Inbox = lazyPage(() => import('../pages/inbox/inbox.tsx').then((m) => m.Inbox));
const Services = lazyPage(() => import('../pages/services/services.tsx').then((m) => m.Services));
const ServiceDetail = lazyPage(() => import('../pages/services/service.tsx').then((m) => m.ServiceDetail));
const Keywords = lazyPage(() => import('../pages/keywords/keywords.tsx').then((m) => m.Keywords));
const Contacts = lazyPage(() => import('../pages/contacts/contacts.tsx').then((m) => m.Contacts));
const ImportWizard = lazyPage(() => import('../pages/imports/wizard.tsx').then((m) => m.ImportWizard));
const Segments = lazyPage(() => import('../pages/segments/segments.tsx').then((m) => m.Segments));
const Blocklist = lazyPage(() => import('../pages/blocklist/blocklist.tsx').then((m) => m.Blocklist));
const ServiceNumbers = lazyPage(() => import('../pages/service-numbers/service-numbers.tsx').then((m) => m.ServiceNumbers));
const Unattributed = lazyPage(() => import('../pages/inbound/unattributed.tsx').then((m) => m.Unattributed));
const SmppAccounts = lazyPage(() => import('../pages/smpp-accounts/smpp-accounts.tsx').then((m) => m.SmppAccounts));
const Links = lazyPage(() => import('../pages/links/links.tsx').then((m) => m.Links));
const CampaignMonitor = lazyPage(() => import('../pages/campaigns/monitor.tsx').then((m) => m.CampaignMonitor));
const Automations = lazyPage(() => import('../pages/automations/automations.tsx').then((m) => m.Automations));
const AutomationDetail = lazyPage(() => import('../pages/automations/detail.tsx').then((m) => m.AutomationDetail));
const Holidays = lazyPage(() => import('../pages/automations/holidays.tsx').then((m) => m.Holidays));
const Signatures = lazyPage(() => import('../pages/signatures/signatures.tsx').then((m) => m.Signatures));
const SignatureReview = lazyPage(() => import('../pages/signatures/review.tsx').then((m) => m.SignatureReview));
const Complaints = lazyPage(() => import('../pages/complaints/complaints.tsx').then((m) => m.Complaints));
const ComplaintWatch = lazyPage(() => import('../pages/complaints/watch.tsx').then((m) => m.ComplaintWatch));
const PointsAccounts = lazyPage(() => import('../pages/points/accounts.tsx').then((m) => m.PointsAccounts));
const Gifts = lazyPage(() => import('../pages/points/gifts.tsx').then((m) => m.Gifts));
const Redemptions = lazyPage(() => import('../pages/points/redemptions.tsx').then((m) => m.Redemptions));
const Referrals = lazyPage(() => import('../pages/referrals/referrals.tsx').then((m) => m.Referrals));

interface Page {
  path: string;
  /** Needs a tenant to act on (platform admins pick one in the header). */
  tenant?: boolean;
  platform?: boolean;
  render(params: Record<string, string>, t: T): ReactNode;
}

const pages: Page[] = [
  { path: '/', tenant: true, render: () => <Dashboard /> },
  { path: '/contacts', tenant: true, render: () => <Contacts /> },
  { path: '/contacts/import', tenant: true, render: () => <ImportWizard /> },
  { path: '/segments', tenant: true, render: () => <Segments /> },
  { path: '/templates', tenant: true, render: () => <Templates /> },
  { path: '/campaigns', tenant: true, render: () => <Campaigns /> },
  { path: '/campaigns/new', tenant: true, render: () => <CampaignBuilder /> },
  { path: '/campaigns/:id/edit', tenant: true, render: (p) => <CampaignBuilder key={p.id} draftId={p.id} /> },
  { path: '/campaigns/:id', tenant: true, render: (p) => <CampaignMonitor id={p.id} /> },
  { path: '/messages', tenant: true, render: () => <Messages /> },
  { path: '/automations', tenant: true, render: () => <Automations /> },
  { path: '/automations/:id', tenant: true, render: (p) => <AutomationDetail id={p.id} /> },
  { path: '/signatures', tenant: true, render: () => <Signatures /> },
  { path: '/complaints', tenant: true, render: () => <Complaints /> },
  { path: '/inbox', tenant: true, render: () => <Inbox /> },
  { path: '/keywords', tenant: true, render: () => <Keywords /> },
  { path: '/services', tenant: true, render: () => <Services /> },
  { path: '/services/:id', tenant: true, render: (p) => <ServiceDetail id={p.id} /> },
  { path: '/smpp-accounts', tenant: true, render: () => <SmppAccounts /> },
  { path: '/links', tenant: true, render: () => <Links /> },
  { path: '/points', tenant: true, render: () => <PointsAccounts /> },
  { path: '/points/gifts', tenant: true, render: () => <Gifts /> },
  { path: '/points/redemptions', tenant: true, render: () => <Redemptions /> },
  { path: '/referrals', tenant: true, render: () => <Referrals /> },
  { path: '/handsets', render: () => <Handsets /> },
  { path: '/settings', tenant: true, render: () => <Settings tab="general" /> },
  { path: '/settings/:tab', tenant: true, render: (p) => <Settings tab={p.tab} /> },
  { path: '/admin/tenants', platform: true, render: () => <Tenants /> },
  { path: '/admin/channels', platform: true, render: () => <Channels /> },
  { path: '/admin/routes', platform: true, render: () => <Routes /> },
  { path: '/admin/templates', platform: true, render: () => <TemplateReview /> },
  { path: '/admin/signatures', platform: true, render: () => <SignatureReview /> },
  { path: '/admin/complaints', platform: true, render: () => <ComplaintWatch /> },
  { path: '/admin/words', platform: true, render: () => <SensitiveWords scope="platform" /> },
  { path: '/admin/blocklist', platform: true, render: () => <Blocklist scope="platform" /> },
  { path: '/admin/numbers', platform: true, render: () => <ServiceNumbers /> },
  { path: '/admin/inbound', platform: true, render: () => <Unattributed /> },
  { path: '/admin/apikeys', platform: true, render: () => <ApiKeys scope="platform" /> },
  { path: '/admin/audit', platform: true, render: () => <AuditLog scope="platform" /> },
  { path: '/admin/holidays', platform: true, render: () => <Holidays /> },
];

/** The page for a path, or why it cannot be shown (no tenant picked, not allowed, no such page). */
export function resolve(path: string, session: Session, t: T): ReactNode {
  for (const page of pages) {
    const params = match(page.path, path);
    if (!params) continue;
    if (page.platform && session.role !== 'platform') break;
    if (page.tenant && !session.tenant) {
      return <Result status="info" title={t('tenant.none')} subTitle={t('tenant.noneHint')} />;
    }
    return <div key={session.tenant?.slug ?? ''}><PageBoundary key={path}><Suspense fallback={<Spin />}>{page.render(params, t)}</Suspense></PageBoundary></div>;
  }
  return (
    <Result status="404" title={t('notFound.title')} extra={<Button type="primary" onClick={() => navigate('/')}>{t('notFound.home')}</Button>} />
  );
}

/** The menu entry selected for a path: the longest entry that is a prefix of it. */
export function selectedKey(path: string): string {
  const keys = pages.map((p) => p.path).filter((p) => !p.includes(':'));
  const hits = keys.filter((k) => path === k || (k !== '/' && path.startsWith(`${k}/`)));
  return hits.sort((a, b) => b.length - a.length)[0] ?? '/';
}

/** The side menu; the platform group only for platform admins. */
export function menuItems(t: T, session: Session): MenuProps['items'] {
  const items: MenuProps['items'] = [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.dashboard') },
    { type: 'group', label: t('nav.audience'), children: [
      { key: '/contacts', icon: <TeamOutlined />, label: t('nav.contacts') },
      { key: '/segments', icon: <FilterOutlined />, label: t('nav.segments') },
    ] },
    { type: 'group', label: t('nav.sending'), children: [
      { key: '/templates', icon: <FileTextOutlined />, label: t('nav.templates') },
      { key: '/campaigns', icon: <SendOutlined />, label: t('nav.campaigns') },
      { key: '/messages', icon: <UnorderedListOutlined />, label: t('nav.messages') },
      { key: '/automations', icon: <FieldTimeOutlined />, label: t('nav.automations') },
      { key: '/links', icon: <LinkOutlined />, label: t('nav.links') },
      { key: '/smpp-accounts', icon: <CloudServerOutlined />, label: t('nav.smppAccounts') },
      { key: '/signatures', icon: <SafetyCertificateOutlined />, label: t('nav.signatures') },
      { key: '/complaints', icon: <WarningOutlined />, label: t('nav.complaints') },
    ] },
    { type: 'group', label: t('nav.replies'), children: [
      { key: '/inbox', icon: <InboxOutlined />, label: t('nav.inbox') },
      { key: '/keywords', icon: <ThunderboltOutlined />, label: t('nav.keywords') },
      { key: '/services', icon: <AppstoreOutlined />, label: t('nav.services') },
      { key: '/handsets', icon: <MobileOutlined />, label: t('nav.handsets') },
    ] },
    { type: 'group', label: t('nav.loyalty'), children: [
      { key: '/points', icon: <StarOutlined />, label: t('nav.points') },
      { key: '/points/gifts', icon: <GiftOutlined />, label: t('nav.gifts') },
      { key: '/points/redemptions', icon: <ShoppingOutlined />, label: t('nav.redemptions') },
      { key: '/referrals', icon: <UserAddOutlined />, label: t('nav.referrals') },
    ] },
    { key: '/settings', icon: <SettingOutlined />, label: t('nav.settings') },
  ];
  if (session.role === 'platform') {
    items.push({ type: 'group', label: t('nav.platform'), children: [
      { key: '/admin/tenants', icon: <ApartmentOutlined />, label: t('nav.tenants') },
      { key: '/admin/channels', icon: <ApiOutlined />, label: t('nav.channels') },
      { key: '/admin/routes', icon: <BranchesOutlined />, label: t('nav.routes') },
      { key: '/admin/numbers', icon: <PhoneOutlined />, label: t('nav.numbers') },
      { key: '/admin/inbound', icon: <QuestionCircleOutlined />, label: t('nav.unattributed') },
      { key: '/admin/templates', icon: <CheckSquareOutlined />, label: t('nav.review') },
      { key: '/admin/signatures', icon: <SafetyCertificateOutlined />, label: t('nav.signatureReview') },
      { key: '/admin/complaints', icon: <WarningOutlined />, label: t('nav.complaintWatch') },
      { key: '/admin/words', icon: <StopOutlined />, label: t('nav.words') },
      { key: '/admin/blocklist', icon: <LockOutlined />, label: t('nav.blocklist') },
      { key: '/admin/apikeys', icon: <KeyOutlined />, label: t('nav.platformKeys') },
      { key: '/admin/audit', icon: <AuditOutlined />, label: t('nav.platformAudit') },
      { key: '/admin/holidays', icon: <CalendarOutlined />, label: t('nav.holidays') },
    ] });
  }
  return items;
}
