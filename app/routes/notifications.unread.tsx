import { data, type LoaderFunctionArgs } from '@remix-run/node';
import { unreadCount } from '../../server/services/notifications';
import { requireUser } from '../lib/session.server';
import { jsonResponse } from '../lib/resource.server';

/**
 * GET /notifications/unread: `{ unread }`, the count the header's bell shows. Plain JSON for a plain
 * fetch: a Remix fetcher in the shell would take any failure (the network gone) to the root's error
 * boundary, which re-creates the document (docs/decisions/023).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return jsonResponse(data({ unread: await unreadCount(context.db, user) }));
}
