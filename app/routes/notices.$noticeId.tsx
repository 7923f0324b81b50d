import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import { App, Button, Card, Descriptions, Form, Input, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { deleteNotice, getNotice, setNoticeVisibility, updateNotice } from '../../server/services/notices';
import { noticeSchema, visibilitySchema } from '../../shared/validation/schemas';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { formatDateTime } from '../../shared/format/datetime';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { VisibilityCard } from '../components/VisibilityCard';
import { useLiveRevalidation, useWatchRecord } from '../realtime/hooks';
import { Confirm } from '../components/Confirm';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'workspace.notices', args.data?.notice.title);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.noticeId);
  return guard(() => getNotice(context.db, user, id));
}

const editSchema = noticeSchema.pick({ title: true, body: true });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.noticeId);
  await requireReadable(context, user, 'notice', id);
  const input = await readInput(request);
  const intent = readIntent(input, ['update', 'visibility', 'delete']);
  const call = callContext(context);
  switch (intent) {
    case 'update':
      return submitForm(intent, editSchema, input, (v) => updateNotice(context.db, user, id, v, call), 'notice.saved');
    case 'visibility':
      return submitForm(intent, visibilitySchema, input, async (v) => {
        const r = await setNoticeVisibility(context.db, user, id, v.visibility, call);
        // Narrowed past the actor's own reach: the page would now be a 404, so go back to the workspace.
        if (!r.readable) throw redirect(`/workspaces/${r.workspaceId}`);
      }, 'notice.visibilityChanged');
    case 'delete': {
      const workspaceId = await guard(() => deleteNotice(context.db, user, id, call));
      throw redirect(`/workspaces/${workspaceId}`);
    }
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

/** 通知公告: read; edit, change visibility or delete only where the policy allows. */
export default function NoticePage() {
  const { notice, abilities } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const submit = useSubmitOnline();
  const { message } = App.useApp();
  useWatchRecord('notice', notice.id);
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'notice' && e.id === notice.id);
  const t = useT();
  const locale = useLocale();

  useEffect(() => {
    if (result?.ok && result.message) message.success(t(result.message));
  }, [result]);

  const post = (values: Record<string, string>) => submit(values, { method: 'post', encType: 'application/json' });
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Link to={`/workspaces/${notice.workspaceId}`}>← {notice.workspaceName}</Link>
      <article aria-labelledby="notice-title">
        <Typography.Title level={1} id="notice-title" style={{ fontSize: 24 }}>{notice.title}</Typography.Title>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'visibility', label: t('notice.visibility'), children: <VisibilityTag visibility={notice.visibility} regions={notice.workspaceRegions} /> },
          { key: 'owner', label: t('notice.owner'), children: <>{notice.ownerOrgName} <RegionTag region={notice.ownerRegion} /></> },
          { key: 'author', label: t('notice.author'), children: <Link to={`/users/${notice.authorId}`}>{notice.authorName}</Link> },
          { key: 'created', label: t('notice.created'), children: <time dateTime={new Date(notice.createdAt).toISOString()}>{formatDateTime(notice.createdAt, locale)}</time> },
        ]} />
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 16 }} data-testid="notice-body">{notice.body}</Typography.Paragraph>
      </article>

      {abilities.update && (
        <section aria-labelledby="edit-notice">
          <Card size="small">
            <Typography.Title level={2} id="edit-notice" style={{ fontSize: 18, marginTop: 0 }}>{t('notice.edit')}</Typography.Title>
            <AppForm schema={editSchema} intent="update" name="editNotice" key={notice.updatedAt.toString()}
              initialValues={{ title: notice.title, body: notice.body }}>
              <Form.Item name="title" label={t('notice.title')}><Input maxLength={120} /></Form.Item>
              <Form.Item name="body" label={t('notice.body')}><Input.TextArea rows={6} maxLength={5000} /></Form.Item>
              <Button type="primary" htmlType="submit" loading={busy}>{t('notice.save')}</Button>
            </AppForm>
          </Card>
        </section>
      )}

      {abilities.setVisibility && (
        <VisibilityCard id="notice-visibility" visibility={notice.visibility} regions={notice.workspaceRegions} busy={busy}
          errors={result && !result.ok && result.intent === 'visibility' ? result.errors : undefined}
          onChange={(to) => post({ intent: 'visibility', visibility: to })} />
      )}

      {abilities.delete && (
        <div>
          <Confirm title={t('notice.deleteConfirm')} okText={t('notice.delete')} cancelText={t('workspace.cancel')}
            okButtonProps={{ danger: true }} onConfirm={() => post({ intent: 'delete' })}>
            <Button danger disabled={busy}>{t('notice.delete')}</Button>
          </Confirm>
        </div>
      )}
    </Space>
  );
}
