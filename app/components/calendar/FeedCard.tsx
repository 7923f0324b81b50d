import { useEffect } from 'react';
import { useFetcher } from '@remix-run/react';
import { App, Button, Card, Space, Typography } from 'antd';
import { useT } from '../../lib/i18n';
import { useWhenOnline } from '../../lib/submit';
import { Confirm } from '../Confirm';

/**
 * 订阅日历: the user's private iCalendar URL, to copy into a calendar app, with regenerate and turn
 * off. Shown on the calendar page and the profile; both post to the calendar page's action.
 */
export function FeedCard({ feed }: { feed: string | null }) {
  const t = useT();
  const fetcher = useFetcher<{ ok: boolean; message?: string }>();
  const { message } = App.useApp();
  const whenOnline = useWhenOnline();
  const busy = fetcher.state !== 'idle';
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok && fetcher.data.message) message.success(t(fetcher.data.message));
  }, [fetcher.state, fetcher.data]);
  const post = (intent: string) => whenOnline(() => fetcher.submit({ intent }, { method: 'post', action: '/calendar?index', encType: 'application/json' }));
  return (
    <Card size="small" title={t('calendar.feed')}>
      <Typography.Paragraph>{t('calendar.feedHelp')}</Typography.Paragraph>
      {feed ? (
        <Typography.Paragraph copyable={{ text: feed }} data-testid="feed-url" style={{ wordBreak: 'break-all' }}>
          <a href={feed}>{feed}</a>
        </Typography.Paragraph>
      ) : <Typography.Paragraph type="secondary">{t('calendar.feedNone')}</Typography.Paragraph>}
      <Space wrap>
        <Button loading={busy} onClick={() => post('feed')} data-testid="feed-create">{t(feed ? 'calendar.feedRegenerate' : 'calendar.feedCreate')}</Button>
        {feed && (
          <Confirm title={t('calendar.feedRevoke')} okText={t('calendar.feedRevoke')} cancelText={t('calendar.cancel')}
            okButtonProps={{ danger: true }} onConfirm={() => post('revokeFeed')}>
            <Button danger disabled={busy}>{t('calendar.feedRevoke')}</Button>
          </Confirm>
        )}
      </Space>
    </Card>
  );
}
