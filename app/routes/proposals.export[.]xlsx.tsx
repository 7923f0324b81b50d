import { type LoaderFunctionArgs } from '@remix-run/node';
import { exportRegistryXlsx, XLSX_CONTENT_TYPE } from '../../server/services/proposal-registry';
import { contentDisposition } from '../../server/services/draft-word';
import { registryFilterSchema } from '../../shared/validation/proposal-registry';
import { parseWith } from '../../shared/validation/parse';
import { translate } from '../../shared/i18n';
import { guard, requireUser } from '../lib/session.server';
import { localeFrom } from '../lib/locale.server';

/**
 * GET /proposals/export.xlsx?<the registry's filters>: the registry as filtered, for whoever asks,
 * through the same service call as the page (row-level security as that user). A bad filter is a
 * 400 naming the field. A resource route: no component.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const locale = localeFrom(request);
  const parsed = parseWith(registryFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.ok) {
    const [field, key] = Object.entries(parsed.errors)[0];
    return new Response(`${field}: ${translate(locale, key)}`, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  const { bytes } = await guard(() => exportRegistryXlsx(context.db, user, parsed.data, locale));
  const name = `${translate(locale, 'proposalRegistry.sheet')}${parsed.data.year ? `-${parsed.data.year}` : ''}.xlsx`;
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': XLSX_CONTENT_TYPE,
      'Content-Disposition': contentDisposition(name, 'proposals'),
      'Content-Length': String(bytes.length),
      // What it holds depends on who asks.
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
