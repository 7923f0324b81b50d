import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form as RemixForm, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { App, Button, Card, Checkbox, Form, Space, Table, Tag, Typography } from 'antd';
import { useEffect, type HTMLAttributes } from 'react';
import { z } from 'zod';
import {
  getPreferences, listNotifications, markAllRead, markRead, setPreferences, unreadCount, type NotificationPreferences,
} from '../../server/services/notifications';
import {
  markReadSchema, NOTIFICATION_KINDS, notificationFilterSchema, notificationPreferencesSchema, toNotificationFilter,
} from '../../shared/validation/notifications';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { formatDateTime } from '../../shared/format/datetime';
import { callContext, requireUser } from '../lib/session.server';
import { badRequest, readInput, submitForm } from '../lib/input.server';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { FilterBar, FilterChoice, FilterToggle } from '../components/FilterBar';
import { useLiveRevalidation } from '../realtime/hooks';
import { useOnlineSubmitHandler } from '../lib/submit';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'notifications.title');

const FILTERS = ['show', 'kind'] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const empty = { notifications: [] as Awaited<ReturnType<typeof listNotifications>>['notifications'], preferences: null as NotificationPreferences | null };
  const parsed = parseWith(notificationFilterSchema, params);
  // A malformed filter is a 400 naming the field, never a 500.
  if (!parsed.ok) {
    return data({ ...empty, unread: await unreadCount(context.db, user), errors: parsed.errors }, { status: 400 });
  }
  const [list, preferences] = await Promise.all([
    listNotifications(context.db, user, toNotificationFilter(parsed.data)),
    getPreferences(context.db, user),
  ]);
  return data({ ...list, preferences: preferences as NotificationPreferences | null, errors: {} as FieldErrors });
}

const intentSchema = z.object({ intent: z.enum(['markRead', 'markAllRead', 'preferences']) });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const input = await readInput(request);
  const which = parseWith(intentSchema, input);
  if (!which.ok) return badRequest({ _form: 'validation.invalid' });
  const call = callContext(context);
  const { intent } = which.data;
  if (intent === 'markRead') {
    return submitForm(intent, markReadSchema, input, (v) => markRead(context.db, user, v.id, call), 'notifications.markedRead');
  }
  if (intent === 'markAllRead') {
    return submitForm(intent, z.object({}), input, () => markAllRead(context.db, user, call), 'notifications.markedAllRead');
  }
  return submitForm(intent, notificationPreferencesSchema, input, (v) => setPreferences(context.db, user, v.enabled), 'notifications.saved');
}

/** Where a notification leads: the record's own page (kinds without a page yet lead nowhere). */
function recordHref(kind: string, id: string): string | null {
  if (kind === 'notice') return `/notices/${id}`;
  if (kind === 'workspace') return `/workspaces/${id}`;
  if (kind === 'draft') return `/drafts/${id}`;
  if (kind === 'event') return `/events/${id}`;
  if (kind === 'proposal') return `/proposals/${id}`;
  if (kind === 'inspection') return `/inspections/${id}`;
  return null;
}

/** 通知: my notifications (filter, mark read, open the record) and which kinds I receive. */
export default function NotificationsPage() {
  const { notifications, unread, preferences, errors } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state === 'submitting';
  const posting = (intent: string) => submitting && navigation.formData?.get('intent') === intent;
  const opener = useFetcher();
  const onlineOnly = useOnlineSubmitHandler();
  const [params] = useSearchParams();
  const { message } = App.useApp();
  const t = useT();
  const locale = useLocale();
  // A change elsewhere (a new notification, another tab marking read), unless the count already matches
  // what the page shows (its own action).
  useLiveRevalidation((e) => e.type === 'notification:changed' && e.unread !== unread, 150);

  useEffect(() => {
    if (result?.ok && result.message) message.success(t(result.message));
  }, [result]);

  const show = params.get('show') === 'unread' ? 'unread' : 'all';
  // What is said of a notification for its kind of record, else for its kind alone.
  const said = (key: string, n: (typeof notifications)[number], values?: Record<string, string>) => {
    const specific = `${key}.${n.kind}.${n.recordKind}`;
    return t(t(specific) === specific ? `${key}.${n.kind}` : specific, values);
  };
  const sentence = (n: (typeof notifications)[number]) => said('notifications.text', n, { text: n.text });
  type Row = (typeof notifications)[number];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <div>
          <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('notifications.title')}</Typography.Title>
          <Typography.Text type="secondary" data-testid="unread-summary">{t('notifications.unreadSummary', { n: unread })}</Typography.Text>
        </div>
        <RemixForm method="post" onSubmit={onlineOnly}>
          <input type="hidden" name="intent" value="markAllRead" />
          <Button htmlType="submit" disabled={unread === 0} loading={posting('markAllRead')} data-testid="mark-all-read">{t('notifications.markAllRead')}</Button>
        </RemixForm>
      </div>

      <FilterBar label={t('notifications.filters')} names={FILTERS} errors={errors}>
        <FilterToggle name="show" label={t('notifications.show')}
          options={[{ value: '', label: t('notifications.showAll') }, { value: 'unread', label: t('notifications.showUnread') }]} />
        <FilterChoice name="kind" label={t('notifications.kind')} placeholder={t('notifications.allKinds')} width={180}
          options={NOTIFICATION_KINDS.map((k) => ({ value: k, label: t(`notifications.kind.${k}`) }))} />
      </FilterBar>

      <Table<Row>
        rowKey="id"
        size="middle"
        dataSource={notifications}
        pagination={notifications.length > 20 ? { pageSize: 20 } : false}
        // Secondary text, not the table's default placeholder grey (too faint: axe colour contrast).
        locale={{ emptyText: <Typography.Text type="secondary">{t(show === 'unread' ? 'notifications.emptyUnread' : 'notifications.empty')}</Typography.Text> }}
        onRow={(n) => ({ 'data-testid': 'notification', 'data-read': n.readAt ? 'true' : 'false' } as HTMLAttributes<HTMLElement>)}
        columns={[
          {
            title: t('notifications.status'), key: 'status', width: 80,
            render: (_, n) => (n.readAt ? <Typography.Text type="secondary">{t('notifications.read')}</Typography.Text> : <Tag color="red">{t('notifications.unread')}</Tag>),
          },
          {
            title: t('notifications.message'), key: 'message',
            render: (_, n) => {
              if (!n.readable) return <Typography.Text type="secondary">{t('notifications.unavailable')}</Typography.Text>;
              const href = recordHref(n.recordKind, n.recordId);
              const text = sentence(n);
              if (!href) return n.readAt ? text : <strong>{text}</strong>;
              return (
                <Link to={href} data-testid="notification-link" style={n.readAt ? undefined : { fontWeight: 600 }}
                  onClick={() => { if (!n.readAt && navigator.onLine) opener.submit({ intent: 'markRead', id: n.id }, { method: 'post', action: '/notifications' }); }}>
                  {text}
                </Link>
              );
            },
          },
          { title: t('notifications.kind'), key: 'kind', render: (_, n) => <Tag>{said('notifications.kind', n)}</Tag> },
          { title: t('notifications.from'), key: 'from', render: (_, n) => n.actorName ?? t('notifications.system') },
          {
            title: t('notifications.time'), key: 'time',
            render: (_, n) => <time dateTime={new Date(n.createdAt).toISOString()}>{formatDateTime(n.createdAt, locale)}</time>,
          },
          {
            title: t('notifications.actions'), key: 'actions',
            render: (_, n) => (n.readAt ? null : (
              <RemixForm method="post" onSubmit={onlineOnly}>
                <input type="hidden" name="intent" value="markRead" />
                <input type="hidden" name="id" value={n.id} />
                <Button size="small" htmlType="submit" disabled={submitting}
                  aria-label={n.readable ? t('notifications.markReadNamed', { text: n.text }) : t('notifications.markRead')}>
                  {t('notifications.markRead')}
                </Button>
              </RemixForm>
            )),
          },
        ]}
      />

      {preferences && (
        <section aria-labelledby="notification-preferences">
          <Card size="small">
            <Typography.Title level={2} id="notification-preferences" style={{ fontSize: 18, marginTop: 0 }}>{t('notifications.preferences')}</Typography.Title>
            <Typography.Paragraph type="secondary">{t('notifications.preferencesHelp')}</Typography.Paragraph>
            <AppForm schema={notificationPreferencesSchema} intent="preferences" name="notificationPreferences"
              initialValues={{ enabled: NOTIFICATION_KINDS.filter((k) => preferences[k]) }}>
              <Form.Item name="enabled" label={t('notifications.preferencesField')} extra={t('notifications.deadlineNote')}>
                <Checkbox.Group options={NOTIFICATION_KINDS.map((k) => ({ value: k, label: t(`notifications.kind.${k}`) }))} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={submitting && !!navigation.json}>{t('notifications.save')}</Button>
            </AppForm>
          </Card>
        </section>
      )}
    </Space>
  );
}
