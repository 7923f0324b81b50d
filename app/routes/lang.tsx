import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { DEFAULT_LOCALE, isLocale } from '../../shared/i18n';
import { readInput } from '../lib/input.server';
import { safeRedirect } from '../lib/session.server';

/** The language switch: remembers the choice for a year and returns to the page it came from. */
export async function action({ request }: ActionFunctionArgs) {
  const { locale } = await readInput(request);
  const value = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const referer = request.headers.get('Referer');
  const back = referer ? new URL(referer).pathname + new URL(referer).search : '/';
  return redirect(safeRedirect(back), {
    headers: { 'Set-Cookie': `lang=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Lax` },
  });
}

export const loader = () => redirect('/');
