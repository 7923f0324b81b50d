import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import {
  answerInvitation, changeOccurrence, deleteEvent, getEvent, linkMinutes, recordAttendance, setEventVisibility, updateEvent,
} from '../../server/services/calendar';
import {
  attendanceSchema, eventAnswerSchema, eventEditSchema, eventVisibilitySchema, minutesSchema, occurrenceSchema,
} from '../../shared/validation/calendar';
import { addDays, beijingDay, beijingTime, type EventAnswer } from '../../shared/domain/calendar';
import { formatDate, formatDateTime } from '../../shared/format/datetime';
import type { Locale } from '../../shared/i18n';
import { useClearable } from '../components/clearable';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { DayField } from '../components/DayField';
import { TimeField } from '../components/TimeField';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { VisibilityCard } from '../components/VisibilityCard';
import { EventForm } from '../components/calendar/EventForm';
import { useLiveRevalidation, useWatchRecord } from '../realtime/hooks';
import { Confirm } from '../components/Confirm';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'calendar.event', args.data?.event.title);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.eventId);
  return guard(() => getEvent(context.db, user, id));
}

const INTENTS = ['update', 'visibility', 'delete', 'answer', 'attendance', 'minutes', 'occurrence'] as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.eventId);
  await requireReadable(context, user, 'event', id);
  const input = await readInput(request);
  const intent = readIntent(input, INTENTS);
  const call = callContext(context);
  switch (intent) {
    case 'update':
      return submitForm(intent, eventEditSchema, input, (v) => updateEvent(context.db, user, id, v, call), 'calendar.saved');
    case 'visibility':
      return submitForm(intent, eventVisibilitySchema, input, async (v) => {
        const r = await setEventVisibility(context.db, user, id, v.visibility, call);
        // Narrowed past the actor's own reach: the page would now be a 404.
        if (!r.readable) throw redirect('/calendar');
      }, 'calendar.visibilityChanged');
    case 'answer':
      return submitForm(intent, eventAnswerSchema, input, (v) => answerInvitation(context.db, user, id, v, call), 'calendar.answered');
    case 'attendance':
      return submitForm(intent, attendanceSchema, input, (v) => recordAttendance(context.db, user, id, v.attended, call), 'calendar.attendanceSaved');
    case 'minutes':
      // Sent empty, the form takes the link away (or there was none): say so, not "linked".
      return submitForm(intent, minutesSchema, input, (v) => linkMinutes(context.db, user, id, v.draftId, call),
        () => ({ message: input.draftId ? 'calendar.minutesSaved' : 'calendar.minutesNone' }));
    case 'occurrence':
      return submitForm(intent, occurrenceSchema, input, (v) => changeOccurrence(context.db, user, id, v, call),
        () => ({ message: input.change === 'cancel' ? 'calendar.occurrenceCancelled' : 'calendar.occurrenceMoved' }));
    case 'delete': {
      await guard(() => deleteEvent(context.db, user, id, call));
      throw redirect('/calendar');
    }
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

/** When, in Beijing time: a day range for all-day events, else start and end. */
function formatWhen(start: string | Date, end: string | Date, allDay: boolean, locale: Locale): string {
  if (allDay) {
    const last = addDays(beijingDay(end), -1);
    const first = beijingDay(start);
    const f = (d: string) => formatDate(`${d}T00:00:00+08:00`, locale);
    return first === last ? f(first) : `${f(first)} – ${f(last)}`;
  }
  const sameDay = beijingDay(start) === beijingDay(end);
  return `${formatDateTime(start, locale)} – ${sameDay ? beijingTime(end) : formatDateTime(end, locale)}`;
}

/** 日程: the event, my answer, attendance per committee, and for its organisers edit, occurrences and visibility. */
export default function EventPage() {
  const { event, invitees, myInvitation, upcoming, cancelled, conflicts, candidates, drafts, organiserChoices, abilities } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const submit = useSubmitOnline();
  const { message } = App.useApp();
  const t = useT();
  const clearable = useClearable();
  const locale = useLocale();
  const [moving, setMoving] = useState<string | null>(null);
  useWatchRecord('event', event.id);
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'event' && e.id === event.id);

  useEffect(() => {
    if (result?.ok && result.message) { message.success(t(result.message)); setMoving(null); }
  }, [result]);

  const post = (values: Record<string, unknown>) => submit(values as Record<string, string>, { method: 'post', encType: 'application/json' });
  const countAnswers = (list: typeof invitees) => Object.fromEntries(['attend', 'leave', 'tentative', 'pending'].map((a) => [a, list.filter((i) => i.answer === a).length]));
  const counts = countAnswers(invitees);
  const committees = [...new Set(invitees.map((i) => i.orgName))];
  const started = new Date(event.startsAt).getTime() <= Date.now();
  const formError = result && !result.ok && result.errors?._form ? t(result.errors._form) : null;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Link to={`/calendar?date=${beijingDay(event.startsAt)}`}>← {t('calendar.title')}</Link>
      <article aria-labelledby="event-title">
        <Typography.Title level={1} id="event-title" style={{ fontSize: 24 }}>{event.title}</Typography.Title>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'kind', label: t('calendar.kind'), children: <Tag>{t(`calendar.kind.${event.kind}`)}</Tag> },
          { key: 'when', label: t('calendar.when'), children: <span data-testid="event-when">{formatWhen(event.startsAt, event.endsAt, event.allDay, locale)}</span> },
          ...(event.rrule ? [{ key: 'repeat', label: t('calendar.repeat'), children: <>{t(`calendar.repeat.${event.repeat}`)}{event.untilDay ? ` · ${t('calendar.untilDay')} ${formatDate(`${event.untilDay}T00:00:00+08:00`, locale)}` : ''}</> }] : []),
          ...(event.place ? [{ key: 'place', label: t('calendar.place'), children: event.place }] : []),
          ...(event.onlineUrl ? [{ key: 'online', label: t('calendar.onlineUrl'), children: <a href={event.onlineUrl} rel="noopener noreferrer" target="_blank">{event.onlineUrl}</a> }] : []),
          { key: 'workspace', label: t('calendar.workspace'), children: <Link to={`/workspaces/${event.workspaceId}`}>{event.workspaceName}</Link> },
          {
            key: 'organisers', label: t('calendar.organisers'), children: (
              <span data-testid="event-organisers">
                {event.organisers.map((o, n) => <span key={o.id}>{n > 0 ? '、' : ''}{o.name} <RegionTag region={o.region} /></span>)}
              </span>
            ),
          },
          { key: 'visibility', label: t('calendar.visibility'), children: <VisibilityTag visibility={event.visibility} regions={event.workspaceRegions} /> },
        ]} />
        {event.description && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 16 }}>{event.description}</Typography.Paragraph>}
        <a href={`/events/${event.id}/download.ics`} download><DownloadOutlined aria-hidden="true" /> {t('calendar.download')}</a>
      </article>

      {formError && <Alert type="error" showIcon title={formError} />}

      {abilities.respond && myInvitation && (
        <section aria-labelledby="my-answer">
          <Card size="small">
            <Typography.Title level={2} id="my-answer" style={{ fontSize: 18, marginTop: 0 }}>
              {t('calendar.answer')}：<Tag data-testid="my-answer-tag">{t(`calendar.answer.${myInvitation.answer}`)}</Tag>
            </Typography.Title>
            <AnswerForm answer={myInvitation.answer} reason={myInvitation.reason} busy={busy} />
          </Card>
        </section>
      )}

      {abilities.update && conflicts.length > 0 && (
        <Alert type="warning" showIcon title={t('calendar.conflicts')} data-testid="conflicts" description={(
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {conflicts.map((c) => (
              <li key={`${c.userId}-${c.eventId ?? c.start}`}>
                {c.title
                  ? t('calendar.conflictNamed', { person: c.person, title: c.title, when: formatDateTime(c.start, locale) })
                  : t('calendar.conflictBusy', { person: c.person })}
              </li>
            ))}
            <li>{t('calendar.conflictHint')}</li>
          </ul>
        )} />
      )}

      <section aria-labelledby="attendance">
        <Card size="small">
          <Typography.Title level={2} id="attendance" style={{ fontSize: 18, marginTop: 0 }}>{t('calendar.attendance')}</Typography.Title>
          {invitees.length === 0 ? <Typography.Text type="secondary">{t('calendar.noInvitees')}</Typography.Text> : (
            <>
              <Typography.Paragraph data-testid="answer-summary">{t('calendar.answerSummary', counts)}</Typography.Paragraph>
              {abilities.update && (
                <>
                  <ul style={{ paddingInlineStart: 20 }} aria-label={t('calendar.answersByCommittee')} data-testid="committee-summary">
                    {committees.map((c) => (
                      <li key={c}>{t('calendar.committeeSummary', { committee: c, ...countAnswers(invitees.filter((i) => i.orgName === c)) })}</li>
                    ))}
                  </ul>
                  <AttendanceTable invitees={invitees} started={started} busy={busy} />
                </>
              )}
            </>
          )}
        </Card>
      </section>

      {(event.minutesTitle || (abilities.update && started)) && (
        <section aria-labelledby="minutes">
          <Card size="small">
            <Typography.Title level={2} id="minutes" style={{ fontSize: 18, marginTop: 0 }}>{t('calendar.minutes')}</Typography.Title>
            <Typography.Paragraph data-testid="minutes-link">
              {event.minutesDraftId && event.minutesTitle
                ? <Link to={`/drafts/${event.minutesDraftId}`}>{event.minutesTitle}</Link>
                : <Typography.Text type="secondary">{t('calendar.minutesNone')}</Typography.Text>}
            </Typography.Paragraph>
            {abilities.update && started && (
              <AppForm schema={minutesSchema} intent="minutes" name="minutes" layout="inline" style={{ rowGap: 8 }}
                initialValues={{ draftId: event.minutesDraftId ?? undefined }}>
                <Form.Item name="draftId" label={t('calendar.minutesChoose')}>
                  <Select allowClear={clearable} showSearch optionFilterProp="label" style={{ minWidth: 260 }}
                    options={drafts.map((d) => ({ value: d.id, label: d.title }))} />
                </Form.Item>
                <Button htmlType="submit" loading={busy}>{t('calendar.minutesSave')}</Button>
              </AppForm>
            )}
          </Card>
        </section>
      )}

      {abilities.update && event.rrule && (
        <section aria-labelledby="occurrences">
          <Card size="small">
            <Typography.Title level={2} id="occurrences" style={{ fontSize: 18, marginTop: 0 }}>{t('calendar.occurrences')}</Typography.Title>
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {upcoming.map((o) => (
                <li key={o.originalStart} style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }} data-testid="occurrence">
                  <Space wrap>
                    <span>{formatWhen(o.start, o.end, event.allDay, locale)}</span>
                    {o.moved && <Tag color="gold">{t('calendar.moved')}</Tag>}
                    <Confirm title={t('calendar.cancelOccurrence')} okText={t('calendar.cancelOccurrence')} cancelText={t('calendar.cancel')}
                      onConfirm={() => post({ intent: 'occurrence', occurrence: o.originalStart, change: 'cancel' })}>
                      <Button size="small" disabled={busy}>{t('calendar.cancelOccurrence')}</Button>
                    </Confirm>
                    {!event.allDay && <Button size="small" disabled={busy} onClick={() => setMoving(o.originalStart)}>{t('calendar.moveOccurrence')}</Button>}
                  </Space>
                  {moving === o.originalStart && (
                    <AppForm schema={occurrenceSchema} intent="occurrence" name={`move-${o.originalStart}`} layout="inline" style={{ marginTop: 8, rowGap: 8 }}
                      initialValues={{ occurrence: o.originalStart, change: 'move', startDay: beijingDay(o.start), startTime: beijingTime(o.start), endTime: beijingTime(o.end) }}>
                      <Form.Item name="occurrence" hidden><Input /></Form.Item>
                      <Form.Item name="change" hidden><Input /></Form.Item>
                      <Form.Item name="startDay" label={t('calendar.startDay')}><DayField /></Form.Item>
                      <Form.Item name="startTime" label={t('calendar.startTime')}><TimeField /></Form.Item>
                      <Form.Item name="endTime" label={t('calendar.endTime')}><TimeField /></Form.Item>
                      <Button type="primary" htmlType="submit" loading={busy}>{t('calendar.save')}</Button>
                    </AppForm>
                  )}
                </li>
              ))}
            </ul>
            {cancelled.length > 0 && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t('calendar.occurrenceCancelled')}：{cancelled.map((c) => formatDateTime(c, locale)).join('、')}
              </Typography.Paragraph>
            )}
          </Card>
        </section>
      )}

      {abilities.update && (
        <section aria-labelledby="edit-event">
          <Card size="small">
            <Typography.Title level={2} id="edit-event" style={{ fontSize: 18, marginTop: 0 }}>{t('calendar.edit')}</Typography.Title>
            <EventForm key={`${event.sequence}`} schema={eventEditSchema} intent="update" busy={busy} submitLabel={t('calendar.save')}
              people={candidates} committees={organiserChoices} initialValues={{
                title: event.title, kind: event.kind, allDay: event.allDay, place: event.place, onlineUrl: event.onlineUrl,
                description: event.description, repeat: event.repeat, untilDay: event.untilDay ?? undefined,
                startDay: beijingDay(event.startsAt), startTime: event.allDay ? undefined : beijingTime(event.startsAt),
                endDay: event.allDay ? addDays(beijingDay(event.endsAt), -1) : beijingDay(event.endsAt),
                endTime: event.allDay ? undefined : beijingTime(event.endsAt),
                invitees: invitees.map((i) => i.userId),
                organisers: event.organisers.map((o) => o.id),
              }} />
          </Card>
        </section>
      )}

      {abilities.setVisibility && (
        <VisibilityCard id="event-visibility" visibility={event.visibility} regions={event.workspaceRegions} busy={busy}
          errors={result && !result.ok && result.intent === 'visibility' ? result.errors : undefined}
          onChange={(to) => post({ intent: 'visibility', visibility: to })} />
      )}

      {abilities.delete && (
        <div>
          <Confirm title={t('calendar.deleteConfirm')} okText={t('calendar.delete')} cancelText={t('calendar.cancel')}
            okButtonProps={{ danger: true }} onConfirm={() => post({ intent: 'delete' })}>
            <Button danger disabled={busy}>{t('calendar.delete')}</Button>
          </Confirm>
        </div>
      )}
    </Space>
  );
}

function AnswerForm({ answer, reason, busy }: { answer: EventAnswer; reason: string; busy: boolean }) {
  const t = useT();
  const [form] = Form.useForm();
  const chosen = Form.useWatch('answer', form) ?? answer;
  return (
    <AppForm schema={eventAnswerSchema} intent="answer" form={form} name="answer"
      initialValues={{ answer: answer === 'pending' ? undefined : answer, reason }}>
      <Form.Item name="answer" label={t('calendar.answer')}>
        <Radio.Group aria-label={t('calendar.answer')} optionType="button" options={(['attend', 'leave', 'tentative'] as const).map((a) => ({ value: a, label: t(`calendar.answer.${a}`) }))} />
      </Form.Item>
      {chosen === 'leave' && <Form.Item name="reason" label={t('calendar.reason')}><Input.TextArea rows={2} maxLength={500} /></Form.Item>}
      <Button type="primary" htmlType="submit" loading={busy}>{t('calendar.sendAnswer')}</Button>
    </AppForm>
  );
}

type Invitee = ReturnType<typeof useLoaderData<typeof loader>>['invitees'][number];

/** Answers per committee; after the start, the organisers tick who attended. */
function AttendanceTable({ invitees, started, busy }: { invitees: Invitee[]; started: boolean; busy: boolean }) {
  const t = useT();
  const [attended, setAttended] = useState(() => invitees.filter((i) => i.attended).map((i) => i.userId));
  const submit = useSubmitOnline();
  return (
    <>
      <Table<Invitee> rowKey="userId" size="small" pagination={false} dataSource={invitees} scroll={{ x: true }}
        columns={[
          { title: t('calendar.committee'), key: 'org', render: (_, i) => <>{i.orgName} <RegionTag region={i.region} /></> },
          { title: t('calendar.person'), dataIndex: 'displayName', key: 'person' },
          { title: t('calendar.reply'), key: 'answer', render: (_, i) => <Tag>{t(`calendar.answer.${i.answer}`)}</Tag> },
          { title: t('calendar.reason'), dataIndex: 'reason', key: 'reason' },
          ...(started ? [{
            title: t('calendar.attended'), key: 'attended',
            render: (_: unknown, i: Invitee) => (
              <Checkbox checked={attended.includes(i.userId)} aria-label={`${t('calendar.attended')}：${i.displayName}`}
                onChange={(e) => setAttended((a) => (e.target.checked ? [...a, i.userId] : a.filter((x) => x !== i.userId)))} />
            ),
          }] : []),
        ]} />
      {started && (
        <Button style={{ marginTop: 8 }} loading={busy}
          onClick={() => submit({ intent: 'attendance', attended } as never, { method: 'post', encType: 'application/json' })}>
          {t('calendar.recordAttendance')}
        </Button>
      )}
    </>
  );
}
