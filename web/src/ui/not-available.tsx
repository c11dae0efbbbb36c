// The state of a page whose server API has not landed yet: says so plainly instead of showing nothing.
import { Result } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n/index.tsx';

/** Tells the user that this part of the console needs an API this server does not offer yet. */
export function NotAvailable({ what }: { what: string }) {
  const { t } = useI18n();
  return <Result icon={<ClockCircleOutlined />} title={t('notAvailable.title', { what })} subTitle={t('notAvailable.body')} />;
}
