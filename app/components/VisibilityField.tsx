import { Alert, Radio, Space, Typography } from 'antd';
import { VISIBILITIES, type Visibility } from '../../shared/domain/model';
import { useT } from '../lib/i18n';

interface Props {
  id?: string;
  value?: Visibility;
  onChange?: (v: Visibility) => void;
  disabled?: boolean;
}

/**
 * The three visibilities, each with what it means; choosing 川渝联合 says plainly that the record
 * crosses the provincial boundary. Used inside a Form.Item, which supplies id/value/onChange.
 */
export function VisibilityField({ id, value, onChange, disabled }: Props) {
  const t = useT();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Radio.Group id={id} value={value} disabled={disabled} onChange={(e) => onChange?.(e.target.value)}>
        <Space orientation="vertical">
          {VISIBILITIES.map((v) => (
            <Radio key={v} value={v}>
              <Typography.Text strong>{t(`visibility.${v}`)}</Typography.Text>
              <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>{t(`visibility.${v}.help`)}</Typography.Text>
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      {value === 'joint' && <Alert type="warning" showIcon role="alert" title={t('notice.crossingWarning')} />}
    </Space>
  );
}
