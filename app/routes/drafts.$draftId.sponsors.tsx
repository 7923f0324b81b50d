import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigate, useNavigation } from '@remix-run/react';
import { Alert, App, Button, Card, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { MultiSelect } from '../components/MultiSelect';
import { AppDrawer } from '../components/AppDrawer';
import { useEffect } from 'react';
import { z } from 'zod';
import {
  answerSponsorship, freezeForSigning, getSponsorship, inviteSponsors, removeSponsor, reopenEditing, signText, submitProposal,
} from '../../server/services/sponsorship';
import { answerSponsorshipSchema, inviteSponsorsSchema, signSchema, sponsorUserSchema, submitSchema } from '../../shared/validation/proposals';
import { PROPOSAL_TOPICS } from '../../shared/domain/proposal';
import { formatDateTime } from '../../shared/format/datetime';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { RegionTag } from '../components/RegionTag';
import { useLiveRevalidation } from '../realtime/hooks';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'sponsorship.title', args.data?.draft.title);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  return guard(() => getSponsorship(context.db, user, id));
}

const INTENTS = ['invite', 'remove', 'answer', 'freeze', 'sign', 'reopen', 'submit'] as const;
const noInput = z.object({});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  await requireReadable(context, user, 'draft', id);
  const input = await readInput(request);
  const intent = readIntent(input, INTENTS);
  const call = callContext(context);
  switch (intent) {
    case 'invite':
      return submitForm(intent, inviteSponsorsSchema, input, (v) => inviteSponsors(context.db, user, id, v.users, call), 'sponsorship.invited');
    case 'remove':
      return submitForm(intent, sponsorUserSchema, input, (v) => removeSponsor(context.db, user, id, v.user, call), 'sponsorship.removed');
    case 'answer':
      return submitForm(intent, answerSponsorshipSchema, input, (v) => answerSponsorship(context.db, user, id, v.answer, call), 'sponsorship.answered');
    case 'freeze':
      return submitForm(intent, noInput, input, () => freezeForSigning(context.db, user, id, call), 'sponsorship.frozen');
    case 'sign':
      return submitForm(intent, signSchema, input, (v) => signText(context.db, user, id, v.hash, call), 'sponsorship.signed');
    case 'reopen':
      return submitForm(intent, noInput, input, () => reopenEditing(context.db, user, id, call), 'sponsorship.reopened');
    case 'submit':
      return submitForm(intent, submitSchema, input, async (v) => {
        const proposalId = await submitProposal(context.db, user, id, v.topic, call);
        throw redirect(`/proposals/${proposalId}`);
      });
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

/**
 * 联名与签署, in a drawer over the draft (like its settings and versions), so that a sponsor reads the
 * text beside the signing code: who sponsors it, the frozen text's code, and each sponsor's signature.
 */
export default function SponsorshipPage() {
  const { draft, sponsors, signing, allSigned, candidates, me, abilities } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { message } = App.useApp();
  const t = useT();
  const locale = useLocale();
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'draft' && e.id === draft.id);
  useEffect(() => { if (result?.ok && result.message) message.success(t(result.message)); }, [result]);
  const formError = result && !result.ok && result.errors?._form ? t(result.errors._form) : null;
  const navigate = useNavigate();
  const close = () => navigate(`/drafts/${draft.id}`, { preventScrollReset: true });

  return (
    <AppDrawer open size={640} title={t('sponsorship.title')} onClose={close} destroyOnHidden>
      <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="sponsorship">

        {signing.proposalId ? (
          <Alert type="success" showIcon title={t('sponsorship.submitted')}
            description={<Link to={`/proposals/${signing.proposalId}`}>{t('sponsorship.openProposal')}</Link>} />
        ) : signing.frozen ? (
          <Alert type="info" showIcon data-testid="signing-code" title={signing.code ? t('sponsorship.frozenWithCode', { code: signing.code }) : t('sponsorship.freezing')}
            description={t('sponsorship.frozenHint')} />
        ) : (
          <Alert type="info" showIcon title={t('sponsorship.editingOpen')} description={t('sponsorship.editingOpenHint')} />
        )}
        {formError && <Alert type="error" showIcon title={formError} />}

        {abilities.answer && (
          <Card size="small">
            <Typography.Title level={3} style={{ fontSize: 18, marginTop: 0 }}>{t('sponsorship.invitedYou')}</Typography.Title>
            <Space>
              <AppForm schema={answerSponsorshipSchema} intent="answer" name="accept" initialValues={{ answer: 'accept' }}>
                <Form.Item name="answer" hidden><Input /></Form.Item>
                <Button type="primary" htmlType="submit" loading={busy}>{t('sponsorship.accept')}</Button>
              </AppForm>
              <AppForm schema={answerSponsorshipSchema} intent="answer" name="decline" initialValues={{ answer: 'decline' }}>
                <Form.Item name="answer" hidden><Input /></Form.Item>
                <Button htmlType="submit" loading={busy}>{t('sponsorship.decline')}</Button>
              </AppForm>
            </Space>
          </Card>
        )}

        {abilities.sign && signing.hash && (
          <Card size="small">
            <Typography.Title level={3} style={{ fontSize: 18, marginTop: 0 }}>{t('sponsorship.signTitle')}</Typography.Title>
            <Typography.Paragraph>{t('sponsorship.signHint', { code: signing.code ?? '' })}</Typography.Paragraph>
            <AppForm schema={signSchema} intent="sign" name="sign" initialValues={{ hash: signing.hash }}>
              <Form.Item name="hash" hidden><Input /></Form.Item>
              <Button type="primary" htmlType="submit" loading={busy}>{t('sponsorship.sign', { code: signing.code ?? '' })}</Button>
            </AppForm>
          </Card>
        )}

        <section aria-labelledby="sponsors">
          <Card size="small">
            <Typography.Title level={3} id="sponsors" style={{ fontSize: 18, marginTop: 0 }}>{t('sponsorship.sponsors')}</Typography.Title>
            {sponsors.length === 0 ? <Typography.Paragraph type="secondary">{t('sponsorship.none')}</Typography.Paragraph> : (
              <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="sponsor-list">
                {sponsors.map((s) => (
                  <li key={s.userId} style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
                    <Space wrap size={[8, 4]}>
                      <Typography.Text strong>{s.name}</Typography.Text>
                      <RegionTag region={s.region} />
                      <span>{s.orgName}</span>
                      <Tag>{t(`proposal.sponsorRole.${s.role}`)}</Tag>
                      <Tag data-testid="sponsor-status">{t(`sponsorship.status.${s.status}`)}</Tag>
                      {s.signed
                        ? <Tag data-testid="signed">{t('sponsorship.signedAt', { at: s.signedAt ? formatDateTime(s.signedAt, locale) : '' })}</Tag>
                        : <Tag>{t('sponsorship.notSigned')}</Tag>}
                      {abilities.invite && s.role === 'co' && (
                        <AppForm schema={sponsorUserSchema} intent="remove" name={`remove-${s.userId}`} initialValues={{ user: s.userId }}>
                          <Form.Item name="user" hidden><Input /></Form.Item>
                          <Button size="small" htmlType="submit" disabled={busy}>{t('sponsorship.remove')}</Button>
                        </AppForm>
                      )}
                    </Space>
                  </li>
                ))}
              </ul>
            )}
            {me && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>{t(`sponsorship.you.${me.role}`)}</Typography.Paragraph>}
          </Card>
        </section>

        {abilities.invite && (
          <Card size="small">
            <Typography.Title level={3} style={{ fontSize: 18, marginTop: 0 }}>{t('sponsorship.invite')}</Typography.Title>
            <AppForm schema={inviteSponsorsSchema} intent="invite" name="invite" layout="inline" style={{ rowGap: 8 }} resetOnSuccess>
              <Form.Item name="users" label={t('sponsorship.people')} style={{ minWidth: 280, flex: 1 }}>
                <MultiSelect showSearch optionFilterProp="label"
                  options={candidates.map((c) => ({ value: c.id, label: `${c.displayName}（${c.orgName}）` }))} />
              </Form.Item>
              <Button htmlType="submit" loading={busy}>{t('sponsorship.sendInvitations')}</Button>
            </AppForm>
            {draft.visibility !== 'joint' && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>{t('sponsorship.jointForOthers')}</Typography.Paragraph>}
          </Card>
        )}

        {(abilities.freeze || abilities.reopen || abilities.submit) && (
          <Card size="small">
            <Typography.Title level={3} style={{ fontSize: 18, marginTop: 0 }}>{t('sponsorship.leadSteps')}</Typography.Title>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {abilities.freeze && (
                <AppForm schema={noInput} intent="freeze" name="freeze">
                  <Typography.Paragraph type="secondary">{t('sponsorship.freezeHint')}</Typography.Paragraph>
                  <Button type="primary" htmlType="submit" loading={busy}>{t('sponsorship.freeze')}</Button>
                </AppForm>
              )}
              {abilities.submit && (
                <AppForm schema={submitSchema} intent="submit" name="submit" layout="inline" style={{ rowGap: 8 }} initialValues={{ topic: 'economy' }}>
                  <Form.Item name="topic" label={t('proposal.topic')}>
                    <Select style={{ minWidth: 160 }} options={PROPOSAL_TOPICS.map((c) => ({ value: c, label: t(`proposal.topic.${c}`) }))} />
                  </Form.Item>
                  <Button type="primary" htmlType="submit" loading={busy} disabled={!allSigned}>{t('sponsorship.submit')}</Button>
                  {!allSigned && <Typography.Text type="secondary">{t('sponsorship.waitingForSignatures')}</Typography.Text>}
                </AppForm>
              )}
              {abilities.reopen && (
                <AppForm schema={noInput} intent="reopen" name="reopen">
                  <Typography.Paragraph type="secondary">{t('sponsorship.reopenHint')}</Typography.Paragraph>
                  <Button danger htmlType="submit" loading={busy}>{t('sponsorship.reopen')}</Button>
                </AppForm>
              )}
            </Space>
          </Card>
        )}
      </Space>
    </AppDrawer>
  );
}
