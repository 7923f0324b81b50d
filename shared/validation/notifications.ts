import { z } from 'zod';
import { filterField, id, oneOf } from './common';

/**
 * Kinds of notification (issue 3). `deadline` (截止日期临近) and `overdue` (已逾期) are defined
 * now, with their text and preference, but no record carries a deadline yet: the proposal,
 * inspection and calendar issues send them when their records do.
 */
export const NOTIFICATION_KINDS = ['mention', 'invitation', 'assignment', 'deadline', 'overdue', 'status', 'reply'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const isNotificationKind = (v: unknown): v is NotificationKind => NOTIFICATION_KINDS.includes(v as NotificationKind);

/** The centre's filters, from the query string: `?show=unread&kind=mention`. */
export const notificationFilterSchema = z.object({
  show: filterField(z.enum(['all', 'unread'])),
  kind: filterField(z.enum(NOTIFICATION_KINDS)),
});
export type NotificationFilter = { unreadOnly: boolean; kind?: NotificationKind };

export const toNotificationFilter = (f: z.output<typeof notificationFilterSchema>): NotificationFilter =>
  ({ unreadOnly: f.show === 'unread', ...(f.kind ? { kind: f.kind } : {}) });

export const markReadSchema = z.object({ id });

/** The preferences form: the kinds to receive (every kind left out is turned off). */
export const notificationPreferencesSchema = z.object({
  enabled: z.preprocess(
    // A plain form with one box ticked sends a string; none ticked sends nothing.
    (v) => (v === undefined || v === null || v === '' ? [] : typeof v === 'string' ? [v] : v),
    z.array(oneOf(NOTIFICATION_KINDS), { invalid_type_error: 'validation.invalid' }).max(NOTIFICATION_KINDS.length),
  ),
});
