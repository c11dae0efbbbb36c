// The platform's signature review (签名审核): applications of every tenant with their company, licence and proof, approved or rejected with a reason.
import { useState } from 'react';
import { Button, Card, Descriptions, Empty, Flex, Segmented, Skeleton, Space, Tag } from 'antd';
import { call, download, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { ReviewBar } from '../../ui/review-bar.tsx';
import { SignatureStatus } from './signatures.tsx';

type Item = Response<'GET /api/v1/admin/signatures'>['signatures'][number];
type Status = Item['status'];

/** Signatures of every tenant by review state; pending ones can be approved or rejected. */
export function SignatureReview() {
  const { t, fmt } = useI18n();
  const [status, setStatus] = useState<Status>('pending');
  const list = useLoad(() => call('GET /api/v1/admin/signatures', { query: { status } }), [status]);
  const { run } = useAction({ reload: list.reload });

  return (
    <Page title={t('nav.signatureReview')}>
      <Segmented<Status> value={status} onChange={setStatus} style={{ marginBottom: 16 }}
        options={(['pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`signatures.status.${s}`) }))} />
      <ErrorAlert error={list.error} retry={list.reload} />
      {!list.data ? (list.loading && <Skeleton active />) : !list.data.signatures.length ? <Empty description={t('signatures.reviewEmpty')} /> : (
        <Flex vertical gap={16}>
          {list.data.signatures.map((x) => (
            <Card key={x.id} size="small" data-testid="signature-card" title={<Space wrap>{x.text}<Tag>{x.tenantSlug}</Tag><SignatureStatus s={x} t={t} /></Space>} extra={fmt.dateTime(x.submittedAt)}>
              <Descriptions size="small" column={1} items={[
                { key: 'company', label: t('signatures.company'), children: x.companyName || '—' },
                { key: 'licence', label: t('signatures.licence'), children: x.licenceNumber || '—' },
                {
                  key: 'proof', label: t('signatures.proofFile'),
                  children: x.proof
                    ? <Button size="small" onClick={() => run(() => download('GET /api/v1/admin/signatures/{id}/proof', x.proof!.name, { path: { id: x.id } }))}>{x.proof.name} · {fmt.number(Math.ceil(x.proof.size / 1024))} KB</Button>
                    : '—',
                },
                ...(x.reviewNote ? [{ key: 'note', label: t('review.note'), children: x.reviewNote }] : []),
              ]} />
              {x.status === 'pending' && (
                <ReviewBar
                  onApprove={(note) => run(() => call('POST /api/v1/admin/signatures/{id}/approve', { path: { id: x.id }, body: { note } }), t('signatures.approvedMsg', { text: x.text }))}
                  onReject={(note) => run(() => call('POST /api/v1/admin/signatures/{id}/reject', { path: { id: x.id }, body: { note } }), t('signatures.rejectedMsg', { text: x.text }))}
                />
              )}
            </Card>
          ))}
        </Flex>
      )}
    </Page>
  );
}
