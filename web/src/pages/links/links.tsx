// Tracked short links: per-campaign click-through rate, clicks per day and per region (bots and link previews apart).
import { useState } from 'react';
import { Card, Col, Empty, Row, Select, Statistic, Table, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useLoad } from '../../ui/use-load.ts';

type Stats = Response<'GET /api/v1/campaigns/{id}/links'>;

/** Pick a campaign, see how its links were clicked. */
export function Links() {
  const { t, fmt } = useI18n();
  const campaigns = useLoad(() => call('GET /api/v1/campaigns', { query: { limit: 100 } }), []);
  const [id, setId] = useState<string | undefined>();
  const stats = useLoad(() => (id ? call('GET /api/v1/campaigns/{id}/links', { path: { id } }) : Promise.resolve(null as Stats | null)), [id]);
  const s = stats.data;
  return (
    <Page title={t('nav.links')}>
      <Typography.Paragraph type="secondary">{t('links.hint')}</Typography.Paragraph>
      <ErrorAlert error={campaigns.error ?? stats.error} retry={() => { campaigns.reload(); stats.reload(); }} />
      <Select style={{ width: 320, marginBottom: 16 }} placeholder={t('links.pick')} value={id} onChange={setId} showSearch optionFilterProp="label"
        options={(campaigns.data?.campaigns ?? []).map((c) => ({ value: c.id, label: c.name }))} />
      {!s ? <Empty description={t('links.none')} /> : (
        <>
          <Row gutter={16}>
            <Col span={6}><Card><Statistic title={t('links.recipients')} value={fmt.number(s.recipients)} /></Card></Col>
            <Col span={6}><Card><Statistic title={t('links.clicks')} value={fmt.number(s.clicks)} /></Card></Col>
            <Col span={6}><Card><Statistic title={t('links.ctr')} value={`${(s.clickThroughRate * 100).toFixed(1)} %`} /></Card></Col>
            <Col span={6}><Card><Statistic title={t('links.bots')} value={fmt.number(s.botFetches)} /></Card></Col>
          </Row>
          <Row gutter={16} style={{ marginTop: 16 }}>
            <Col span={12}>
              <Card title={t('links.byDay')}>
                <Table rowKey="day" size="small" pagination={false} dataSource={s.byDay} columns={[{ title: t('links.day'), dataIndex: 'day' }, { title: t('links.clicks'), dataIndex: 'clicks' }]} />
              </Card>
            </Col>
            <Col span={12}>
              <Card title={t('links.byRegion')}>
                <Table rowKey="region" size="small" pagination={false} dataSource={s.byRegion} columns={[{ title: t('links.region'), dataIndex: 'region' }, { title: t('links.clicks'), dataIndex: 'clicks' }]} />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </Page>
  );
}
