import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import { App, Button, Card, Descriptions, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useEffect } from 'react';
import { z } from 'zod';
import {
  addWorkspaceOrg, getWorkspaceAdmin, removeWorkspaceOrg, updateWorkspaceInfo,
} from '../../server/services/workspaces';
import { addMember, removeMember, setMemberRole } from '../../server/services/membership';
import { WORKSPACE_ROLES } from '../../shared/domain/model';
import { memberAddSchema, workspaceOrgSchema, workspaceSchema } from '../../shared/validation/schemas';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireAdmin } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { MemberTable } from '../components/MemberTable';
import { RegionTag } from '../components/RegionTag';
import { Confirm } from '../components/Confirm';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'admin.tab.workspaces', args.data?.workspace.name);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.workspaceId);
  return guard(() => getWorkspaceAdmin(context.db, user, id));
}

const INTENTS = ['update', 'addOrg', 'removeOrg', 'addMember', 'removeMember', 'setRole'] as const;
const userIdSchema = z.object({ userId: z.string().uuid('validation.required') });
const roleSchema = userIdSchema.extend({ role: z.enum(WORKSPACE_ROLES, { errorMap: () => ({ message: 'validation.choose' }) }) });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await requireAdmin(user);
  const id = requireId(params.workspaceId);
  const input = await readInput(request);
  const intent = readIntent(input, INTENTS);
  const call = callContext(context);
  const db = context.db;
  switch (intent) {
    case 'update': return submitForm(intent, workspaceSchema, input, (v) => updateWorkspaceInfo(db, user, id, v, call), 'workspaceAdmin.saved');
    case 'addOrg': return submitForm(intent, workspaceOrgSchema, input, (v) => addWorkspaceOrg(db, user, id, v.orgId, call), 'workspaceAdmin.orgAdded');
    case 'removeOrg': return submitForm(intent, workspaceOrgSchema, input, (v) => removeWorkspaceOrg(db, user, id, v.orgId, call), 'workspaceAdmin.orgRemoved');
    case 'addMember': return submitForm(intent, memberAddSchema, input, (v) => addMember(db, user, id, v, call), 'workspace.memberAdded');
    case 'removeMember': return submitForm(intent, userIdSchema, input, (v) => removeMember(db, user, id, v.userId, call), 'workspace.memberRemoved');
    case 'setRole': return submitForm(intent, roleSchema, input, (v) => setMemberRole(db, user, id, v.userId, v.role, call), 'workspaceAdmin.roleChanged');
    default: return badRequest({ _form: 'validation.invalid' });
  }
}

/** One workspace as my region's admin manages it: my region's committees, people and coordinators. */
export default function AdminWorkspace() {
  const { workspace, orgs, members, orgCandidates, memberCandidates, canEditInfo, canAddMembers, actorRegion } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const submit = useSubmitOnline();
  const { message } = App.useApp();
  const t = useT();

  useEffect(() => {
    if (result?.ok && result.message) message.success(t(result.message));
  }, [result]);

  type OrgRow = (typeof orgs)[number];
  const roleOptions = WORKSPACE_ROLES.map((r) => ({ value: r, label: t(r === 'coordinator' ? 'workspace.roleCoordinator' : 'workspace.roleMember') }));
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Link to="/admin/workspaces">← {t('workspaceAdmin.title')}</Link>
      <div>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>{workspace.name}</Typography.Title>
        <Descriptions size="small" style={{ marginTop: 8 }} items={[
          { key: 'owner', label: t('workspace.ownerRegion'), children: <RegionTag region={workspace.ownerRegion} /> },
          { key: 'members', label: t('workspace.memberCount'), children: workspace.memberCount ?? 0 },
        ]} />
        <Link to={`/workspaces/${workspace.id}`}>{t('workspaceAdmin.viewWorkspace')}</Link>
      </div>

      <section aria-labelledby="ws-info">
        <Card size="small">
          <Typography.Title level={3} id="ws-info" style={{ fontSize: 16, marginTop: 0 }}>{t('workspaceAdmin.info')}</Typography.Title>
          {canEditInfo ? (
            <AppForm schema={workspaceSchema} intent="update" name="workspaceInfo"
              initialValues={{ name: workspace.name, description: workspace.description }}>
              <Form.Item name="name" label={t('workspace.name')}><Input maxLength={80} /></Form.Item>
              <Form.Item name="description" label={t('workspace.description')}><Input.TextArea rows={3} maxLength={500} /></Form.Item>
              <Button type="primary" htmlType="submit" loading={busy}>{t('notice.save')}</Button>
            </AppForm>
          ) : (
            <>
              <Typography.Paragraph>{workspace.description}</Typography.Paragraph>
              <Typography.Paragraph type="secondary">{t('workspaceAdmin.onlyOwnerEdits')}</Typography.Paragraph>
            </>
          )}
        </Card>
      </section>

      <section aria-labelledby="ws-orgs">
        <Typography.Title level={3} id="ws-orgs" style={{ fontSize: 16 }}>{t('workspace.participants')}</Typography.Title>
        <Table<OrgRow>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={orgs}
          locale={{ emptyText: t('workspaceAdmin.noOrgs') }}
          columns={[
            { title: t('workspaceAdmin.org'), key: 'name', render: (_, o) => <>{o.name} <RegionTag region={o.region} /></> },
            {
              title: t('workspace.actions'), key: 'actions',
              render: (_, o) => o.canRemove ? (
                <Confirm title={t('workspaceAdmin.removeOrgConfirm', { name: o.name })} okText={t('workspace.remove')}
                  cancelText={t('workspace.cancel')}
                  onConfirm={() => submit({ intent: 'removeOrg', orgId: o.id }, { method: 'post', encType: 'application/json' })}>
                  <Button size="small" danger disabled={busy} aria-label={t('workspace.removeNamed', { name: o.name })}>{t('workspace.remove')}</Button>
                </Confirm>
              ) : <Typography.Text type="secondary">{t('workspace.managedByOwnRegion')}</Typography.Text>,
            },
          ]}
        />
        <Card size="small" style={{ marginTop: 16 }}>
          <AppForm schema={workspaceOrgSchema} intent="addOrg" name="addOrg" resetOnSuccess layout="inline">
            <Form.Item name="orgId" label={t('workspaceAdmin.addOrg')}>
              <Select style={{ minWidth: 240 }} notFoundContent={t('workspaceAdmin.noOrgCandidates')}
                options={orgCandidates.map((o) => ({ value: o.id, label: o.name }))} />
            </Form.Item>
            <Button htmlType="submit" loading={busy}>{t('workspace.add')}</Button>
          </AppForm>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('workspaceAdmin.ownRegionOnly')} <RegionTag region={actorRegion} />
          </Typography.Paragraph>
        </Card>
      </section>

      <section aria-labelledby="ws-members">
        <Typography.Title level={3} id="ws-members" style={{ fontSize: 16 }}>{t('workspace.members')}</Typography.Title>
        <MemberTable members={members} roleControl level={4} />
        {canAddMembers ? (
          <Card size="small" style={{ marginTop: 16 }}>
            <AppForm schema={memberAddSchema} intent="addMember" name="adminAddMember" resetOnSuccess layout="inline"
              initialValues={{ role: 'member' }}>
              <Form.Item name="userId" label={t('workspace.addMember')}>
                <Select showSearch optionFilterProp="label" style={{ minWidth: 260 }}
                  notFoundContent={t('workspace.noCandidates')}
                  options={memberCandidates.map((c) => ({ value: c.id, label: `${c.displayName}（${c.orgName}）` }))} />
              </Form.Item>
              <Form.Item name="role" label={t('workspace.memberRole')}>
                <Select style={{ minWidth: 110 }} options={roleOptions} />
              </Form.Item>
              <Button htmlType="submit" loading={busy}>{t('workspace.add')}</Button>
            </AppForm>
          </Card>
        ) : (
          <Typography.Paragraph type="secondary">{t('workspaceAdmin.regionNotParticipating')}</Typography.Paragraph>
        )}
      </section>
    </Space>
  );
}
