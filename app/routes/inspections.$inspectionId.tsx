import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, List, Select, Space, Table, Tag, Typography } from 'antd';
import { MultiSelect } from '../components/MultiSelect';
import { useEffect } from 'react';
import { DownloadOutlined } from '@ant-design/icons';
import { z } from 'zod';
import { startReport } from '../../server/services/inspection-report';
import {
  addStop, addToRoster, checkTaskItem, createFinding, createTask, getInspection, moveTask, removeFromRoster, removeStop,
  setInspectionStatus, shareFinding,
} from '../../server/services/inspections';
import { createItem, reportItem, verifyItem } from '../../server/services/rectification';
import {
  boardFilterSchema, findingSchema, findingShareSchema, inspectionStatusSchema, itemProgressSchema, itemSchema, itemVerifySchema,
  rosterSchema, stopDeleteSchema, stopSchema, taskCheckSchema, taskMoveSchema, taskSchema,
} from '../../shared/validation/inspections';
import { RECTIFICATION_STATUSES } from '../../shared/domain/inspection';
import { regionName } from '../../shared/i18n/labels';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { useLiveRevalidation, useWatchRecord } from '../realtime/hooks';
import { ButtonLink } from '../components/ButtonLink';
import { AppForm } from '../components/AppForm';
import { DayField } from '../components/DayField';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { FilterBar, FilterChoice, withFilters } from '../components/FilterBar';
import { InlineStyle } from '../components/InlineStyle';
import { Board } from '../components/inspections/Board';
import { FindingEntry } from '../components/inspections/FindingEntry';
import { Confirm } from '../components/Confirm';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'inspection.title', args.data?.inspection.title);

const BOARD_FILTERS = ['assignee', 'region', 'itemStatus'] as const;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  const parsed = parseWith(boardFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  const filter = parsed.ok ? parsed.data : {};
  const page = await guard(() => getInspection(context.db, user, id, filter));
  return data({ ...page, errors: (parsed.ok ? {} : parsed.errors) as FieldErrors }, { status: parsed.ok ? 200 : 400 });
}

const INTENTS = ['report', 'status', 'roster.add', 'roster.remove', 'stop.add', 'stop.remove', 'task.create', 'task.move', 'task.check',
  'finding.create', 'finding.share', 'item.create', 'item.report', 'item.verify'] as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  await requireReadable(context, user, 'inspection', id);
  const input = await readInput(request);
  const intent = readIntent(input, INTENTS);
  const call = callContext(context);
  const db = context.db;
  switch (intent) {
    case 'report': {
      let draftId = '';
      const result = await submitForm(intent, z.object({}), input, async () => { draftId = await startReport(db, user, id, call); });
      if (draftId) throw redirect(`/drafts/${draftId}`);
      return result;
    }
    case 'status':
      return submitForm(intent, inspectionStatusSchema, input, (v) => setInspectionStatus(db, user, id, v.status, call), 'inspection.statusChanged');
    case 'roster.add':
      return submitForm(intent, rosterSchema, input, (v) => addToRoster(db, user, id, v.userId, call), 'inspection.personAdded');
    case 'roster.remove':
      return submitForm(intent, rosterSchema, input, (v) => removeFromRoster(db, user, id, v.userId, call), 'inspection.personRemoved');
    case 'stop.add':
      return submitForm(intent, stopSchema, input, (v) => addStop(db, user, id, v, call), 'inspection.stopAdded');
    case 'stop.remove':
      return submitForm(intent, stopDeleteSchema, input, (v) => removeStop(db, user, id, v.stopId, call), 'inspection.stopRemoved');
    case 'task.create':
      return submitForm(intent, taskSchema, input, (v) => createTask(db, user, id, v, call), 'inspection.task.created');
    case 'task.move':
      return submitForm(intent, taskMoveSchema, input, (v) => moveTask(db, user, id, v, call), undefined,
        { forbidden: 'policy.notAssignee', notFound: 'error.notFound' });
    case 'task.check':
      return submitForm(intent, taskCheckSchema, input, (v) => checkTaskItem(db, user, id, v, call), 'inspection.task.checked');
    case 'finding.create':
      return submitForm(intent, findingSchema, input, (v) => createFinding(db, user, id, v, call), 'inspection.finding.created');
    case 'finding.share':
      return submitForm(intent, findingShareSchema, input, (v) => shareFinding(db, user, id, v.findingId, v.visibility, call), 'inspection.finding.shared');
    case 'item.create':
      return submitForm(intent, itemSchema, input, (v) => createItem(db, user, id, v, call), 'inspection.item.created');
    case 'item.report':
      return submitForm(intent, itemProgressSchema, input, (v) => reportItem(db, user, id, v.itemId, v, call), 'inspection.item.reported');
    case 'item.verify':
      return submitForm(intent, itemVerifySchema, input, (v) => verifyItem(db, user, id, v.itemId, v, call), 'inspection.item.verified');
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

const TABS = ['board', 'findings', 'items', 'plan'] as const;

/** 联合视察: the inspection with its board, findings, rectification list, roster and itinerary, live. */
export default function InspectionPage() {
  const page = useLoaderData<typeof loader>();
  const { inspection, abilities, errors } = page;
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submit = useSubmitOnline();
  const busy = useNavigation().state !== 'idle';
  const { message } = App.useApp();
  const t = useT();
  useWatchRecord('inspection', inspection.id);
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'inspection' && e.id === inspection.id);
  useEffect(() => {
    if (result?.ok && 'message' in result && result.message) message.success(t(result.message));
  }, [result]);
  const formError = result && !result.ok && result.errors?._form ? t(result.errors._form) : null;
  const inside = abilities.plan || abilities.createFinding || page.roster.length > 0;
  const tab = TABS.find((x) => x === params.get('tab')) ?? (inside ? 'board' : 'items');
  const post = (values: Record<string, unknown>) => submit(values as Record<string, string>, { method: 'post', encType: 'application/json' });

  const tabs = [
    ...(inside ? [{ key: 'board', label: t('inspection.board'), children: <BoardSection page={page} errors={errors} busy={busy} /> }] : []),
    ...(inside ? [{ key: 'findings', label: `${t('inspection.findings')} (${page.findings.length})`, children: <FindingsSection page={page} post={post} /> }] : []),
    { key: 'items', label: `${t('inspection.items')} (${page.items.length})`, children: <ItemsSection page={page} busy={busy} post={post} /> },
    ...(inside ? [{ key: 'plan', label: `${t('inspection.roster')} · ${t('inspection.itinerary')}`, children: <PlanSection page={page} busy={busy} post={post} /> }] : []),
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <InlineStyle css={'.insp-sections { display: flex; flex-wrap: wrap; gap: 8px; }'} />
      <Link to="/inspections">← {t('inspection.title')}</Link>
      <article aria-labelledby="inspection-title">
        <Typography.Title level={1} id="inspection-title" style={{ fontSize: 24 }}>{inspection.title}</Typography.Title>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'kind', label: t('inspection.kind'), children: <Tag>{t(`inspection.kind.${inspection.kind}`)}</Tag> },
          { key: 'status', label: t('inspection.status'), children: <Tag data-testid="inspection-status">{t(`inspection.status.${inspection.status}`)}</Tag> },
          { key: 'dates', label: t('inspection.dates'), children: `${inspection.startsOn} – ${inspection.endsOn}` },
          { key: 'leads', label: t('inspection.leads'), children: inspection.leads.map((l) => <span key={l.id} style={{ marginInlineEnd: 8 }}>{l.name} <RegionTag region={l.region} /></span>) },
          { key: 'workspace', label: t('inspection.workspace'), children: inspection.workspaceName },
          { key: 'visibility', label: t('inspection.visibility'), children: <VisibilityTag visibility={inspection.visibility} regions={inspection.regions} /> },
        ]} />
        {inspection.topic && <Typography.Paragraph style={{ marginTop: 12 }}>{inspection.topic}</Typography.Paragraph>}
        <Typography.Paragraph data-testid="inspection-counts">
          {t('inspection.counts', { findings: inspection.findingCount, items: inspection.itemCount, verified: inspection.verifiedCount })}
        </Typography.Paragraph>
        <Typography.Paragraph>
          <a href={`/inspections/${inspection.id}/summary.docx`} download data-testid="summary-export">
            <DownloadOutlined aria-hidden="true" /> {t('inspection.summary.export')}
          </a>
        </Typography.Paragraph>
        {abilities.plan && (
          <Button onClick={() => post({ intent: 'report' })} loading={busy} style={{ marginInlineEnd: 8 }} data-testid="start-report">{t('inspection.startReport')}</Button>
        )}
        {abilities.next && (
          <Button onClick={() => post({ intent: 'status', status: abilities.next })} loading={busy}>
            {t('inspection.advance', { status: t(`inspection.status.${abilities.next}`) })}
          </Button>
        )}
      </article>
      {formError && <Alert type="error" showIcon title={formError} />}
      <nav aria-label={t('inspection.sections')} className="insp-sections" data-testid="inspection-sections">
        {tabs.map((x) => (
          <ButtonLink key={x.key} to={`?${withFilters(params, { tab: x.key }).toString()}`} replace preventScrollReset
            aria-current={x.key === tab ? 'page' : undefined} type={x.key === tab ? 'primary' : 'default'}>{x.label}</ButtonLink>
        ))}
      </nav>
      <div data-testid={`section-${tab}`}>{tabs.find((x) => x.key === tab)?.children}</div>
    </Space>
  );
}

type Page = ReturnType<typeof useLoaderData<typeof loader>>;
type Post = (values: Record<string, unknown>) => void;

function BoardSection({ page, errors, busy }: { page: Page; errors: FieldErrors; busy: boolean }) {
  const t = useT();
  const people = page.roster.map((m) => ({ value: m.id, label: `${m.displayName}（${regionName(t, m.region)}）` }));
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>{t('inspection.board')}</Typography.Title>
      <FilterBar label={t('inspection.board')} names={BOARD_FILTERS} errors={errors}>
        <FilterChoice name="assignee" label={t('inspection.filterAssignee')} placeholder={t('inspection.allAssignees')} width={180} options={people} />
        <FilterChoice name="region" label={t('inspection.filterRegion')} placeholder={t('inspection.allRegions')} width={120}
          options={page.inspection.regions.map((r) => ({ value: r, label: regionName(t, r) }))} />
      </FilterBar>
      <Board tasks={page.tasks} inspectionId={page.inspection.id} />
      {page.abilities.plan && (
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('inspection.task.new')}</h2>}>
          <AppForm schema={taskSchema} intent="task.create" resetOnSuccess disabled={busy} initialValues={{ assigneeId: '', dueOn: '' }}>
            <Form.Item name="title" label={t('inspection.task.title')}><Input maxLength={200} /></Form.Item>
            <Form.Item name="assigneeId" label={t('inspection.task.assignee')}>
              <Select options={[{ value: '', label: t('inspection.task.unassigned') }, ...people]} />
            </Form.Item>
            <Form.Item name="dueOn" label={t('inspection.task.due')}><DayField /></Form.Item>
            <Form.Item name="description" label={t('inspection.task.description')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
            <Form.Item name="checklist" label={t('inspection.task.checklist')}><Input.TextArea rows={3} /></Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>{t('inspection.task.new')}</Button>
          </AppForm>
        </Card>
      )}
    </Space>
  );
}

function FindingsSection({ page, post }: { page: Page; post: Post }) {
  const t = useT();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {page.abilities.createFinding && <FindingEntry inspectionId={page.inspection.id} />}
      <section aria-labelledby="findings-title">
        <Typography.Title level={2} id="findings-title" style={{ fontSize: 18 }}>{t('inspection.findings')}</Typography.Title>
        {page.findings.length === 0 ? <Empty description={t('inspection.noFindings')} /> : (
          <List dataSource={page.findings} data-testid="finding-list" renderItem={(f) => (
            <List.Item key={f.id} data-testid="finding" actions={f.mayShare ? [
              <Button key="share" size="small" onClick={() => post({ intent: 'finding.share', findingId: f.id, visibility: f.visibility === 'joint' ? 'region' : 'joint' })}>
                {f.visibility === 'joint' ? t('inspection.finding.unshare') : t('inspection.finding.share')}
              </Button>,
            ] : []}>
              {/* Not List.Item.Meta: its title is an h4 under the section's h2 (axe heading-order). */}
              <div style={{ flex: 1, minWidth: 0 }}>
                <Typography.Title level={3} style={{ fontSize: 15, margin: '0 0 4px' }}>{f.description} <Tag color={f.severity === 'critical' ? 'red' : f.severity === 'major' ? 'magenta' : 'default'}>{t(`inspection.finding.severity.${f.severity}`)}</Tag></Typography.Title>
                <div style={{ color: 'rgba(0,0,0,0.65)' }}>
                  {t(`inspection.finding.category.${f.category}`)} · {f.place || '—'}
                  {f.latitude !== null && ` (${f.latitude.toFixed(4)}, ${f.longitude?.toFixed(4)})`}
                  {' · '}{t('inspection.finding.reporter')} {f.reporterName}（{f.ownerOrgName}） <VisibilityTag visibility={f.visibility} regions={page.inspection.regions} />
                  {f.photos.length > 0 && (
                    <div style={{ display: 'flex', gap: 6, marginTop: 6, flexWrap: 'wrap' }}>
                      {f.photos.map((p) => (
                        <a key={p.id} href={`/inspections/${page.inspection.id}/photos/${p.id}`} target="_blank" rel="noreferrer">
                          <img src={`/inspections/${page.inspection.id}/photos/${p.id}?thumb=1`} alt={t('inspection.finding.photoAlt', { text: f.description.slice(0, 30) })}
                            width={96} height={Math.round(96 * p.height / Math.max(p.width, 1))} style={{ objectFit: 'cover', borderRadius: 4 }} />
                        </a>
                      ))}
                    </div>
                  )}
                </div>
              </div>
            </List.Item>
          )} />
        )}
      </section>
    </Space>
  );
}

function ItemsSection({ page, busy, post }: { page: Page; busy: boolean; post: Post }) {
  const t = useT();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <FilterBar label={t('inspection.items')} names={['itemStatus']} errors={page.errors}>
        <FilterChoice name="itemStatus" label={t('inspection.status')} placeholder={t('inspection.item.allStatuses')} width={140}
          options={RECTIFICATION_STATUSES.map((s) => ({ value: s, label: t(`inspection.item.status.${s}`) }))} />
      </FilterBar>
      {page.items.length > 0 && (
        <a href={`/inspections/${page.inspection.id}/items.xlsx`} download data-testid="items-export">
          <DownloadOutlined aria-hidden="true" /> {t('inspection.item.export')}
        </a>
      )}
      {page.items.length === 0 ? <Empty description={t('inspection.noItems')} /> : (
        <Table rowKey="id" size="small" pagination={{ pageSize: 20, hideOnSinglePage: true }} dataSource={page.items} scroll={{ x: true }} data-testid="item-table"
          columns={[
            { key: 'measure', title: t('inspection.item.measure'), render: (_, r) => <>{r.measure}{r.findings.length > 0 && <div style={{ fontSize: 12, color: '#595959' }}>{r.findings.map((f) => f.description).join('；')}</div>}</> },
            { key: 'unit', title: t('inspection.item.unit'), dataIndex: 'responsibleOrgName' },
            { key: 'deadline', title: t('inspection.item.deadline'), render: (_, r) => <>{r.deadline}{r.overdue && <Tag color="red" style={{ marginInlineStart: 6 }}>{t('inspection.item.overdue')}</Tag>}</> },
            { key: 'status', title: t('inspection.status'), render: (_, r) => <><Tag data-testid="item-status">{t(`inspection.item.status.${r.status}`)}</Tag>{r.returnReason && <div style={{ fontSize: 12 }}>{t('inspection.item.returnReason')}：{r.returnReason}</div>}</> },
            { key: 'progress', title: t('inspection.item.progress'), dataIndex: 'progress' },
            { key: 'actions', title: <span className="visually-hidden">{t('inspection.actions')}</span>, render: (_, r) => <ItemActions item={r} post={post} busy={busy} /> },
          ]} />
      )}
      {page.abilities.plan && page.findings.length > 0 && (
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('inspection.item.new')}</h2>}>
          <AppForm schema={itemSchema} intent="item.create" resetOnSuccess disabled={busy}>
            <Form.Item name="findingIds" label={t('inspection.item.findings')}>
              <MultiSelect optionFilterProp="label" options={page.findings.map((f) => ({ value: f.id, label: f.description.slice(0, 60) }))} />
            </Form.Item>
            <Form.Item name="responsibleOrgId" label={t('inspection.item.unit')}>
              <Select options={page.units.map((u) => ({ value: u.id, label: `${u.name}（${regionName(t, u.region)}）` }))} />
            </Form.Item>
            <Form.Item name="measure" label={t('inspection.item.measure')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
            <Form.Item name="deadline" label={t('inspection.item.deadline')}><DayField /></Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>{t('inspection.item.new')}</Button>
          </AppForm>
        </Card>
      )}
    </Space>
  );
}

function ItemActions({ item, post, busy }: { item: Page['items'][number]; post: Post; busy: boolean }) {
  const t = useT();
  const [form] = Form.useForm();
  if (item.may.report.length === 0 && item.may.verify.length === 0) return null;
  return (
    // A name of its own: each row's fields get ids of their own, so each label points at its own row's field.
    <Form form={form} name={`item-${item.id}`} layout="vertical" size="small" style={{ minWidth: 200 }} aria-label={t('inspection.item.report')}>
      {item.may.report.length > 0 && <>
        <Form.Item name="progress" label={t('inspection.item.progress')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
        <Space wrap>
          {item.may.report.map((s) => (
            <Button key={s} size="small" loading={busy} onClick={() => post({ intent: 'item.report', itemId: item.id, status: s, progress: form.getFieldValue('progress') ?? '' })}>
              {t(`inspection.item.status.${s}`)}
            </Button>
          ))}
        </Space>
      </>}
      {item.may.verify.length > 0 && <>
        <Form.Item name="reason" label={t('inspection.item.returnReason')}><Input maxLength={2000} /></Form.Item>
        <Space wrap>
          <Button size="small" type="primary" loading={busy} onClick={() => post({ intent: 'item.verify', itemId: item.id, decision: 'verified', reason: '' })}>{t('inspection.item.verify')}</Button>
          <Button size="small" danger loading={busy} onClick={() => post({ intent: 'item.verify', itemId: item.id, decision: 'returned', reason: form.getFieldValue('reason') ?? '' })}>{t('inspection.item.return')}</Button>
        </Space>
      </>}
    </Form>
  );
}

function PlanSection({ page, busy, post }: { page: Page; busy: boolean; post: Post }) {
  const t = useT();
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <section aria-labelledby="roster-title">
        <Typography.Title level={2} id="roster-title" style={{ fontSize: 18 }}>{t('inspection.roster')}</Typography.Title>
        <List size="small" dataSource={page.roster} data-testid="roster" renderItem={(m) => (
          <List.Item key={m.id} actions={m.removable ? [
            <Confirm key="rm" title={t('inspection.remove')} onConfirm={() => post({ intent: 'roster.remove', userId: m.id })}>
              <Button size="small" type="link" danger>{t('inspection.remove')}</Button>
            </Confirm>,
          ] : []}>
            {m.displayName} · {m.orgName} <RegionTag region={m.region} />
          </List.Item>
        )} />
        {page.candidates.length > 0 && (
          <AppForm schema={rosterSchema} intent="roster.add" layout="inline" disabled={busy} resetOnSuccess style={{ marginTop: 8 }}>
            <Form.Item name="userId" label={t('inspection.person')}>
              <Select style={{ minWidth: 200 }} options={page.candidates.map((c) => ({ value: c.id, label: `${c.displayName}（${c.orgName}）` }))} />
            </Form.Item>
            <Button htmlType="submit" loading={busy}>{t('inspection.addPerson')}</Button>
          </AppForm>
        )}
      </section>
      <section aria-labelledby="itinerary-title">
        <Typography.Title level={2} id="itinerary-title" style={{ fontSize: 18 }}>{t('inspection.itinerary')}</Typography.Title>
        {page.stops.length === 0 ? <Empty description={t('inspection.noStops')} /> : (
          <Table rowKey="id" size="small" pagination={false} dataSource={page.stops} data-testid="itinerary" scroll={{ x: true }} columns={[
            { key: 'day', title: t('inspection.stop.day'), dataIndex: 'day' },
            { key: 'time', title: t('inspection.stop.time'), dataIndex: 'time' },
            { key: 'place', title: t('inspection.stop.place'), dataIndex: 'place' },
            { key: 'host', title: t('inspection.stop.hostUnit'), dataIndex: 'hostUnit' },
            ...(page.abilities.plan ? [{ key: 'rm', title: <span className="visually-hidden">{t('inspection.actions')}</span>, render: (_: unknown, s: { id: string }) => (
              <Button size="small" type="link" danger onClick={() => post({ intent: 'stop.remove', stopId: s.id })}>{t('inspection.remove')}</Button>
            ) }] : []),
          ]} />
        )}
        {page.abilities.plan && (
          <AppForm schema={stopSchema} intent="stop.add" disabled={busy} resetOnSuccess style={{ marginTop: 12, maxWidth: 480 }}>
            <Form.Item name="day" label={t('inspection.stop.day')}><DayField /></Form.Item>
            <Form.Item name="time" label={t('inspection.stop.time')}><Input placeholder="09:00" maxLength={5} /></Form.Item>
            <Form.Item name="place" label={t('inspection.stop.place')}><Input maxLength={200} /></Form.Item>
            <Form.Item name="hostUnit" label={t('inspection.stop.hostUnit')}><Input maxLength={200} /></Form.Item>
            <Button htmlType="submit" loading={busy}>{t('inspection.addStop')}</Button>
          </AppForm>
        )}
      </section>
    </Space>
  );
}
