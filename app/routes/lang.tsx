import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { DEFAULT_LOCALE, isLocale } from '../../shared/i18n';
import { readInput } from '../lib/input.server';
import { safeRedirect } from '../lib/redirect.server';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

/** The language switch: remembers the choice for a year and returns to the page it came from. */
export async function action({ request }: ActionFunctionArgs) {
  const { locale } = await readInput(request);
  const value = isLocale(locale) ? locale : DEFAULT_LOCALE;
  // Browsers send an absolute Referer; anything else (or none) just goes home.
  const referer = request.headers.get('Referer') ?? '';
  return redirect(safeRedirect(URL.canParse(referer) ? referer : null, request.url), {
    headers: { 'Set-Cookie': `lang=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Lax` },
  });
}

export const loader = () => redirect('/');
