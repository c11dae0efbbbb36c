// The platform's approval queue: marketing templates waiting for review, approved or rejected with a note.
import { useState } from 'react';
import { Card, Empty, Flex, Segmented, Skeleton, Space, Tag, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { ReviewBar } from '../../ui/review-bar.tsx';
import { LintList } from './lint.tsx';
import { StatusTag } from './templates.tsx';

type Item = Response<'GET /api/v1/admin/templates'>['templates'][number];
type Status = NonNullable<Item['status']>;

/** Templates of every tenant by review state; pending ones can be approved or rejected. */
export function TemplateReview() {
  const { t, fmt } = useI18n();
  const [status, setStatus] = useState<Status>('pending');
  const list = useLoad(() => call('GET /api/v1/admin/templates', { query: { status } }), [status]);
  const { run } = useAction({ reload: list.reload });

  return (
    <Page title={t('nav.review')}>
      <Segmented<Status> value={status} onChange={setStatus} style={{ marginBottom: 16 }}
        options={(['pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`templates.status.${s}`) }))} />
      <ErrorAlert error={list.error} retry={list.reload} />
      {!list.data ? (list.loading && <Skeleton active />) : !list.data.templates.length ? <Empty description={t('review.empty')} /> : (
        <Flex vertical gap={16}>
          {list.data.templates.map((x) => (
            <Card key={x.id} size="small" title={<Space wrap>{x.name}<Tag>{x.tenantSlug}</Tag><StatusTag status={x.status} t={t} /></Space>} extra={fmt.dateTime(x.submittedAt ?? x.updatedAt)}>
              <Typography.Text type="secondary">{t('review.asSent')}</Typography.Text>
              <Card size="small" style={{ background: '#f6ffed', margin: '4px 0 12px' }} data-testid="review-as-sent">
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{x.asSent}</Typography.Paragraph>
              </Card>
              {x.asSent !== x.text && (
                <>
                  <Typography.Text type="secondary">{t('review.template')}</Typography.Text>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 4 }}>{x.text}</Typography.Paragraph>
                </>
              )}
              <LintList warnings={x.warnings} />
              {x.reviewNote && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('review.note')}: {x.reviewNote}</Typography.Paragraph>}
              {x.status === 'pending' && (
                <ReviewBar
                  onApprove={(note) => run(() => call('POST /api/v1/admin/templates/{id}/approve', { path: { id: x.id }, body: { note } }), t('review.approved', { name: x.name }))}
                  onReject={(note) => run(() => call('POST /api/v1/admin/templates/{id}/reject', { path: { id: x.id }, body: { note } }), t('review.rejected', { name: x.name }))}
                />
              )}
            </Card>
          ))}
        </Flex>
      )}
    </Page>
  );
}
