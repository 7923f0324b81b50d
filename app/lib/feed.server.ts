import type { AppLoadContext } from '@remix-run/node';
import { getFeedToken } from '../../server/services/calendar-feed';
import type { SessionUser } from '../../server/auth/sessions';

/** The user's own calendar subscription URL (absolute, for calendar apps), or null when they have none. */
export async function feedLink(request: Request, context: AppLoadContext, user: SessionUser): Promise<string | null> {
  const token = await getFeedToken(context.db, user, context.config.sessionSecret);
  return token ? `${new URL(request.url).origin}/calendar/${token}.ics` : null;
}
