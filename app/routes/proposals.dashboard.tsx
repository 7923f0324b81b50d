import { useEffect, useRef } from 'react';
import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { proposalDashboard, type Dashboard } from '../../server/services/proposal-registry';
import { InputError } from '../../server/services/errors';
import { dashboardFilterSchema } from '../../shared/validation/proposal-registry';
import { PROPOSAL_STATES, REPLY_CATEGORIES, SATISFACTION, type ProposalState } from '../../shared/domain/proposal';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { guard, requireUser } from '../lib/session.server';
import { pageTitle, useT, type T } from '../lib/i18n';
import { FilterBar, FilterChoice } from '../components/FilterBar';
import { RegionTag } from '../components/RegionTag';
import { useLiveRevalidation } from '../realtime/hooks';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'proposalDashboard.title');

const FILTERS = ['committee', 'year'] as const;

const EMPTY: Dashboard = {
  committees: [], committee: null, years: [], year: 0, figures: null, twoWayGoal: 0.92,
  rates: { filing: null, onTime: null, satisfaction: null, twoWay: null },
};

/** A bad or unknown committee or year is a 400 naming the field; the page still renders. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = parseWith(dashboardFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.ok) {
    const fallback = await guard(() => proposalDashboard(context.db, user, {}));
    return data({ ...EMPTY, committees: fallback.committees, errors: parsed.errors as FieldErrors }, { status: 400 });
  }
  try {
    const dashboard = await guard(() => proposalDashboard(context.db, user, parsed.data));
    return data({ ...dashboard, errors: {} as FieldErrors });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const fallback = await guard(() => proposalDashboard(context.db, user, {}));
    return data({ ...EMPTY, committees: fallback.committees, errors: { [err.field]: err.messageKey } as FieldErrors }, { status: 400 });
  }
}

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);

interface Bar { label: string; value: number; color?: string }

/**
 * A bar chart drawn in the browser by ECharts (SVG renderer), loaded on the dashboard only; the server
 * renders its labelled box, and the same figures are in the table beside it for screen readers.
 */
function BarChart({ title, bars, horizontal = false, testId }: { title: string; bars: Bar[]; horizontal?: boolean; testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const t = useT();
  const key = JSON.stringify(bars);
  useEffect(() => {
    let disposed = false;
    let dispose = () => undefined as void;
    void (async () => {
      const [core, charts, components, renderers] = await Promise.all([
        import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers'),
      ]);
      if (disposed || !ref.current) return;
      core.use([charts.BarChart, components.GridComponent, components.TooltipComponent, renderers.SVGRenderer]);
      const chart = core.init(ref.current, undefined, { renderer: 'svg' });
      const category = { type: 'category' as const, data: bars.map((b) => b.label), axisLabel: { interval: 0, width: 90, overflow: 'truncate' as const } };
      const value = { type: 'value' as const, minInterval: 1 };
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? { ...category, inverse: true } : value,
        series: [{ type: 'bar', data: bars.map((b) => ({ value: b.value, itemStyle: b.color ? { color: b.color } : undefined })), label: { show: true, position: horizontal ? 'right' : 'top' } }],
      });
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      ref.current.dataset.rendered = 'true';
      dispose = () => { window.removeEventListener('resize', resize); chart.dispose(); };
    })();
    return () => { disposed = true; dispose(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, horizontal]);
  return (
    <div ref={ref} role="img" aria-label={t('proposalDashboard.chartLabel', { title })} data-testid={testId}
      style={{ width: '100%', height: horizontal ? Math.max(160, bars.length * 32) : 220 }} />
  );
}

function FigureTable({ t, rows, testId }: { t: T; rows: Array<{ key: string; label: string; value: number }>; testId: string }) {
  return (
    <Table size="small" pagination={false} rowKey="key" dataSource={rows} data-testid={testId}
      columns={[
        { title: t('proposalDashboard.metric'), dataIndex: 'label' },
        { title: t('proposalDashboard.count'), dataIndex: 'value', align: 'right' },
      ]} />
  );
}

const CATEGORY_COLORS: Record<string, string> = { A: '#237804', B: '#0958d9', C: '#595959' };

/** 提案办理统计: one committee's year, as far as the reader may see it. */
export default function ProposalDashboardPage() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  const f = d.figures;
  // Any change of a proposal its reader may read (the server sends no other): the figures are read again.
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'proposal');
  const query = new URLSearchParams();
  if (d.committee) query.set('committee', d.committee.id);
  if (d.year) query.set('year', String(d.year));
  const yearOptions = [...new Set([...(d.years ?? []), ...(params.get('year') && !d.errors.year ? [Number(params.get('year'))] : [])])];

  const categories = REPLY_CATEGORIES.map((c) => ({ key: c, label: t(`proposal.category.${c}`), value: f?.categories[c] ?? 0, color: CATEGORY_COLORS[c] }));
  const states = PROPOSAL_STATES.filter((s) => (f?.states[s] ?? 0) > 0)
    .map((s: ProposalState) => ({ key: s, label: t(`proposal.state.${s}`), value: f?.states[s] ?? 0 }));
  const evaluations = SATISFACTION.map((r) => ({ key: r, label: t(`proposal.rating.${r}`), value: f?.evaluations[r] ?? 0 }));
  const units = (f?.units ?? []).map((u) => ({ key: u.orgId, label: u.name, value: u.lead + u.co }));

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('proposalDashboard.title')}</Typography.Title>
        <Space size="large" wrap>
          <Link to="/proposals"><UnorderedListOutlined aria-hidden="true" /> {t('proposalDashboard.back')}</Link>
          {f && (
            <a href={`/proposals/dashboard/export.xlsx?${query}`} download data-testid="dashboard-export">
              <DownloadOutlined aria-hidden="true" /> {t('proposalDashboard.export')}
            </a>
          )}
        </Space>
      </div>

      <FilterBar label={t('proposalDashboard.filters')} names={FILTERS} errors={d.errors}>
        <FilterChoice name="committee" label={t('proposalDashboard.committee')} placeholder={d.committee?.name ?? t('proposalRegistry.allCommittees')} width={180}
          options={d.committees.map((c) => ({ value: c.id, label: c.name }))} />
        <FilterChoice name="year" label={t('proposalDashboard.year')} placeholder={d.year ? t('proposalRegistry.yearValue', { year: d.year }) : '—'} width={120}
          options={yearOptions.map((y) => ({ value: String(y), label: t('proposalRegistry.yearValue', { year: y }) }))} />
      </FilterBar>

      {!f ? <Empty description={t('proposalDashboard.none')} /> : (
        <>
          <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }} data-testid="dashboard-scope">
            {d.committee?.name} · {t('proposalRegistry.yearValue', { year: d.year })}
          </Typography.Title>
          <Row gutter={[16, 16]}>
            {([
              ['received', t('proposalDashboard.received'), f.received, undefined],
              ['filed', t('proposalDashboard.filed'), f.filed, undefined],
              ['filing-rate', t('proposalDashboard.filingRate'), pct(d.rates.filing), undefined],
              ['on-time', t('proposalDashboard.onTimeRate'), pct(d.rates.onTime), undefined],
              ['satisfaction', t('proposalDashboard.satisfaction'), pct(d.rates.satisfaction), t('proposalDashboard.satisfactionHelp')],
              ['two-way', t('proposalDashboard.twoWay'), pct(d.rates.twoWay), t('proposalDashboard.twoWayGoal', { goal: Math.round(d.twoWayGoal * 100) })],
              ['overdue', t('proposalDashboard.overdue'), f.overdue, undefined],
              ['due-soon', t('proposalDashboard.dueSoon'), f.dueSoon, undefined],
            ] as const).map(([key, title, value, help]) => (
              <Col key={key} xs={12} sm={8} lg={6}>
                <Card size="small">
                  <Statistic title={title} value={value} data-testid={`dashboard-${key}`} />
                  {help && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{help}</Typography.Text>}
                </Card>
              </Col>
            ))}
          </Row>

          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card size="small" title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('proposalDashboard.categories')}</Typography.Title>}>
                <BarChart title={t('proposalDashboard.categories')} bars={categories} testId="chart-categories" />
                <FigureTable t={t} rows={categories} testId="table-categories" />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('proposalDashboard.evaluations')}</Typography.Title>}>
                <BarChart title={t('proposalDashboard.evaluations')} bars={evaluations} testId="chart-evaluations" />
                <FigureTable t={t} rows={evaluations} testId="table-evaluations" />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('proposalDashboard.states')}</Typography.Title>}>
                <BarChart title={t('proposalDashboard.states')} bars={states} horizontal testId="chart-states" />
                <FigureTable t={t} rows={states} testId="table-states" />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('proposalDashboard.units')}</Typography.Title>}>
                <BarChart title={t('proposalDashboard.units')} bars={units} horizontal testId="chart-units" />
                <Table size="small" pagination={false} rowKey="orgId" dataSource={f.units} scroll={{ x: 'max-content' }} data-testid="table-units"
                  columns={[
                    { title: t('proposalDashboard.units'), dataIndex: 'name' },
                    { title: t('proposalDashboard.unitLead'), dataIndex: 'lead', align: 'right' },
                    { title: t('proposalDashboard.unitCo'), dataIndex: 'co', align: 'right' },
                    { title: t('proposalDashboard.unitReplied'), dataIndex: 'replied', align: 'right' },
                    { title: t('proposalDashboard.unitOverdue'), dataIndex: 'overdue', align: 'right' },
                  ]} />
              </Card>
            </Col>
          </Row>

          <Card size="small" title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('proposalDashboard.regions')}</Typography.Title>}>
            <Space wrap>
              {f.regions.map((r) => (
                <span key={r.region} data-testid="dashboard-region"><RegionTag region={r.region} /> {t('proposalDashboard.pieces', { n: r.n })}</span>
              ))}
            </Space>
          </Card>

          <Card size="small" title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('proposalDashboard.keyProposals')}</Typography.Title>}>
            <Table size="small" rowKey="id" dataSource={f.keyProposals} pagination={false} scroll={{ x: 'max-content' }} data-testid="dashboard-key"
              locale={{ emptyText: t('proposalDashboard.noKey') }}
              columns={[
                { title: t('proposalRegistry.number'), dataIndex: 'number', render: (n: string) => <span style={{ whiteSpace: 'nowrap' }}>{n}</span> },
                {
                  title: t('proposalRegistry.titleColumn'), key: 'title',
                  render: (_, p) => <span style={{ display: 'inline-block', minWidth: 200, maxWidth: 420 }}><Link to={`/proposals/${p.id}`}>{p.title}</Link></span>,
                },
                { title: t('proposalRegistry.stateColumn'), key: 'state', render: (_, p) => <Tag>{t(`proposal.state.${p.state}`)}</Tag> },
                { title: t('proposalRegistry.leadUnit'), dataIndex: 'leadUnitName', render: (n: string | null) => n ?? '—' },
                { title: t('proposalRegistry.deadline'), dataIndex: 'deadline', render: (n: string | null) => n ?? '—' },
                { title: t('proposalDashboard.supervisionColumn'), key: 'sup', render: (_, p) => t('proposalDashboard.supervisions', { n: p.supervisions }) },
              ]} />
          </Card>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('proposalDashboard.twoWay')}：{t('proposalDashboard.twoWayHelp')}
          </Typography.Text>
        </>
      )}
    </Space>
  );
}
