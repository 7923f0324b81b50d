import { z } from 'zod';
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Alert, App, Button, Segmented, Space, Typography } from 'antd';
import { AppDrawer } from '../components/AppDrawer';
import { CalendarOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { createEvent, getCalendar, getEventConflicts } from '../../server/services/calendar';
import { regenerateFeed, revokeFeed } from '../../server/services/calendar-feed';
import { feedLink } from '../lib/feed.server';
import { ButtonLink } from '../components/ButtonLink';
import { FeedCard } from '../components/calendar/FeedCard';
import { calendarFilterSchema, eventCreateSchema, CALENDAR_FILTERS, CALENDAR_VIEWS, type CalendarView } from '../../shared/validation/calendar';
import { regionName } from '../../shared/i18n/labels';
import { FilterBar, FilterChoice, FilterToggle, withFilters } from '../components/FilterBar';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { addDays, beijingDay, EVENT_KINDS } from '../../shared/domain/calendar';
import { formatDate, formatMonth } from '../../shared/format/datetime';
import { callContext, guard, requireUser } from '../lib/session.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { useLiveRevalidation } from '../realtime/hooks';
import { InlineStyle } from '../components/InlineStyle';
import { AgendaView, CALENDAR_STYLES, MonthView, WeekView } from '../components/calendar/CalendarViews';
import { EventForm } from '../components/calendar/EventForm';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'calendar.title');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = parseWith(calendarFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  const today = beijingDay(Date.now());
  // A malformed filter is a 400 with the field named (the page shows the default month), never a 500.
  const filter = parsed.ok ? parsed.data : calendarFilterSchema.parse({});
  const calendar = await guard(() => getCalendar(context.db, user, filter, today));
  const feed = await feedLink(request, context, user);
  const errors = (parsed.ok ? {} : parsed.errors) as FieldErrors;
  return data({ ...calendar, today, feed, errors }, { status: parsed.ok ? 200 : 400 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const input = await readInput(request);
  const intent = readIntent(input, ['create', 'feed', 'revokeFeed']);
  const call = callContext(context);
  switch (intent) {
    case 'create':
      return submitForm(intent, eventCreateSchema, input, async (v) => {
        const id = await createEvent(context.db, user, v, call);
        return { id, conflicts: (await getEventConflicts(context.db, user, id)).length };
      }, ({ conflicts }) => (conflicts > 0 ? { message: 'calendar.createdWithConflicts', vars: { n: conflicts } } : { message: 'calendar.created' }));
    case 'feed':
      return submitForm(intent, z.object({}), input, () => regenerateFeed(context.db, user, context.config.sessionSecret), 'calendar.feedCreated');
    case 'revokeFeed':
      return submitForm(intent, z.object({}), input, () => revokeFeed(context.db, user), 'calendar.feedRevoked');
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

/** Where the previous/next buttons go: a month, a week or thirty days either way. */
function shift(view: CalendarView, date: string, direction: 1 | -1): string {
  if (view === 'week') return addDays(date, 7 * direction);
  if (view === 'agenda') return addDays(date, 30 * direction);
  const [y, m] = date.split('-').map(Number);
  const month = new Date(Date.UTC(y, m - 1 + direction, 1));
  return month.toISOString().slice(0, 10);
}

/** 协商日程: month, week and list of the events I may read, with filters, create in place, and my feed. */
export default function CalendarPage() {
  const { view, date, range, occurrences, workspaces, people, committees, regions, markedDays, today, feed, errors } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const [params, setParams] = useSearchParams();
  const { message } = App.useApp();
  const t = useT();
  const locale = useLocale();
  const creatable = workspaces.filter((w) => w.canCreate);
  const [creating, setCreating] = useState<string | null>(null);
  const [workspaceId, setWorkspaceId] = useState<string | undefined>(params.get('workspace') ?? creatable[0]?.id);
  const [showFeed, setShowFeed] = useState(false);
  // Inspections too: their itinerary stops are shown here.
  useLiveRevalidation((e) => e.type === 'record:changed' && (e.kind === 'event' || e.kind === 'inspection'));

  useEffect(() => {
    if (!result?.ok || !('message' in result) || !result.message) return;
    const vars = 'vars' in result ? result.vars : undefined;
    if (result.message === 'calendar.createdWithConflicts') message.warning(t(result.message, vars), 8);
    else message.success(t(result.message, vars));
    if (result.intent === 'create') setCreating(null);
  }, [result]);

  const link = (changes: Record<string, string | undefined>) => `/calendar?${withFilters(params, changes).toString()}`;
  const label = view === 'month' ? formatMonth(`${date.slice(0, 7)}-01T00:00:00+08:00`, locale)
    : t('calendar.weekOf', { from: formatDate(`${range.from}T00:00:00+08:00`, locale), to: formatDate(`${addDays(range.to, -1)}T00:00:00+08:00`, locale) });
  const createOn = creatable.length > 0 ? (day: string) => setCreating(day) : undefined;
  const viewProps = { from: range.from, to: range.to, today, occurrences, markedDays, onCreate: createOn };
  const formWorkspace = creatable.some((w) => w.id === workspaceId) ? workspaceId! : creatable[0]?.id;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <InlineStyle css={CALENDAR_STYLES} />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('calendar.title')}</Typography.Title>
        <Space wrap>
          <Button icon={<CalendarOutlined aria-hidden="true" />} onClick={() => setShowFeed((v) => !v)} aria-expanded={showFeed}>{t('calendar.feed')}</Button>
          {createOn && <Button type="primary" icon={<PlusOutlined aria-hidden="true" />} onClick={() => setCreating(date)} data-testid="new-event">{t('calendar.new')}</Button>}
        </Space>
      </div>

      {showFeed && <FeedCard feed={feed} />}

      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        {/* tabIndex -1: the checked option is the tab stop (arrows change it); the group was another, deaf to arrows. */}
        <Segmented aria-label={t('calendar.views')} value={view} tabIndex={-1}
          options={CALENDAR_VIEWS.map((v) => ({ value: v, label: t(`calendar.view.${v}`) }))}
          onChange={(v) => setParams(withFilters(params, { view: v as string }), { replace: true })} />
        <ButtonLink to={link({ date: shift(view, date, -1) })} aria-label={t('calendar.previous')} size="small" data-testid="calendar-previous" icon={<LeftOutlined aria-hidden="true" />} />
        <ButtonLink to={link({ date: undefined })} size="small">{t('calendar.today')}</ButtonLink>
        <ButtonLink to={link({ date: shift(view, date, 1) })} aria-label={t('calendar.next')} size="small" data-testid="calendar-next" icon={<RightOutlined aria-hidden="true" />} />
        <Typography.Text strong data-testid="calendar-period" style={{ marginInlineStart: 8 }}>{label}</Typography.Text>
      </div>
      {/* The view and the day are where, not filters: the bar below does not name them. */}
      {(errors.view || errors.date) && <Alert type="error" showIcon title={t('calendar.badPlace')} data-testid="calendar-bad-place" />}

      <FilterBar label={t('calendar.filters')} names={CALENDAR_FILTERS} errors={errors}>
        <FilterChoice name="workspace" label={t('calendar.workspace')} placeholder={t('calendar.allWorkspaces')} width={220}
          options={workspaces.map((w) => ({ value: w.id, label: w.name }))} />
        <FilterChoice name="kind" label={t('calendar.kind')} placeholder={t('calendar.allKinds')} width={140}
          options={EVENT_KINDS.map((k) => ({ value: k, label: t(`calendar.kind.${k}`) }))} />
        <FilterChoice name="region" label={t('calendar.organiser')} placeholder={t('calendar.allRegions')} width={120}
          options={regions.map((r) => ({ value: r, label: regionName(t, r) }))} />
        <FilterToggle name="mine" label={t('calendar.scope')}
          options={[{ value: '', label: t('calendar.scopeAll') }, { value: '1', label: t('calendar.mine') }]} />
      </FilterBar>

      {view === 'month' && <MonthView {...viewProps} month={date.slice(0, 7)} />}
      {view === 'week' && <WeekView {...viewProps} />}
      {view === 'agenda' && <AgendaView {...viewProps} />}

      <AppDrawer open={creating !== null} onClose={() => setCreating(null)} title={t('calendar.new')} size={520} destroyOnHidden>
        {creating !== null && formWorkspace && (
          <EventForm schema={eventCreateSchema} intent="create" busy={busy} submitLabel={t('calendar.create')}
            workspaces={creatable} people={people[formWorkspace] ?? []} committees={committees[formWorkspace] ?? []} onWorkspaceChange={setWorkspaceId}
            initialValues={{
              workspaceId: formWorkspace, kind: 'meeting', visibility: 'region', allDay: false, repeat: 'none',
              startDay: creating, startTime: '09:00', endDay: creating, endTime: '10:00', invitees: [],
              // The author's committee organises; others join it here.
              organisers: (committees[formWorkspace] ?? []).filter((c) => c.owner).map((c) => c.id),
            }} />
        )}
      </AppDrawer>
    </Space>
  );
}
