import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { revokeSession } from '../../server/auth/sessions';
import { destroySessionCookie, getUser } from '../lib/session.server';

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getUser(request, context);
  if (user) await revokeSession(context.db, user.sessionId);
  return redirect('/login', { headers: { 'Set-Cookie': await destroySessionCookie(context) } });
}

export const loader = () => redirect('/');
