import { type LoaderFunctionArgs } from '@remix-run/node';
import { exportDashboardXlsx, XLSX_CONTENT_TYPE } from '../../server/services/proposal-registry';
import { contentDisposition } from '../../server/services/draft-word';
import { InputError } from '../../server/services/errors';
import { dashboardFilterSchema } from '../../shared/validation/proposal-registry';
import { parseWith } from '../../shared/validation/parse';
import { translate } from '../../shared/i18n';
import { guard, requireUser } from '../lib/session.server';
import { localeFrom } from '../lib/locale.server';

/**
 * GET /proposals/dashboard/export.xlsx?committee=&year=: the dashboard's figures as the reader sees
 * them on the page (the same service call). A bad or unknown committee or year is a 400 naming the field.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const locale = localeFrom(request);
  const refuse = (field: string, key: string) =>
    new Response(`${field}: ${translate(locale, key)}`, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const parsed = parseWith(dashboardFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.ok) return refuse(...Object.entries(parsed.errors)[0]);
  try {
    const { bytes, dashboard } = await guard(() => exportDashboardXlsx(context.db, user, parsed.data, locale));
    const name = `${translate(locale, 'proposalDashboard.title')}-${dashboard.committee?.name ?? ''}-${dashboard.year}.xlsx`;
    return new Response(new Uint8Array(bytes), {
      headers: {
        'Content-Type': XLSX_CONTENT_TYPE,
        'Content-Disposition': contentDisposition(name, 'proposal-dashboard'),
        'Content-Length': String(bytes.length),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch (err) {
    if (err instanceof InputError) return refuse(err.field, err.messageKey);
    throw err;
  }
}
