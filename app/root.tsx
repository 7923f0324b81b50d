import { can } from '../shared/policy';
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import {
  isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData,
} from '@remix-run/react';
import { App as AntApp, Typography, ConfigProvider, Result, Button } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useMemo, type ReactNode } from 'react';
import { getUser } from './lib/session.server';
import { localeFrom } from './lib/locale.server';
import { AppShell, type ShellUser } from './components/AppShell';
import { translate, type Locale } from '../shared/i18n';
import { useT } from './lib/i18n';
import { useNonce } from './lib/nonce';

// Contrast: antd's default secondary/placeholder greys fall under WCAG AA (axe 'serious'); darken them.
const THEME = {
  token: {
    colorPrimary: '#b71c1c',
    colorLink: '#b71c1c',
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

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>('root');
  const locale: Locale = root?.locale ?? 'zh-CN';
  const nonce = useNonce();
  const csp = useMemo(() => ({ nonce }), [nonce]);
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
        <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={THEME} csp={csp}>
          <AntApp>{children}</AntApp>
        </ConfigProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function Root() {
  const { user } = useRouteLoaderData<typeof loader>('root')!;
  return user ? <AppShell user={user}><Outlet /></AppShell> : <Outlet />;
}

/** A refused or missing page keeps the app around it (header, navigation) when the user is known. */
export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData<typeof loader>('root');
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const kind = status === 404 ? 'notFound' : status === 403 ? 'forbidden' : 'unexpected';
  const body = (
    <Result
      status={status === 404 ? '404' : status === 403 ? '403' : '500'}
      title={<Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t(`error.title.${kind}`)}</Typography.Title>}
      subTitle={`${t(`error.${kind}`)} (${status})`}
      extra={<Button type="primary" href="/">{t('error.backHome')}</Button>}
    />
  );
  return root?.user ? <AppShell user={root.user}>{body}</AppShell> : <main style={{ padding: 48 }}>{body}</main>;
}
