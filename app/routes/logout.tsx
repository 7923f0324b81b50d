import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { revokeSession } from '../../server/auth/sessions';
import { accessChanged } from '../../server/services/call';
import { callContext, destroySessionCookie, getUser } from '../lib/session.server';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getUser(request, context);
  if (user) {
    await revokeSession(context.db, user.sessionId);
    await accessChanged(callContext(context), user.id); // this session's live sockets close now
  }
  return redirect('/login', { headers: { 'Set-Cookie': await destroySessionCookie(context) } });
}

export const loader = () => redirect('/');
