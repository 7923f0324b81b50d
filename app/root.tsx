import { can } from '../shared/policy';
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import {
  Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData,
  type ClientLoaderFunctionArgs, type ShouldRevalidateFunction,
} from '@remix-run/react';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { getUser } from './lib/session.server';
import { localeFrom } from './lib/locale.server';
import { AppShell, type ShellUser } from './components/AppShell';
import { shellReload } from './realtime/hooks';
import { translate, type Locale } from '../shared/i18n';
import { useNonce } from './lib/nonce';
import { PageError } from './components/PageError';
import { InlineStyle } from './components/InlineStyle';

// Contrast: antd's default secondary/placeholder greys fall under WCAG AA (axe 'serious'); darken them.
const THEME = {
  token: {
    colorPrimary: '#b71c1c',
    colorLink: '#b71c1c',
    // antd derives hover shades lighter (#d16a62: 3.5:1 on white); darker ones keep a hovered link or button readable.
    colorLinkHover: '#8e1414',
    colorPrimaryHover: '#8e1414',
    colorError: '#cf1322',
    colorTextDescription: 'rgba(0,0,0,0.65)',
    colorTextTertiary: 'rgba(0,0,0,0.65)',
    colorTextPlaceholder: 'rgba(0,0,0,0.6)',
    borderRadius: 6,
  },
  // "No data" in tables and empty states is information, not a disabled control: readable (#666, 5.7:1).
  components: {
    Table: { colorTextDisabled: 'rgba(0,0,0,0.6)' },
    Empty: { colorTextDisabled: 'rgba(0,0,0,0.6)' },
    // The days of the months before and after, in a date picker: days one can pick (#737373, 4.7:1).
    DatePicker: { colorTextDisabled: 'rgba(0,0,0,0.55)' },
  },
};

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [{ title: translate(d?.locale ?? 'zh-CN', 'app.title') }];

export const links: LinksFunction = () => [{ rel: 'icon', href: 'data:,' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  const locale = localeFrom(request);
  const shellUser: ShellUser | null = user && {
    id: user.id, displayName: user.displayName, orgName: user.orgName, region: user.region, roles: [...user.roles],
    may: { drafts: can(user, 'draft.start', {}).allowed, admin: can(user, 'admin.enter', {}).allowed },
  };
  return data({ user: shellUser, locale });
}

/** The shell's data this tab shows (kept by `Layout`), for when the server cannot be reached. */
let shownShell: ReturnType<typeof useRouteLoaderData<typeof loader>>;

/**
 * In the browser, a root that failed to load would take the whole document to the root's error boundary,
 * and React re-creates `<html>` for it, which antd's styles do not survive (docs/decisions/023). So when
 * the server cannot be reached, the shell stays as it was and the page's own error boundary says so.
 * Redirects (a session that ended) go through.
 */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  try {
    return await serverLoader<typeof loader>();
  } catch (error) {
    if (shownShell && !(error instanceof Response)) return shownShell;
    throw error;
  }
}

/**
 * A live page's revalidation (same address, no form) leaves the shell as it is: with the `clientLoader`
 * it would cost a request of its own each time. Navigations and submissions reload it, and so does the
 * load after the session's access changed (the navigation follows the roles).
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  const accessChanged = shellReload.take();
  return defaultShouldRevalidate && (accessChanged || formMethod !== undefined || currentUrl.href !== nextUrl.href);
};

/** Set once the document has hydrated: a `Layout` mounted after that is the document being re-created. */
let hydrated = false;

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>('root');
  const locale: Locale = root?.locale ?? 'zh-CN';
  const nonce = useNonce();
  const csp = useMemo(() => ({ nonce }), [nonce]);
  const error = useRouteError();
  useEffect(() => { hydrated = true; }, []);
  useEffect(() => { if (root) shownShell = root; }, [root]);
  // The last resort, for an error that still reaches the root in the browser: the document is re-created,
  // and antd cannot render into it (decision 023). A plain page, then the server renders this address.
  if (error != null && hydrated) return <ReloadingDocument locale={locale} />;
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {/* antd's styles (app/lib/antd-styles.server.ts); the browser keeps the href the server wrote. */}
        <link
          id="antd-ssr"
          rel="stylesheet"
          href={typeof document === 'undefined' ? '__ANTD_SSR_CSS__' : document.getElementById('antd-ssr')?.getAttribute('href') ?? ''}
        />
      </head>
      <body style={{ margin: 0 }}>
        <InlineStyle css={FIELD_STYLES} />
        <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={THEME} csp={csp}>
          <AntApp>{children}</AntApp>
        </ConfigProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/**
 * antd's fields, corrected on every page (the login page's too). A field's or a date's clear (×), a
 * password's eye and a copy button are drawn 12–14 px wide: 24 px to tap (WCAG 2.5.8), a field's growing
 * into its padding on the right, not over its text. Check boxes and radios listed one under another were
 * 22 px rows touching each other: 24 px. An open select dims its value to a quarter (1.7:1, axe): to 65%
 * (5:1), still lighter than the options. A calendar's days of the next and previous months, which may be
 * picked, were 3.1:1: 4.5:1, still lighter than the month's own.
 */
const FIELD_STYLES = `
.ant-select.ant-select-single.ant-select-open:not(.ant-select-customize) .ant-select-content.ant-select-content-has-value { opacity: 0.65; }
:root .ant-input-affix-wrapper .ant-input-clear-icon { padding: 6px; margin: -6px -10px -6px -2px; }
:root .ant-picker .ant-picker-clear { padding: 5px; margin-inline-end: -5px; }
:root .ant-checkbox-wrapper, :root .ant-radio-wrapper { min-height: 24px; align-items: center; }
:root .ant-input-affix-wrapper .ant-input-password-icon { padding: 5px; margin: -5px -8px -5px -2px; }
:root .ant-typography .ant-typography-copy { padding: 6px; margin: -6px 0 -6px -2px; }
:root .ant-picker-cell:not(.ant-picker-cell-in-view):not(.ant-picker-cell-disabled) { color: #757575; }
`;

const RELOADED_AT = 'app:reloadedAfterError';

/** Reloads once; failing again within a minute, it stays put and offers the reload as a link. */
function ReloadingDocument({ locale }: { locale: Locale }) {
  // Without storage (blocked by the browser) a loop could not be told apart: then the link only.
  const [reloading] = useState(() => {
    try {
      return Date.now() - Number(sessionStorage.getItem(RELOADED_AT) ?? 0) > 60_000;
    } catch {
      return false;
    }
  });
  useEffect(() => {
    if (!reloading) return;
    sessionStorage.setItem(RELOADED_AT, String(Date.now()));
    window.location.reload();
  }, [reloading]);
  return (
    <html lang={locale}>
      <head><meta charSet="utf-8" /></head>
      <body>
        <p style={{ padding: 48 }}>
          {reloading ? translate(locale, 'error.reloading') : <>{translate(locale, 'error.unexpected')} <a href="">{translate(locale, 'error.retry')}</a></>}
        </p>
      </body>
    </html>
  );
}

export default function Root() {
  const { user } = useRouteLoaderData<typeof loader>('root')!;
  return user ? <AppShell user={user}><Outlet /></AppShell> : <Outlet />;
}

/** The root's own failure, in the shell when the user is known. */
export function ErrorBoundary() {
  const root = useRouteLoaderData<typeof loader>('root');
  const body = <PageError error={useRouteError()} />;
  return root?.user ? <AppShell user={root.user}>{body}</AppShell> : body;
}
