import { z } from 'zod';
import { day, filterField, filterId, id, oneOf, optionalText, required } from './common';
import { VISIBILITIES } from '../domain/model';
import { addDays, beijingInstant, EVENT_KINDS, REPEATS, rruleFor } from '../domain/calendar';

/** 协商日程 forms and filters: one schema per form, used by the browser before sending and by the action. */

const time = z.string({ required_error: 'validation.required', invalid_type_error: 'validation.time' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'validation.time');

const flag = z.union([z.boolean(), z.enum(['', '0', '1', 'true', 'false', 'on'])]).optional()
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'on');

const onlineUrl = optionalText(500).refine((v) => !v || /^https?:\/\/[^\s]+$/i.test(v), 'validation.url')
  .transform((v) => v ?? '');

/** A form's invitee picker: repeated ids (a multi-select), at most 300. */
const people = z.union([id, z.array(id)]).optional()
  .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])])
  .refine((v) => v.length <= 300, 'calendar.tooManyInvitees');

/**
 * The organising committees (主办单位), owner's included: absent when the form does not send them
 * (an edit keeps them; a new event is organised by its author's committee alone).
 */
const organisers = z.union([id, z.array(id)]).optional()
  .transform((v) => (v === undefined ? undefined : [...new Set(Array.isArray(v) ? v : [v])]))
  .refine((v) => v === undefined || v.length <= 20, 'calendar.tooManyOrganisers');

const eventFields = z.object({
  kind: oneOf(EVENT_KINDS),
  title: required(200),
  place: optionalText(200).transform((v) => v ?? ''),
  onlineUrl,
  description: optionalText(5000).transform((v) => v ?? ''),
  startDay: day,
  startTime: time.optional(),
  endDay: day.optional().or(z.literal('')),
  endTime: time.optional(),
  allDay: flag,
  repeat: oneOf(REPEATS).default('none'),
  untilDay: day.optional().or(z.literal('')),
  invitees: people,
  organisers,
});

/**
 * Beijing wall-clock days and times into instants: a timed event needs start and end times (end day
 * defaults to the start day); an all-day event runs from its first day to the end of its last.
 */
function toTimes<T extends z.infer<typeof eventFields>>(v: T, ctx: z.RefinementCtx) {
  const endDay = v.endDay || v.startDay;
  let startsAt: Date;
  let endsAt: Date;
  if (v.allDay) {
    startsAt = beijingInstant(v.startDay);
    endsAt = beijingInstant(addDays(endDay, 1));
  } else {
    if (!v.startTime) ctx.addIssue({ code: 'custom', path: ['startTime'], message: 'validation.required' });
    if (!v.endTime) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'validation.required' });
    if (!v.startTime || !v.endTime) return z.NEVER;
    startsAt = beijingInstant(v.startDay, v.startTime);
    endsAt = beijingInstant(endDay, v.endTime);
  }
  if (endsAt <= startsAt) {
    ctx.addIssue({ code: 'custom', path: [v.allDay ? 'endDay' : 'endTime'], message: 'calendar.endBeforeStart' });
    return z.NEVER;
  }
  if (endsAt.getTime() - startsAt.getTime() > 31 * 24 * 3600 * 1000) {
    ctx.addIssue({ code: 'custom', path: ['endDay'], message: 'calendar.tooLong' });
    return z.NEVER;
  }
  if (v.untilDay && v.repeat !== 'none' && v.untilDay < v.startDay) {
    ctx.addIssue({ code: 'custom', path: ['untilDay'], message: 'calendar.untilBeforeStart' });
    return z.NEVER;
  }
  return {
    kind: v.kind, title: v.title, place: v.place, onlineUrl: v.onlineUrl, description: v.description,
    startsAt, endsAt, allDay: v.allDay, rrule: rruleFor(v.repeat, v.untilDay || null), invitees: v.invitees, organisers: v.organisers,
  };
}

export const eventEditSchema = eventFields.transform(toTimes);

export const eventCreateSchema = eventFields.extend({ workspaceId: id, visibility: oneOf(VISIBILITIES) })
  .transform((v, ctx) => {
    const times = toTimes(v, ctx);
    return times === z.NEVER ? z.NEVER : { ...times, workspaceId: v.workspaceId, visibility: v.visibility };
  });

export type EventInput = Omit<Exclude<z.output<typeof eventEditSchema>, never>, 'organisers'> & { organisers?: string[] };

export const eventVisibilitySchema = z.object({ visibility: oneOf(VISIBILITIES) });

/** 参加 / 请假 (a reason is required) / 待定. */
export const eventAnswerSchema = z.object({
  answer: oneOf(['attend', 'leave', 'tentative'] as const),
  reason: optionalText(500).transform((v) => v ?? ''),
}).superRefine((v, ctx) => {
  if (v.answer === 'leave' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'calendar.reasonRequired' });
});

/** One occurrence of a recurring event: cancelled, or moved to a new day and time. */
export const occurrenceSchema = z.object({
  occurrence: z.string({ required_error: 'validation.invalid' }).datetime({ offset: true, message: 'validation.invalid' })
    .transform((v) => new Date(v)),
  change: oneOf(['cancel', 'move'] as const),
  startDay: day.optional(),
  startTime: time.optional(),
  endTime: time.optional(),
}).superRefine((v, ctx) => {
  if (v.change !== 'move') return;
  for (const f of ['startDay', 'startTime', 'endTime'] as const) {
    if (!v[f]) ctx.addIssue({ code: 'custom', path: [f], message: 'validation.required' });
  }
  if (v.startDay && v.startTime && v.endTime && v.endTime <= v.startTime) {
    ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'calendar.endBeforeStart' });
  }
});

/** After the event: the draft of its minutes (会议纪要), or none. */
export const minutesSchema = z.object({ draftId: z.union([z.literal(''), z.null(), id]).optional().transform((v) => v || null) });

/** After the event: who attended (the invitees ticked). */
export const attendanceSchema = z.object({ attended: people });

export const CALENDAR_VIEWS = ['month', 'week', 'agenda'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

/** The /calendar query string: the view and its date, and the filters (empty values mean "no filter"). */
export const calendarFilterSchema = z.object({
  view: filterField(oneOf(CALENDAR_VIEWS)).transform((v): CalendarView => v ?? 'month'),
  date: filterField(day, 'validation.date'),
  workspace: filterId,
  kind: filterField(oneOf(EVENT_KINDS)),
  region: filterField(z.string().max(20).regex(/^[a-z]+$/)),
  mine: filterField(z.literal('1')).transform((v) => v === '1'),
});
export type CalendarFilter = z.output<typeof calendarFilterSchema>;

/** The names of the calendar's filters (the view and date are where, not what). */
export const CALENDAR_FILTERS = ['workspace', 'kind', 'region', 'mine'] as const;
