import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Empty, Space, Table, Typography } from 'antd';
import { listMyWorkspaces } from '../../server/services/workspaces';
import { requireUser } from '../lib/session.server';
import { pageTitle, useT } from '../lib/i18n';
import { RegionTag } from '../components/RegionTag';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'nav.workspaces');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return { workspaces: await listMyWorkspaces(context.db, user) };
}

/** 协作空间: every workspace I belong to, who takes part and my role there. */
export default function Workspaces() {
  const { workspaces } = useLoaderData<typeof loader>();
  const t = useT();
  type Row = (typeof workspaces)[number];
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('workspace.list')}</Typography.Title>
      {workspaces.length === 0 ? <Empty description={t('home.noWorkspaces')} /> : (
        <Table<Row>
          rowKey="id"
          dataSource={workspaces}
          pagination={false}
          columns={[
            {
              title: t('workspace.name'), key: 'name',
              render: (_, w) => (
                <div>
                  <Link to={`/workspaces/${w.id}`} data-testid="workspace-link">{w.name}</Link>
                  {w.description && <Typography.Paragraph type="secondary" style={{ margin: 0 }} ellipsis={{ rows: 1 }}>{w.description}</Typography.Paragraph>}
                </div>
              ),
            },
            {
              title: t('workspace.participants'), key: 'orgs',
              render: (_, w) => (
                <Space wrap size={4}>
                  {w.orgs.map((o) => <span key={o.id}>{o.name}<RegionTag region={o.region} /></span>)}
                </Space>
              ),
            },
            { title: t('workspace.memberCount'), key: 'members', align: 'right', render: (_, w) => w.memberCount ?? 0 },
            {
              title: t('workspace.myRole'), key: 'role',
              render: (_, w) => t(w.role === 'coordinator' ? 'workspace.roleCoordinator' : 'workspace.roleMember'),
            },
          ]}
        />
      )}
    </Space>
  );
}
