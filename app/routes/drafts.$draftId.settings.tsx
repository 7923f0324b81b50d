import { useEffect } from 'react';
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigate, useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import { App, Button, Form, Input, Radio, Space, Typography } from 'antd';
import { AppDrawer } from '../components/AppDrawer';
import {
  getDraft, inviteCollaborator, removeCollaborator, setCollaboratorRole, setDraftVisibility, updateDraftMeta,
} from '../../server/services/drafts';
import type { Visibility } from '../../shared/domain/model';
import {
  collaboratorInviteSchema, collaboratorRemoveSchema, collaboratorRoleSchema, DRAFT_KINDS, draftMetaSchema, draftVisibilitySchema,
} from '../../shared/validation/drafts';
import { parseWith } from '../../shared/validation/parse';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { VisibilityField } from '../components/VisibilityField';
import { visibilityLabel } from '../../shared/i18n/labels';
import { CollaboratorsManager } from '../components/editor/CollaboratorsManager';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'drafts.settings');

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  const d = await guard(() => getDraft(context.db, user, id));
  // Readers may know the draft exists; only its stewards (author, region leaders/coordinators) manage it.
  if (!d.abilities.manage) throw new Response('policy.notOwner', { status: 403 });
  return { draft: d.draft, collaborators: d.collaborators, candidates: d.candidates, othersNeedJoint: d.othersNeedJoint };
}

const INTENTS = ['meta', 'visibility', 'invite', 'role', 'remove'] as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  await requireReadable(context, user, 'draft', id);
  const input = await readInput(request);
  const call = callContext(context);
  const intent = readIntent(input, INTENTS);
  switch (intent) {
    case 'meta': return submitForm(intent, draftMetaSchema, input, (v) => updateDraftMeta(context.db, user, id, v, call), 'drafts.saved');
    case 'visibility': return submitForm(intent, draftVisibilitySchema, input, (v) => setDraftVisibility(context.db, user, id, v.visibility, call),
      (r) => ({ message: r.removed.length > 0 ? 'drafts.visibilityChangedCut' : 'drafts.visibilityChanged', vars: { n: r.removed.length } }));
    case 'invite': return submitForm(intent, collaboratorInviteSchema, input, (v) => inviteCollaborator(context.db, user, id, v, call), 'drafts.invited');
    case 'role': return submitForm(intent, collaboratorRoleSchema, input, (v) => setCollaboratorRole(context.db, user, id, v, call), 'drafts.roleChanged');
    case 'remove': return submitForm(intent, collaboratorRemoveSchema, input, (v) => removeCollaborator(context.db, user, id, v.userId, call), 'drafts.removed');
    default: return badRequest({ intent: 'validation.invalid' });
  }
}

/** 草稿设置 (a drawer over the editor, which stays connected): title and kind, visibility, collaborators. */
export default function DraftSettings() {
  const { draft, collaborators, candidates, othersNeedJoint } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigate = useNavigate();
  const submit = useSubmitOnline();
  const busy = useNavigation().state !== 'idle';
  const { message, modal } = App.useApp();
  const [visibilityForm] = Form.useForm<{ visibility: Visibility }>();
  const t = useT();
  const joint = visibilityLabel(t, 'joint', draft.workspaceRegions);

  useEffect(() => {
    if (!result) return;
    if (result.ok && result.message) message.success(t(result.message, result.vars));
    if (!result.ok && result.errors) {
      if (result.intent === 'visibility') {
        visibilityForm.setFields([{ name: 'visibility', errors: [t(result.errors.visibility ?? 'validation.invalid')] }]);
      } else if (result.intent === 'role' || result.intent === 'remove' || !result.intent) {
        message.error(t(Object.values(result.errors)[0] ?? 'validation.invalid'));
      }
    }
  }, [result]);
  useEffect(() => { visibilityForm.setFieldsValue({ visibility: draft.visibility }); }, [draft.visibility, visibilityForm]);

  const changeVisibility = ({ visibility: to }: { visibility: Visibility }) => {
    const parsed = parseWith(draftVisibilitySchema, { visibility: to });
    if (!parsed.ok) return visibilityForm.setFields([{ name: 'visibility', errors: [t('validation.choose')] }]);
    if (to === draft.visibility) return;
    const send = () => submit({ intent: 'visibility', visibility: to }, { method: 'post', encType: 'application/json' });
    // Both directions across the boundary are deliberate acts: say what happens and ask first.
    if (to === 'joint' || draft.visibility === 'joint') {
      const widening = to === 'joint';
      modal.confirm({
        title: t(widening ? 'drafts.shareConfirmTitle' : 'drafts.unshareConfirmTitle', { joint }),
        content: t(widening ? 'notice.crossingWarning' : 'drafts.unshareWarning', { joint }),
        okText: t(widening ? 'notice.crossingConfirmOk' : 'drafts.unshareConfirmOk'),
        okButtonProps: { danger: !widening },
        cancelText: t('workspace.cancel'),
        onOk: send,
      });
    } else send();
  };

  const close = () => navigate(`/drafts/${draft.id}`, { preventScrollReset: true });
  return (
    <AppDrawer open size={640} title={t('drafts.settings')} onClose={close} destroyOnHidden>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <section aria-labelledby="draft-settings-meta">
          <Typography.Title level={2} id="draft-settings-meta" style={{ fontSize: 16, marginTop: 0 }}>{t('drafts.basics')}</Typography.Title>
          <AppForm schema={draftMetaSchema} intent="meta" name="draftMeta" key={`${draft.title}|${draft.kind}`}
            initialValues={{ title: draft.title, kind: draft.kind }}>
            <Form.Item name="title" label={t('drafts.titleField')}><Input maxLength={200} autoComplete="off" /></Form.Item>
            <Form.Item name="kind" label={t('drafts.kind')}>
              <Radio.Group aria-label={t('drafts.kind')} optionType="button" options={DRAFT_KINDS.map((k) => ({ value: k, label: t(`draftKind.${k}`) }))} />
            </Form.Item>
            <Button htmlType="submit" loading={busy}>{t('drafts.save')}</Button>
          </AppForm>
        </section>

        <section aria-labelledby="draft-settings-visibility">
          <Typography.Title level={2} id="draft-settings-visibility" style={{ fontSize: 16 }}>{t('drafts.visibility')}</Typography.Title>
          <Form form={visibilityForm} name="draftVisibility" layout="vertical" requiredMark={false}
            initialValues={{ visibility: draft.visibility }} onFinish={changeVisibility}>
            <Form.Item name="visibility" label={t('drafts.visibility')} extra={t('drafts.visibilityHelp')}><VisibilityField regions={draft.workspaceRegions} /></Form.Item>
            <Button htmlType="submit" loading={busy} data-testid="change-visibility">{t('drafts.changeVisibility')}</Button>
          </Form>
        </section>

        <section aria-labelledby="draft-settings-collaborators">
          <Typography.Title level={2} id="draft-settings-collaborators" style={{ fontSize: 16 }}>{t('drafts.collaborators')}</Typography.Title>
          <CollaboratorsManager collaborators={collaborators} candidates={candidates} othersNeedJoint={othersNeedJoint} joint={joint} />
        </section>
      </Space>
    </AppDrawer>
  );
}
