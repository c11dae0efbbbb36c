// Contacts: search by number, narrow by group, tag or a filter, open one, add one by hand, export; groups and imports in tabs.
import { useState } from 'react';
import { App, Button, Dropdown, Empty, Flex, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined, SearchOutlined, UploadOutlined } from '@ant-design/icons';
import { call, download, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { formatPhone } from '../../ui/phone.ts';
import { carrierName } from '../../ui/carrier.ts';
import { Pager, usePages } from '../../ui/pager.tsx';
import { useLoad } from '../../ui/use-load.ts';
import { Groups } from '../groups/groups.tsx';
import { Imports } from '../imports/imports.tsx';
import { ContactDrawer } from './contact.tsx';
import { Fields } from './fields.tsx';
import { NewContact } from './new-contact.tsx';
import { Subject } from './subject.tsx';

type Contact = Response<'GET /api/v1/contacts'>['contacts'][number];
interface Search { phone?: string; group?: string; tag?: string; filter?: string }

/** The filter expression of a search: group and tag as predicates, and'ed with the user's own filter. */
function filterOf(s: Search): string | undefined {
  const parts = [
    s.group ? `group:${JSON.stringify(s.group)}` : '',
    s.tag?.trim() ? `tag:${JSON.stringify(s.tag.trim())}` : '',
    s.filter?.trim() ? `(${s.filter.trim()})` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' and ') : undefined;
}

/** The contacts page. */
export function Contacts() {
  const { t } = useI18n();
  const session = useSession();
  const [tab, setTab] = useState('contacts');
  const [search, setSearch] = useState<Search>({});
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<string>();
  const extra = session.can('import') && (
    <Space wrap>
      <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('contacts.new')}</Button>
      <Button type="primary" icon={<UploadOutlined />} onClick={() => navigate('/contacts/import')}>{t('contacts.import')}</Button>
    </Space>
  );
  return (
    <Page title={t('nav.contacts')} extra={extra}>
      <Tabs activeKey={tab} onChange={setTab} destroyOnHidden items={[
        { key: 'contacts', label: t('nav.contacts'), children: <ContactList key={created} search={search} setSearch={setSearch} opened={created} /> },
        { key: 'groups', label: t('contacts.groups'), children: <Groups onOpen={(group) => { setSearch({ group }); setTab('contacts'); }} /> },
        { key: 'imports', label: t('contacts.imports'), children: <Imports /> },
        { key: 'fields', label: t('fields.title'), children: <Fields /> },
        ...(session.can('manage') ? [{ key: 'subject', label: t('subject.title'), children: <Subject /> }] : []),
      ]} />
      {adding && <NewContact onClose={() => setAdding(false)} onCreated={(id) => { setAdding(false); setTab('contacts'); setCreated(id); }} />}
    </Page>
  );
}

function ContactList({ search, setSearch, opened }: { search: Search; setSearch: (s: Search) => void; opened?: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const pages = usePages();
  const filter = filterOf(search);
  const list = useLoad(() => call('GET /api/v1/contacts', { query: { phone: search.phone || undefined, filter, after: pages.cursor, limit: 50 } }), [search.phone, filter, pages.cursor]);
  const groups = useLoad(() => call('GET /api/v1/groups'), []);
  const [open, setOpen] = useState<string | undefined>(opened);
  const [form] = Form.useForm<Search>();
  const empty = !search.phone && !filter;

  async function exportAs(format: 'csv' | 'xlsx') {
    try {
      await download('GET /api/v1/contacts/export', `contacts.${format}`, { query: { format, filter } });
    } catch (e) {
      message.error(describeError(e, t));
    }
  }

  return (
    <>
      <Form form={form} layout="inline" initialValues={search} key={JSON.stringify(search)} style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={(v) => { pages.restart(); setSearch(v); }}>
        <Form.Item name="phone"><Input allowClear placeholder={t('messages.phone')} style={{ width: 170 }} /></Form.Item>
        <Form.Item name="group"><Select allowClear placeholder={t('contacts.group')} style={{ width: 160 }} options={(groups.data?.groups ?? []).map((g) => ({ value: g.name, label: g.name }))} /></Form.Item>
        <Form.Item name="tag"><Input allowClear placeholder={t('contacts.tag')} style={{ width: 120 }} /></Form.Item>
        <Form.Item name="filter"><Input allowClear placeholder='city = "北京" and not replied within 30d' style={{ width: 280 }} /></Form.Item>
        <Button htmlType="submit" icon={<SearchOutlined />}>{t('messages.search')}</Button>
        <Dropdown menu={{ items: [{ key: 'xlsx', label: 'XLSX' }, { key: 'csv', label: 'CSV' }], onClick: ({ key }) => exportAs(key as 'csv' | 'xlsx') }}>
          <Button icon={<DownloadOutlined />}>{t('contacts.export')}</Button>
        </Dropdown>
      </Form>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Contact>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.contacts}
        pagination={false}
        scroll={{ x: 'max-content' }}
        onRow={(c) => ({ onClick: () => setOpen(c.id), style: { cursor: 'pointer' } })}
        locale={{
          emptyText: (
            <Empty description={empty ? t('contacts.empty') : t('contacts.noMatch')}>
              {empty && session.can('import') && <Button type="primary" onClick={() => navigate('/contacts/import')}>{t('contacts.import')}</Button>}
            </Empty>
          ),
        }}
        columns={[
          { title: t('contacts.phone'), dataIndex: 'phone', render: (p: string) => <span title={p}>{formatPhone(p)}</span> },
          { title: t('contacts.name'), dataIndex: 'name' },
          { title: t('routes.carrier'), dataIndex: 'carrier', render: (c: string | null) => carrierName(c, lang, '—') },
          { title: t('contacts.place'), key: 'place', render: (_, c) => [c.province, c.city].filter(Boolean).join(' ') || c.region },
          { title: t('contacts.groups'), dataIndex: 'groups', render: (g: string[]) => <Flex gap={4} wrap>{g.map((x) => <Tag key={x}>{x}</Tag>)}</Flex> },
          { title: t('contacts.tags'), dataIndex: 'tags', render: (g: string[]) => <Flex gap={4} wrap>{g.map((x) => <Tag color="blue" key={x}>{x}</Tag>)}</Flex> },
          { title: t('contacts.state'), dataIndex: 'optedOutAt', render: (v: string | null) => (v ? <Tag color="red">{t('reason.opted_out')}</Tag> : <Typography.Text type="secondary">{t('contacts.subscribed')}</Typography.Text>) },
        ]}
      />
      <Pager pages={pages} next={list.data?.next} backLabel={t('contacts.previous')} forwardLabel={t('contacts.next')} />
      {open && <ContactDrawer id={open} onClose={() => setOpen(undefined)} onChanged={list.reload} />}
    </>
  );
}
