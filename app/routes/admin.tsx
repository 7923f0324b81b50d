import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, Outlet, useLocation } from '@remix-run/react';
import { Menu, Space, Typography } from 'antd';
import { requireUser } from '../lib/session.server';
import { requireAdmin } from '../lib/records.server';
import { pageTitle, useT } from '../lib/i18n';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'admin.title');

/** Every admin page needs the admin role; each child's service authorizes its own region again. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  await requireAdmin(user);
  if (new URL(request.url).pathname.replace(/\/+$/, '') === '/admin') throw redirect('/admin/users');
  return null;
}

const TABS = [
  { path: '/admin/users', key: 'admin.tab.users' },
  { path: '/admin/orgs', key: 'admin.tab.orgs' },
  { path: '/admin/workspaces', key: 'admin.tab.workspaces' },
  { path: '/admin/audit', key: 'admin.tab.audit' },
] as const;

export default function AdminLayout() {
  const t = useT();
  const { pathname } = useLocation();
  const selected = TABS.filter((tab) => pathname.startsWith(tab.path)).map((tab) => tab.path);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('admin.title')}</Typography.Title>
      <nav aria-label={t('admin.tabs')}>
        <Menu mode="horizontal" selectedKeys={selected} disabledOverflow tabIndex={-1}
          items={TABS.map((tab) => ({ key: tab.path, label: <Link to={tab.path}>{t(tab.key)}</Link> }))} />
      </nav>
      <Outlet />
    </Space>
  );
}
