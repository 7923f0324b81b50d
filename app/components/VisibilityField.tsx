import { Alert, Form, Radio, Space, Typography } from 'antd';
import { VISIBILITIES, type Visibility } from '../../shared/domain/model';
import { visibilityLabel } from '../../shared/i18n/labels';
import { useT } from '../lib/i18n';

interface Props {
  id?: string;
  value?: Visibility;
  onChange?: (v: Visibility) => void;
  disabled?: boolean;
  /** The regions of the record's workspace: a joint record is shared between them (川渝联合, 渝黔联合). */
  regions?: readonly string[];
}

/**
 * The three visibilities, each with what it means; choosing joint (川渝联合) says plainly that the record
 * crosses the provincial boundary. Used inside a Form.Item, which supplies id/value/onChange.
 */
export function VisibilityField({ id, value, onChange, disabled, regions }: Props) {
  const t = useT();
  const joint = visibilityLabel(t, 'joint', regions);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Radio.Group id={id} aria-label={t('notice.visibility')} value={value} disabled={disabled} onChange={(e) => onChange?.(e.target.value)}>
        <Space orientation="vertical">
          {VISIBILITIES.map((v) => (
            <Radio key={v} value={v}>
              <Typography.Text strong>{visibilityLabel(t, v, regions)}</Typography.Text>
              <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>{t(`visibility.${v}.help`)}</Typography.Text>
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      {value === 'joint' && <Alert type="warning" showIcon role="alert" title={t('notice.crossingWarning', { joint })} />}
    </Space>
  );
}

/** The visibility of a new record whose workspace is chosen in the same form (its field `workspaceId`). */
export function WorkspaceVisibilityField({ workspaces, ...props }: Omit<Props, 'regions'> & {
  workspaces: ReadonlyArray<{ id: string; regions: readonly string[] }>;
}) {
  const workspaceId = Form.useWatch('workspaceId');
  return <VisibilityField {...props} regions={workspaces.find((w) => w.id === workspaceId)?.regions} />;
}
