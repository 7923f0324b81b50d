import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation } from '@remix-run/react';
import { Button, Card, Form, Input, Space, Table, Typography } from 'antd';
import { createWorkspace, listAdminWorkspaces } from '../../server/services/workspaces';
import { workspaceSchema } from '../../shared/validation/schemas';
import { callContext, guard, requireUser } from '../lib/session.server';
import { requireAdmin } from '../lib/records.server';
import { readInput, submitForm } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { RegionTag } from '../components/RegionTag';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'admin.tab.workspaces');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const workspaces = await guard(() => listAdminWorkspaces(context.db, user));
  return { workspaces, region: user.region };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await requireAdmin(user);
  return submitForm('create', workspaceSchema, await readInput(request), async (values) => {
    const id = await createWorkspace(context.db, user, values, callContext(context));
    throw redirect(`/admin/workspaces/${id}`);
  });
}

/** 协作空间管理: the workspaces my region owns or takes part in, and a new one owned by my region. */
export default function AdminWorkspaces() {
  const { workspaces, region } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== 'idle';
  const t = useT();
  type Row = (typeof workspaces)[number];
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>{t('workspaceAdmin.title')}</Typography.Title>
      <Table<Row>
        rowKey="id"
        size="small"
        dataSource={workspaces}
        pagination={false}
        locale={{ emptyText: t('workspaceAdmin.empty') }}
        columns={[
          { title: t('workspace.name'), key: 'name', render: (_, w) => <Link to={`/admin/workspaces/${w.id}`} data-testid="admin-workspace-link">{w.name}</Link> },
          { title: t('workspace.ownerRegion'), key: 'owner', render: (_, w) => <RegionTag region={w.ownerRegion} /> },
          {
            title: t('workspace.participants'), key: 'orgs',
            render: (_, w) => <Space wrap size={4}>{w.orgs.map((o) => <span key={o.id}>{o.name}<RegionTag region={o.region} /></span>)}</Space>,
          },
          { title: t('workspace.memberCount'), key: 'members', align: 'right', render: (_, w) => w.memberCount ?? 0 },
        ]}
      />
      <section aria-labelledby="create-workspace">
        <Card size="small">
          <Typography.Title level={3} id="create-workspace" style={{ fontSize: 16, marginTop: 0 }}>{t('workspaceAdmin.create')}</Typography.Title>
          <Typography.Paragraph type="secondary">
            {t('workspaceAdmin.createHelp')} <RegionTag region={region} />
          </Typography.Paragraph>
          <AppForm schema={workspaceSchema} intent="create" name="createWorkspace">
            <Form.Item name="name" label={t('workspace.name')}><Input maxLength={80} /></Form.Item>
            <Form.Item name="description" label={t('workspace.description')}><Input.TextArea rows={3} maxLength={500} /></Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>{t('workspaceAdmin.createSubmit')}</Button>
          </AppForm>
        </Card>
      </section>
    </Space>
  );
}
