import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { App, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useEffect } from 'react';
import { z } from 'zod';
import { getWorkspace } from '../../server/services/workspaces';
import { addMember, removeMember } from '../../server/services/membership';
import { createNotice } from '../../server/services/notices';
import { memberAddSchema, noticeSchema } from '../../shared/validation/schemas';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { formatDate } from '../../shared/format/datetime';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { MemberTable } from '../components/MemberTable';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { VisibilityField } from '../components/VisibilityField';
import { useLiveRevalidation, usePresence } from '../realtime/hooks';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'nav.workspaces', args.data?.workspace.name);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.workspaceId);
  return guard(() => getWorkspace(context.db, user, id));
}

const INTENTS = ['post', 'addMember', 'removeMember'] as const;
const removeSchema = z.object({ userId: z.string().uuid('validation.required') });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.workspaceId);
  await requireReadable(context, user, 'workspace', id);
  const input = await readInput(request);
  const intent = readIntent(input, INTENTS);
  const call = callContext(context);
  switch (intent) {
    case 'post': return submitForm(intent, noticeSchema, input, (v) => createNotice(context.db, user, id, v, call), 'notice.posted');
    case 'addMember': return submitForm(intent, memberAddSchema, input, (v) => addMember(context.db, user, id, v, call), 'workspace.memberAdded');
    case 'removeMember': return submitForm(intent, removeSchema, input, (v) => removeMember(context.db, user, id, v.userId, call), 'workspace.memberRemoved');
    default: return badRequest({ _form: 'validation.invalid' });
  }
}

/** 协作空间: who takes part, its members by region, the notices I may read, and what I may do here. */
export default function WorkspacePage() {
  const { workspace, members, notices, canPost, canManageMembers, canAdminister, candidates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { message } = App.useApp();
  const t = useT();
  const locale = useLocale();
  useLiveRevalidation((e) => e.type === 'record:changed' && e.workspaceId === workspace.id);
  const online = usePresence(workspace.id);

  useEffect(() => {
    if (result?.ok && result.message) message.success(t(result.message));
  }, [result]);

  type NoticeRow = (typeof notices)[number];
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{workspace.name}</Typography.Title>
        {workspace.description && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{workspace.description}</Typography.Paragraph>}
        {canAdminister && <Link to={`/admin/workspaces/${workspace.id}`}>{t('workspace.administer')}</Link>}
      </div>

      <section aria-labelledby="participants">
        <Typography.Title level={2} id="participants" style={{ fontSize: 18 }}>{t('workspace.participants')}</Typography.Title>
        <Space wrap>
          {workspace.orgs.map((o) => <span key={o.id} data-testid="participant">{o.name} <RegionTag region={o.region} /></span>)}
        </Space>
        {online.length > 0 && (
          <p data-testid="presence" style={{ marginTop: 12 }}>
            <Typography.Text strong>{t('workspace.online')}</Typography.Text>{' '}
            {online.map((p) => <span key={p.userId} style={{ marginInlineEnd: 8 }}>{p.displayName} <RegionTag region={p.region} /></span>)}
          </p>
        )}
      </section>

      <section aria-labelledby="notices">
        <Typography.Title level={2} id="notices" style={{ fontSize: 18 }}>{t('workspace.notices')}</Typography.Title>
        <Table<NoticeRow>
          rowKey="id"
          size="small"
          dataSource={notices}
          pagination={notices.length > 20 ? { pageSize: 20 } : false}
          locale={{ emptyText: t('workspace.noNotices') }}
          columns={[
            { title: t('notice.title'), key: 'title', render: (_, n) => <Link to={`/notices/${n.id}`} data-testid="notice-link">{n.title}</Link> },
            { title: t('notice.visibility'), key: 'visibility', render: (_, n) => <VisibilityTag visibility={n.visibility} regions={n.workspaceRegions} /> },
            { title: t('notice.owner'), key: 'owner', render: (_, n) => <>{n.ownerOrgName} <RegionTag region={n.ownerRegion} /></> },
            { title: t('notice.author'), dataIndex: 'authorName', key: 'author' },
            {
              title: t('notice.created'), key: 'created',
              render: (_, n) => <time dateTime={new Date(n.createdAt).toISOString()}>{formatDate(n.createdAt, locale)}</time>,
            },
          ]}
        />
      </section>

      {canPost && (
        <section aria-labelledby="post-notice">
          <Card size="small">
            <Typography.Title level={2} id="post-notice" style={{ fontSize: 18, marginTop: 0 }}>{t('workspace.postNotice')}</Typography.Title>
            <AppForm schema={noticeSchema} intent="post" name="postNotice" resetOnSuccess initialValues={{ visibility: 'org' }}>
              <Form.Item name="title" label={t('notice.title')}><Input maxLength={120} /></Form.Item>
              <Form.Item name="body" label={t('notice.body')}><Input.TextArea rows={4} maxLength={5000} /></Form.Item>
              <Form.Item name="visibility" label={t('notice.visibility')}><VisibilityField regions={workspace.regions} /></Form.Item>
              <Button type="primary" htmlType="submit" loading={busy}>{t('workspace.publish')}</Button>
            </AppForm>
          </Card>
        </section>
      )}

      <section aria-labelledby="members">
        <Typography.Title level={2} id="members" style={{ fontSize: 18 }}>{t('workspace.members')}</Typography.Title>
        <MemberTable members={members} level={3} />
        {canManageMembers && (
          <Card size="small" style={{ marginTop: 16 }}>
            <AppForm schema={memberAddSchema} intent="addMember" name="addMember" resetOnSuccess layout="inline">
              <Form.Item name="userId" label={t('workspace.addMember')} extra={t('workspace.addMemberHelp')}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  style={{ minWidth: 260 }}
                 
                  notFoundContent={t('workspace.noCandidates')}
                  options={candidates.map((c) => ({ value: c.id, label: `${c.displayName}（${c.orgName}）` }))}
                />
              </Form.Item>
              <Button htmlType="submit" loading={busy}>{t('workspace.add')}</Button>
            </AppForm>
          </Card>
        )}
      </section>
    </Space>
  );
}
