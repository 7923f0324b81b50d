import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation } from '@remix-run/react';
import { Alert, Button, Card, Form, Input, Radio, Select, Space, Typography } from 'antd';
import { createDraft } from '../../server/services/drafts';
import { DRAFT_KINDS, draftCreateSchema } from '../../shared/validation/drafts';
import { callContext, requireUser } from '../lib/session.server';
import { readInput, submitForm } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { newDraftChoices } from '../lib/draft-form.server';
import { AppForm } from '../components/AppForm';
import { WorkspaceVisibilityField } from '../components/VisibilityField';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'drafts.new');

export const loader = ({ request, context }: LoaderFunctionArgs) => newDraftChoices(request, context);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return submitForm(undefined, draftCreateSchema, await readInput(request), async ({ workspaceId, ...input }) => {
    const id = await createDraft(context.db, user, workspaceId, input, callContext(context));
    throw redirect(`/drafts/${id}`);
  });
}

/** 新建草稿: in one of my workspaces, owned by my committee; the document starts with its title. */
export default function NewDraft() {
  const { workspaces, workspaceId, ownerOrgName } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== 'idle';
  const t = useT();
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%', maxWidth: 760 }}>
      <Link to="/drafts">← {t('drafts.title')}</Link>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('drafts.new')}</Typography.Title>
      {workspaces.length === 0 ? (
        <Alert type="info" showIcon title={t('drafts.noWorkspaces')} />
      ) : (
        <Card>
          <AppForm schema={draftCreateSchema} name="newDraft"
            initialValues={{ workspaceId: workspaceId ?? undefined, kind: 'proposal', visibility: 'org' }}>
            <Form.Item name="workspaceId" label={t('drafts.workspace')}>
              <Select options={workspaces.map((w) => ({ value: w.id, label: w.name }))} placeholder={t('drafts.chooseWorkspace')} />
            </Form.Item>
            <Form.Item name="title" label={t('drafts.titleField')} extra={t('drafts.titleHelp')}>
              <Input maxLength={200} autoComplete="off" />
            </Form.Item>
            <Form.Item name="kind" label={t('drafts.kind')}>
              <Radio.Group aria-label={t('drafts.kind')} optionType="button" options={DRAFT_KINDS.map((k) => ({ value: k, label: t(`draftKind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="visibility" label={t('drafts.visibility')} extra={t('drafts.ownerOrg', { org: ownerOrgName })}>
              <WorkspaceVisibilityField workspaces={workspaces} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="create-draft">{t('drafts.create')}</Button>
          </AppForm>
        </Card>
      )}
    </Space>
  );
}
