import { useEffect, useRef, useState } from 'react';
import { Link, useFetcher } from '@remix-run/react';
import { Badge } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { NOTIFICATION_COUNT_VIEW } from '../../shared/validation/notifications';
import { useSocket } from '../realtime/hooks';
import { useT } from '../lib/i18n';

const COUNT_URL = `/notifications?view=${NOTIFICATION_COUNT_VIEW}`;

/**
 * The header's bell: the unread count, linking to the notification centre. The count is loaded once
 * (and again after a reconnect, when events may have been missed, and after any form action, as
 * Remix revalidates fetchers); then each `notification:changed` event sets it directly from its
 * payload, so a new notification costs no request at all: no loader runs, no page revalidates.
 */
export function NotificationBell() {
  const t = useT();
  const socket = useSocket();
  const fetcher = useFetcher<{ unread: number }>();
  const [unread, setUnread] = useState<number | null>(null);
  const load = useRef(fetcher.load);
  load.current = fetcher.load;

  useEffect(() => { load.current(COUNT_URL); }, []);
  useEffect(() => {
    if (typeof fetcher.data?.unread === 'number') setUnread(fetcher.data.unread);
  }, [fetcher.data]);

  useEffect(() => {
    if (!socket) return;
    let lost = false;
    const onChange = (e: { unread: number }) => setUnread(e.unread);
    const onDisconnect = () => { lost = true; };
    const onConnect = () => { if (lost) { lost = false; load.current(COUNT_URL); } };
    socket.on('notification:changed', onChange);
    socket.on('disconnect', onDisconnect);
    socket.on('connect', onConnect);
    return () => {
      socket.off('notification:changed', onChange);
      socket.off('disconnect', onDisconnect);
      socket.off('connect', onConnect);
    };
  }, [socket]);

  const count = unread ?? 0;
  return (
    <Link
      to="/notifications"
      aria-label={unread === null ? t('notifications.title') : t('notifications.bell', { n: count })}
      data-testid="notification-bell"
      data-unread={unread ?? ''}
      style={{ display: 'inline-flex', alignItems: 'center', padding: 4, color: '#fff' }}
    >
      {/* White badge on the red header: the antd default red would vanish into it. */}
      <Badge count={count} size="small" overflowCount={99} style={{ backgroundColor: '#fff', color: '#8e1515', boxShadow: 'none' }}>
        <BellOutlined aria-hidden="true" style={{ fontSize: 18, color: '#fff' }} />
      </Badge>
    </Link>
  );
}
