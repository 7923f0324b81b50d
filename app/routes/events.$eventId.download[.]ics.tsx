import type { LoaderFunctionArgs } from '@remix-run/node';
import { eventIcs } from '../../server/services/calendar-feed';
import { icsHeaders } from '../../server/calendar/ics';
import { contentDisposition } from '../../server/services/draft-word';
import { guard, requireId, requireUser } from '../lib/session.server';

/** GET /events/<id>/download.ics: one event for a calendar app, for whoever may read it (else 404). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.eventId);
  const { ics, title } = await guard(() => eventIcs(context.db, user, id, new URL(request.url).origin));
  return new Response(ics, { headers: icsHeaders(contentDisposition(`${title.replace(/[\\/:*?"<>|]+/g, ' ').trim()}.ics`, 'event')) });
}
