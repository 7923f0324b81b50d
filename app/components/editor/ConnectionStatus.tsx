import { Badge } from 'antd';
import type { CollabStatus } from '../../realtime/collab.client';
import { useT } from '../../lib/i18n';

const BADGE: Record<CollabStatus, 'success' | 'processing' | 'warning' | 'error' | 'default'> = {
  connected: 'success', connecting: 'processing', reconnecting: 'processing', offline: 'warning', closed: 'error',
};

/** 已连接 / 正在重连 / 离线（编辑已保存在本机）, announced politely to screen readers. */
export function ConnectionStatus({ status }: { status: CollabStatus }) {
  const t = useT();
  return (
    <span role="status" aria-live="polite" data-testid="collab-status" data-status={status}>
      <Badge status={BADGE[status]} text={t(`drafts.status.${status}`)} />
    </span>
  );
}
