import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Button, Empty, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { MultiSelect } from '../components/MultiSelect';
import { AppDrawer } from '../components/AppDrawer';
import { PlusOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { createInspection, listInspectionsFor } from '../../server/services/inspections';
import { inspectionCreateSchema, inspectionFilterSchema, INSPECTION_FILTERS } from '../../shared/validation/inspections';
import { INSPECTION_KINDS, INSPECTION_STATUSES } from '../../shared/domain/inspection';
import { VISIBILITIES } from '../../shared/domain/model';
import { regionName, visibilityLabel } from '../../shared/i18n/labels';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { beijingDay } from '../../shared/domain/calendar';
import { callContext, guard, requireUser } from '../lib/session.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { useLiveRevalidation } from '../realtime/hooks';
import { ButtonLink } from '../components/ButtonLink';
import { FilterBar, FilterChoice, FilterText } from '../components/FilterBar';
import { AppForm } from '../components/AppForm';
import { DayField } from '../components/DayField';
import { VisibilityTag } from '../components/VisibilityTag';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'inspection.title');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = parseWith(inspectionFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  const filter = parsed.ok ? parsed.data : inspectionFilterSchema.parse({});
  const list = await guard(() => listInspectionsFor(context.db, user, filter));
  const errors = (parsed.ok ? {} : parsed.errors) as FieldErrors;
  return data({ ...list, errors, today: beijingDay(Date.now()) }, { status: parsed.ok ? 200 : 400 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const input = await readInput(request);
  const intent = readIntent(input, ['create']);
  if (intent !== 'create') return badRequest({ _form: 'validation.invalid' });
  let created = '';
  const result = await submitForm(intent, inspectionCreateSchema, input, async (v) => {
    created = await createInspection(context.db, user, v, callContext(context));
  }, 'inspection.created');
  if (created) throw redirect(`/inspections/${created}`);
  return result;
}

/** 联合视察: the inspections and research trips of my workspaces, with their counts, and a new one for coordinators. */
export default function InspectionsPage() {
  const { inspections, workspaces, committees, regions, errors, today } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== 'idle';
  const [params] = useSearchParams();
  const t = useT();
  const creatable = workspaces.filter((w) => w.canCreate);
  const [creating, setCreating] = useState(false);
  const [workspaceId, setWorkspaceId] = useState<string | undefined>(params.get('workspace') ?? creatable[0]?.id);
  const formWorkspace = creatable.find((w) => w.id === workspaceId) ?? creatable[0];
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'inspection');

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('inspection.title')}</Typography.Title>
        <Space wrap>
          <ButtonLink to="/inspections/mine">{t('inspection.myTasks')}</ButtonLink>
          {creatable.length > 0 && (
            <Button type="primary" icon={<PlusOutlined aria-hidden="true" />} onClick={() => setCreating(true)} data-testid="new-inspection">{t('inspection.new')}</Button>
          )}
        </Space>
      </div>

      <FilterBar label={t('inspection.filters')} names={INSPECTION_FILTERS} errors={errors}>
        <FilterChoice name="workspace" label={t('inspection.workspace')} placeholder={t('inspection.allWorkspaces')} width={220}
          options={workspaces.map((w) => ({ value: w.id, label: w.name }))} />
        <FilterChoice name="kind" label={t('inspection.kind')} placeholder={t('inspection.allKinds')} width={140}
          options={INSPECTION_KINDS.map((k) => ({ value: k, label: t(`inspection.kind.${k}`) }))} />
        <FilterChoice name="status" label={t('inspection.status')} placeholder={t('inspection.allStatuses')} width={120}
          options={INSPECTION_STATUSES.map((s) => ({ value: s, label: t(`inspection.status.${s}`) }))} />
        <FilterChoice name="region" label={t('inspection.filterRegion')} placeholder={t('inspection.allRegions')} width={120}
          options={regions.map((r) => ({ value: r, label: regionName(t, r) }))} />
        <FilterText name="q" label={t('inspection.search')} maxLength={100} />
      </FilterBar>

      <section aria-labelledby="inspection-list-title">
        <Typography.Title level={2} id="inspection-list-title" style={{ fontSize: 18 }}>{t('inspection.list')}</Typography.Title>
        {inspections.length === 0 ? <Empty description={t('inspection.empty')} /> : (
          <Table rowKey="id" size="middle" pagination={false} dataSource={inspections} scroll={{ x: true }} data-testid="inspection-table"
            columns={[
              { key: 'title', title: t('inspection.name'), render: (_, i) => <Link to={`/inspections/${i.id}`}>{i.title}</Link> },
              { key: 'kind', title: t('inspection.kind'), render: (_, i) => <Tag>{t(`inspection.kind.${i.kind}`)}</Tag> },
              { key: 'status', title: t('inspection.status'), render: (_, i) => <Tag>{t(`inspection.status.${i.status}`)}</Tag> },
              { key: 'dates', title: t('inspection.dates'), render: (_, i) => `${i.startsOn} – ${i.endsOn}` },
              { key: 'leads', title: t('inspection.leads'), render: (_, i) => i.leads.map((l) => l.name).join('、') },
              { key: 'visibility', title: t('inspection.visibility'), render: (_, i) => <VisibilityTag visibility={i.visibility} regions={i.regions} /> },
              { key: 'counts', title: t('inspection.countFindings'), render: (_, i) => (
                <span data-testid="inspection-counts">{t('inspection.counts', { findings: i.findingCount, items: i.itemCount, verified: i.verifiedCount })}</span>
              ) },
            ]} />
        )}
      </section>

      <AppDrawer open={creating} onClose={() => setCreating(false)} title={t('inspection.new')} size={520} destroyOnHidden>
        {formWorkspace && (
          <AppForm schema={inspectionCreateSchema} intent="create" disabled={busy}
            initialValues={{ workspaceId: formWorkspace.id, kind: 'inspection', visibility: 'joint', startsOn: today, endsOn: today, leads: [] }}
            onValuesChange={(changed) => { if (changed.workspaceId) setWorkspaceId(changed.workspaceId); }}>
            <Form.Item name="workspaceId" label={t('inspection.workspace')}>
              <Select options={creatable.map((w) => ({ value: w.id, label: w.name }))} />
            </Form.Item>
            <Form.Item name="title" label={t('inspection.name')}><Input maxLength={200} /></Form.Item>
            <Form.Item name="kind" label={t('inspection.kind')}>
              <Select options={INSPECTION_KINDS.map((k) => ({ value: k, label: t(`inspection.kind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="topic" label={t('inspection.topic')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
            <Form.Item name="startsOn" label={t('inspection.startsOn')}><DayField /></Form.Item>
            <Form.Item name="endsOn" label={t('inspection.endsOn')}><DayField /></Form.Item>
            <Form.Item name="leads" label={t('inspection.leads')}>
              <MultiSelect optionFilterProp="label" options={(committees[formWorkspace.id] ?? []).map((c) => ({ value: c.id, label: `${c.name}（${regionName(t, c.region)}）` }))} />
            </Form.Item>
            <Form.Item name="visibility" label={t('inspection.visibility')}>
              <Select options={VISIBILITIES.map((v) => ({ value: v, label: visibilityLabel(t, v, formWorkspace.regions) }))} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>{t('inspection.new')}</Button>
          </AppForm>
        )}
      </AppDrawer>
    </Space>
  );
}
