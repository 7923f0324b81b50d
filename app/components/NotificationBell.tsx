import { useEffect, useState } from 'react';
import { Link } from '@remix-run/react';
import { Badge } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useSocket } from '../realtime/hooks';
import { useT } from '../lib/i18n';

/**
 * The header's bell: the unread count, linking to the notification centre. The count is loaded once
 * (app/routes/notifications.unread.tsx), and again after a reconnect, when events may have been
 * missed; then each `notification:changed` event sets it directly from its payload, so a new
 * notification costs no request at all: no loader runs, no page revalidates.
 */
export function NotificationBell() {
  const t = useT();
  const socket = useSocket();
  const [unread, setUnread] = useState<number | null>(null);

  // The socket is there from the first effect on: one place loads the count and follows it.
  useEffect(() => {
    if (!socket) return;
    let gone = false;
    let lost = false;
    const load = () => {
      fetch('/notifications/unread', { headers: { Accept: 'application/json' } })
        .then((res) => (res.ok ? res.json() : null))
        .then((body: { unread?: unknown } | null) => { if (!gone && typeof body?.unread === 'number') setUnread(body.unread); })
        // Offline, or the server away for a moment: the count stays until the socket reconnects.
        .catch(() => undefined);
    };
    const onChange = (e: { unread: number }) => setUnread(e.unread);
    const onDisconnect = () => { lost = true; };
    const onConnect = () => { if (lost) { lost = false; load(); } };
    load();
    socket.on('notification:changed', onChange);
    socket.on('disconnect', onDisconnect);
    socket.on('connect', onConnect);
    return () => {
      gone = true;
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
