import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Alert, App, Button, Card, Descriptions, Form, Input, Radio, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useEffect } from 'react';
import { DownloadOutlined, PaperClipOutlined } from '@ant-design/icons';
import {
  addNote, addSupervision, getProposal, rateQuality, selectKey, sendOpinion, transition,
} from '../../server/services/proposals';
import { toUploads } from '../../server/services/upload';
import {
  assignSchema, evaluateSchema, noteSchema, opinionSchema, qualitySchema, reasonSchema, rejectSchema, replySchema, selectKeySchema, stepSchema,
  supervisionSchema,
} from '../../shared/validation/proposals';
import { REPLY_FILE_ACCEPT, SUPERVISION_KINDS } from '../../shared/domain/proposal';
import { beijingDay } from '../../shared/domain/calendar';
import { formatDate, formatDateTime } from '../../shared/format/datetime';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { DayField } from '../components/DayField';
import { StepForm } from '../components/proposals/StepForm';
import { FilesField, fileSize } from '../components/FilesField';
import { RegionTag } from '../components/RegionTag';
import { useLiveRevalidation, useWatchRecord } from '../realtime/hooks';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'proposal.page', args.data?.proposal.title);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.proposalId);
  return guard(() => getProposal(context.db, user, id));
}

const STEPS_WITHOUT_INPUT = ['review', 'file', 'accept', 'close'] as const;
const INTENTS = [...STEPS_WITHOUT_INPUT, 'reject', 'return', 'assign', 'reply', 'evaluate', 'opinion', 'quality', 'note', 'select', 'supervise'] as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.proposalId);
  await requireReadable(context, user, 'proposal', id);
  const input = await readInput(request);
  const intent = readIntent(input, INTENTS);
  const call = callContext(context);
  const done = 'proposal.done';
  switch (intent) {
    case 'review': case 'file': case 'accept': case 'close':
      return submitForm(intent, stepSchema, input, () => transition(context.db, user, id, { action: intent }, call), done);
    case 'reject':
      return submitForm(intent, rejectSchema, input, (v) => transition(context.db, user, id, { action: 'reject', ...v }, call), done);
    case 'return':
      return submitForm(intent, reasonSchema, input, async (v) => {
        await transition(context.db, user, id, { action: 'return', reason: v.reason }, call);
        // Returned: the unit no longer reads the proposal; its home lists what is still its own.
        throw redirect('/');
      });
    case 'assign':
      return submitForm(intent, assignSchema, input, (v) => transition(context.db, user, id, { action: 'assign', ...v }, call), done);
    case 'reply':
      return submitForm(intent, replySchema, input, async ({ files, ...v }) =>
        transition(context.db, user, id, { action: 'reply', ...v, files: await toUploads(files) }, call), done);
    case 'evaluate':
      return submitForm(intent, evaluateSchema, input, (v) => transition(context.db, user, id, { action: 'evaluate', ...v }, call), done);
    case 'opinion':
      return submitForm(intent, opinionSchema, input, async (v) =>
        sendOpinion(context.db, user, id, v.body, call, await toUploads(v.files)), done);
    case 'quality':
      return submitForm(intent, qualitySchema, input, (v) => rateQuality(context.db, user, id, v.quality, call), done);
    case 'note':
      return submitForm(intent, noteSchema, input, (v) => addNote(context.db, user, id, v.body, call), done);
    case 'select':
      return submitForm(intent, selectKeySchema, input, (v) => selectKey(context.db, user, id, v.leader, call), done);
    case 'supervise':
      return submitForm(intent, supervisionSchema, input, (v) => addSupervision(context.db, user, id, v, call), done);
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

/** 提案: the proposal, its sponsors and handling, and the steps the reader may take now. */
export default function ProposalPage() {
  const data = useLoaderData<typeof loader>();
  const { proposal, sponsors, assignments, replies, evaluations, notes, timeline, supervision, abilities } = data;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { message } = App.useApp();
  const t = useT();
  const locale = useLocale();
  useWatchRecord('proposal', proposal.id);
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'proposal' && e.id === proposal.id);
  useEffect(() => { if (result?.ok && result.message) message.success(t(result.message)); }, [result]);
  const formError = result && !result.ok && result.errors?._form ? t(result.errors._form) : null;
  const today = beijingDay(new Date());
  const overdue = proposal.deadline && proposal.deadline < today && ['assigned', 'handling'].includes(proposal.state);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Link to="/proposals">← {t('nav.proposals')}</Link>
      <article aria-labelledby="proposal-title">
        <Typography.Text type="secondary" data-testid="proposal-number">{proposal.number}</Typography.Text>
        <Typography.Title level={1} id="proposal-title" style={{ fontSize: 24, marginTop: 4 }}>{proposal.title}</Typography.Title>
        <Space wrap style={{ marginBottom: 12 }}>
          <Tag data-testid="proposal-state">{t(`proposal.state.${proposal.state}`)}</Tag>
          {proposal.isKey && <Tag color="red">{t('proposal.key')}</Tag>}
          {overdue && <Tag color="error">{t('proposal.overdue')}</Tag>}
          {proposal.visibility === 'joint' && proposal.regions.map((r) => <RegionTag key={r} region={r} />)}
        </Space>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'committee', label: t('proposal.committee'), children: proposal.committeeName },
          { key: 'topic', label: t('proposal.topic'), children: t(`proposal.topic.${proposal.category}`) },
          { key: 'sponsors', label: t('proposal.sponsors'), children: (
            <span data-testid="proposal-sponsors">
              {sponsors.map((s) => `${s.name}（${s.orgName}，${t(`proposal.sponsorRole.${s.role}`)}）`).join('、')}
            </span>
          ) },
          { key: 'submitted', label: t('proposal.submittedAt'), children: formatDateTime(proposal.submittedAt, locale) },
          ...(proposal.deadline ? [{ key: 'deadline', label: t('proposal.deadline'), children: formatDate(`${proposal.deadline}T00:00:00+08:00`, locale) }] : []),
          ...(proposal.isKey && proposal.keyLeaderName ? [{ key: 'leader', label: t('proposal.keyLeader'), children: proposal.keyLeaderName }] : []),
          ...(proposal.notFiledReason ? [{ key: 'reason', label: t('proposal.notFiledReason'), children: (
            <>{proposal.notFiledReason}{proposal.notFiledAs ? `（${t(`proposal.convertTo.${proposal.notFiledAs}`)}）` : ''}</>
          ) }] : []),
          ...(proposal.draftId && proposal.versionId ? [{ key: 'text', label: t('proposal.signedText'), children: (
            <Link to={`/drafts/${proposal.draftId}/versions/${proposal.versionId}`}>{t('proposal.signedTextLink')}</Link>
          ) }] : []),
        ]} />
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 12 }} ellipsis={{ rows: 8, expandable: true, symbol: t('proposal.more') }}>
          {proposal.body}
        </Typography.Paragraph>
        {/* A plain link: a resource route (the file download), not a client navigation. */}
        <a href={`/proposals/${proposal.id}/export.docx`} download data-testid="export-docx">
          <DownloadOutlined aria-hidden="true" /> {t('proposal.exportDocx')}
        </a>
      </article>

      {formError && <Alert type="error" showIcon title={formError} />}

      {abilities.actions.length > 0 && (
        <section aria-labelledby="next-steps" tabIndex={-1} data-focus-home>
          <Card size="small">
            <Typography.Title level={2} id="next-steps" style={{ fontSize: 18, marginTop: 0 }}>{t('proposal.nextSteps')}</Typography.Title>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {abilities.actions.map((a) => <StepForm key={a} action={a} busy={busy} units={data.units} assignments={data.assignments} sentBack={data.proposal.sentBack} />)}
            </Space>
          </Card>
        </section>
      )}

      {assignments.length > 0 && (
        <section aria-labelledby="units">
          <Card size="small">
            <Typography.Title level={2} id="units" style={{ fontSize: 18, marginTop: 0 }}>{t('proposal.units')}</Typography.Title>
            {/* A list, not a table: it reads the same on a phone. */}
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="unit-list">
              {assignments.map((a) => {
                const rating = evaluations.find((x) => x.assignmentId === a.id);
                return (
                  <li key={a.id} style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
                    <Space wrap size={[8, 4]}>
                      <Typography.Text strong>{a.unitName}</Typography.Text>
                      <RegionTag region={a.unitRegion} />
                      <Tag>{t(`proposal.unitRole.${a.role}`)}</Tag>
                      <span>{t(`proposal.assignment.${a.status}`)}{a.returnReason ? `：${a.returnReason}` : ''}</span>
                      <span>{t('proposal.deadline')} {formatDate(`${a.deadline}T00:00:00+08:00`, locale)}</span>
                      {rating && <span>{t('proposal.rating')}：{t(`proposal.rating.${rating.rating}`)}</span>}
                      {a.quality && <span>{t('proposal.qualityRating')}：{t(`proposal.quality.${a.quality}`)}</span>}
                    </Space>
                  </li>
                );
              })}
            </ul>
          </Card>
        </section>
      )}

      {replies.length > 0 && (
        <section aria-labelledby="replies">
          <Card size="small">
            <Typography.Title level={2} id="replies" style={{ fontSize: 18, marginTop: 0 }}>{t('proposal.replies')}</Typography.Title>
            {replies.map((r) => (
              <div key={r.id} style={{ borderBottom: '1px solid #f0f0f0', padding: '8px 0' }} data-testid="reply">
                <Space wrap>
                  <Typography.Text strong>{r.unitName}</Typography.Text>
                  <Tag>{r.kind === 'reply' ? t(`proposal.category.${r.category}`) : t('proposal.opinion')}</Tag>
                  <Typography.Text type="secondary">{formatDateTime(r.createdAt, locale)}</Typography.Text>
                </Space>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{r.body}</Typography.Paragraph>
                {r.files.length > 0 && (
                  <ul style={{ listStyle: 'none', padding: 0, margin: '4px 0 0' }} aria-label={t('proposal.files')} data-testid="reply-files">
                    {r.files.map((f) => (
                      <li key={f.id}>
                        {/* A plain link: a download from a resource route. */}
                        <a href={`/proposals/${proposal.id}/files/${f.id}`} download={f.name}>
                          <PaperClipOutlined aria-hidden="true" /> {f.name}
                        </a>{' '}
                        <Typography.Text type="secondary">{fileSize(f.size)}</Typography.Text>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ))}
          </Card>
        </section>
      )}

      {(abilities.opinion || abilities.quality) && (
        <section aria-labelledby="unit-response">
          <Card size="small">
            <Typography.Title level={2} id="unit-response" style={{ fontSize: 18, marginTop: 0 }}>{t('proposal.unitResponse')}</Typography.Title>
            {abilities.opinion && (
              <AppForm schema={opinionSchema} intent="opinion" name="opinion" resetOnSuccess>
                <Form.Item name="body" label={t('proposal.opinionToLead')}><Input.TextArea rows={3} maxLength={20000} /></Form.Item>
                <Form.Item name="files" label={t('proposal.files')} extra={t('proposal.filesHelp')}><FilesField accept={REPLY_FILE_ACCEPT} /></Form.Item>
                <Button htmlType="submit" loading={busy}>{t('proposal.sendOpinion')}</Button>
              </AppForm>
            )}
            {abilities.quality && (
              <AppForm schema={qualitySchema} intent="quality" name="quality" layout="inline" style={{ rowGap: 8 }}>
                <Form.Item name="quality" label={t('proposal.qualityRating')}>
                  <Radio.Group aria-label={t('proposal.qualityRating')} options={(['good', 'fair', 'poor'] as const).map((q) => ({ value: q, label: t(`proposal.quality.${q}`) }))} />
                </Form.Item>
                <Button htmlType="submit" loading={busy}>{t('proposal.rateQuality')}</Button>
              </AppForm>
            )}
          </Card>
        </section>
      )}

      {(proposal.isKey || abilities.select || abilities.supervise) && (
        <section aria-labelledby="supervision">
          <Card size="small">
            <Typography.Title level={2} id="supervision" style={{ fontSize: 18, marginTop: 0 }}>{t('proposal.supervision')}</Typography.Title>
            {supervision.length === 0 ? <Typography.Paragraph type="secondary">{t('proposal.noSupervision')}</Typography.Paragraph> : (
              <ul style={{ paddingInlineStart: 20 }} data-testid="supervision-list">
                {supervision.map((s) => (
                  <li key={s.id}>
                    {formatDate(`${s.day}T00:00:00+08:00`, locale)} · {t(`proposal.supervision.${s.kind}`)} <RegionTag region={s.region} />
                    {s.participants ? ` · ${s.participants}` : ''} — {s.outcome}
                  </li>
                ))}
              </ul>
            )}
            {abilities.select && (
              <AppForm schema={selectKeySchema} intent="select" name="select" layout="inline" style={{ rowGap: 8, marginBottom: 12 }}>
                <Form.Item name="leader" label={t('proposal.keyLeader')}>
                  <Select style={{ minWidth: 200 }} options={data.leaders.map((l) => ({ value: l.id, label: l.name }))} />
                </Form.Item>
                <Button htmlType="submit" loading={busy}>{t('proposal.selectKey')}</Button>
              </AppForm>
            )}
            {abilities.supervise && (
              <AppForm schema={supervisionSchema} intent="supervise" name="supervise" resetOnSuccess initialValues={{ day: beijingDay(new Date()) }}>
                <Space wrap>
                  <Form.Item name="kind" label={t('proposal.supervisionKind')}>
                    <Select style={{ minWidth: 160 }} options={SUPERVISION_KINDS.map((k) => ({ value: k, label: t(`proposal.supervision.${k}`) }))} />
                  </Form.Item>
                  <Form.Item name="day" label={t('proposal.supervisionDay')}><DayField max={beijingDay(Date.now())} /></Form.Item>
                </Space>
                <Form.Item name="participants" label={t('proposal.participants')}><Input maxLength={2000} /></Form.Item>
                <Form.Item name="outcome" label={t('proposal.outcome')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
                <Button htmlType="submit" loading={busy}>{t('proposal.addSupervision')}</Button>
              </AppForm>
            )}
          </Card>
        </section>
      )}

      {abilities.note && (
        <section aria-labelledby="notes">
          <Card size="small">
            <Typography.Title level={2} id="notes" style={{ fontSize: 18, marginTop: 0 }}>{t('proposal.notes')}</Typography.Title>
            <Typography.Paragraph type="secondary">{t('proposal.notesHint')}</Typography.Paragraph>
            {notes.map((n) => (
              <Typography.Paragraph key={n.id} data-testid="note">
                <Typography.Text strong>{n.authorName}（{n.orgName}）</Typography.Text> {formatDateTime(n.createdAt, locale)}：{n.body}
              </Typography.Paragraph>
            ))}
            <AppForm schema={noteSchema} intent="note" name="note" resetOnSuccess>
              <Form.Item name="body" label={t('proposal.newNote')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
              <Button htmlType="submit" loading={busy}>{t('proposal.addNote')}</Button>
            </AppForm>
          </Card>
        </section>
      )}

      <section aria-labelledby="timeline">
        <Card size="small">
          <Typography.Title level={2} id="timeline" style={{ fontSize: 18, marginTop: 0 }}>{t('proposal.timeline')}</Typography.Title>
          <Timeline items={timeline.map((e) => ({
            key: e.id,
            content: (
              <span data-testid="timeline-entry">
                {formatDateTime(e.at, locale)} · {t(`audit.action.proposal.${e.action}`)}
                {e.actorName ? ` · ${e.actorName}${e.actorOrg ? `（${e.actorOrg}）` : ''}` : ''}
                {e.unitName ? ` · ${e.unitName}` : ''}
                {e.note ? ` · ${noteText(e.action, e.note, t)}` : ''}
              </span>
            ),
          }))} />
        </Card>
      </section>
    </Space>
  );
}

/** A timeline note in words: a reply's category, a supervision's kind, a rating; free text as written. */
function noteText(action: string, note: string, t: (k: string) => string) {
  if (action === 'reply') return t(`proposal.category.${note}`);
  if (action === 'supervise') return t(`proposal.supervision.${note}`);
  if (action === 'quality') return t(`proposal.quality.${note}`);
  if (action === 'assign') return t(`proposal.unitRole.${note}`);
  if (action === 'submit') return `${t('proposal.signingCode')} ${note}`;
  return note;
}
