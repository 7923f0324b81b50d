import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Space, Table, Tag, Typography } from 'antd';
import { BarChartOutlined, DownloadOutlined } from '@ant-design/icons';
import { listProposalRegistry, registryFilterOptions } from '../../server/services/proposal-registry';
import { registryFilterSchema, REGISTRY_PAGE_SIZES, REGISTRY_SORTS } from '../../shared/validation/proposal-registry';
import { PROPOSAL_STATES, PROPOSAL_TOPICS, type ProposalState } from '../../shared/domain/proposal';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { guard, requireUser } from '../lib/session.server';
import { formatDate } from '../../shared/format/datetime';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { FilterBar, FilterChoice, FilterToggle, withFilters } from '../components/FilterBar';
import { RegionTag } from '../components/RegionTag';
import { useLiveRevalidation } from '../realtime/hooks';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'proposalRegistry.title');

const FILTERS = ['year', 'state', 'topic', 'committee', 'unit', 'sponsor', 'key', 'overdue', 'sort', 'dir', 'size'] as const;

/** A bad filter is a 400 naming its field; the page still renders, with its filters and an empty list. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const options = await guard(() => registryFilterOptions(context.db, user));
  const parsed = parseWith(registryFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  // A committee the reader sees nothing of is said as on the dashboard, not shown as an empty list.
  const unknownCommittee = parsed.ok && parsed.data.committee !== undefined && !options.committees.some((c) => c.id === parsed.data.committee);
  if (!parsed.ok || unknownCommittee) {
    const empty = { rows: [], total: 0, capped: false, page: 1, pageSize: 20 };
    const errors: FieldErrors = parsed.ok ? { committee: 'proposalRegistry.unknownCommittee' } : parsed.errors;
    return data({ ...empty, options, errors }, { status: 400 });
  }
  const result = await guard(() => listProposalRegistry(context.db, user, parsed.data));
  return data({
    rows: result.rows, total: result.total, capped: result.capped, page: result.page, pageSize: result.pageSize,
    options, errors: {} as FieldErrors,
  });
}

// Dark hues: antd draws the text in the colour on a light tint of it, and these keep 4.5:1.
const STATE_COLORS: Record<ProposalState, string> = {
  submitted: '#595959', under_review: '#874d00', filed: '#006d75', not_filed: '#434343', assigned: '#003eb3', handling: '#1d39c4',
  replied: '#531dab', evaluated: '#9e1068', closed: '#237804',
};

function ProposalStateTag({ state }: { state: ProposalState }) {
  const t = useT();
  return <Tag color={STATE_COLORS[state]} data-testid="proposal-state">{t(`proposal.state.${state}`)}</Tag>;
}

/** 提案办理: the registry of the proposals the reader may see, filtered, sorted and paged in the URL. */
export default function ProposalRegistry() {
  const { rows, total, capped, page, pageSize, options, errors } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const filtered = FILTERS.some((name) => params.get(name));
  // Any change of a proposal its reader may read (the server sends no other): the list is read again.
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'proposal');
  const toPage = (n: number) => {
    const next = new URLSearchParams(params);
    if (n > 1) next.set('page', String(n)); else next.delete('page');
    setParams(next);
  };
  const exportQuery = withFilters(params, { size: null }).toString();
  type Row = (typeof rows)[number];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('proposalRegistry.title')}</Typography.Title>
        <Space size="large" wrap>
          <Link to="/proposals/dashboard" data-testid="proposal-dashboard-link">
            <BarChartOutlined aria-hidden="true" /> {t('proposalRegistry.dashboard')}
          </Link>
          <a href={`/proposals/export.xlsx${exportQuery ? `?${exportQuery}` : ''}`} download data-testid="proposal-export">
            <DownloadOutlined aria-hidden="true" /> {t('proposalRegistry.export')}
          </a>
        </Space>
      </div>

      <FilterBar label={t('proposalRegistry.filters')} names={FILTERS} errors={errors}>
        <FilterChoice name="year" label={t('proposalRegistry.year')} placeholder={t('proposalRegistry.allYears')} width={120}
          options={options.years.map((y) => ({ value: String(y), label: t('proposalRegistry.yearValue', { year: y }) }))} />
        <FilterChoice name="state" label={t('proposalRegistry.state')} placeholder={t('proposalRegistry.allStates')} width={140}
          options={PROPOSAL_STATES.map((s) => ({ value: s, label: t(`proposal.state.${s}`) }))} />
        <FilterChoice name="topic" label={t('proposalRegistry.topic')} placeholder={t('proposalRegistry.allTopics')} width={140}
          options={PROPOSAL_TOPICS.map((s) => ({ value: s, label: t(`proposal.topic.${s}`) }))} />
        <FilterChoice name="committee" label={t('proposalRegistry.committee')} placeholder={t('proposalRegistry.allCommittees')} width={160}
          options={options.committees.map((c) => ({ value: c.id, label: c.name }))} />
        <FilterChoice name="unit" label={t('proposalRegistry.unit')} placeholder={t('proposalRegistry.allUnits')} width={180}
          options={options.units.map((u) => ({ value: u.id, label: u.name }))} />
        <FilterChoice name="sponsor" label={t('proposalRegistry.sponsor')} placeholder={t('proposalRegistry.allSponsors')} width={160}
          options={options.sponsors.map((u) => ({ value: u.id, label: `${u.displayName}（${u.orgName}）` }))} />
        <FilterToggle name="key" label={t('proposalRegistry.keyOnly')}
          options={[{ value: '', label: t('proposalRegistry.any') }, { value: '1', label: t('proposalRegistry.only') }]} />
        <FilterToggle name="overdue" label={t('proposalRegistry.overdueOnly')}
          options={[{ value: '', label: t('proposalRegistry.any') }, { value: '1', label: t('proposalRegistry.only') }]} />
        <FilterChoice name="sort" label={t('proposalRegistry.sort')} placeholder={t('proposalRegistry.sort.submitted')} width={130}
          options={REGISTRY_SORTS.map((s) => ({ value: s, label: t(`proposalRegistry.sort.${s}`) }))} />
        <FilterToggle name="dir" label={t('proposalRegistry.dir')}
          options={[{ value: '', label: '—' }, { value: 'asc', label: t('proposalRegistry.dir.asc') }, { value: 'desc', label: t('proposalRegistry.dir.desc') }]} />
        <FilterChoice name="size" label={t('proposalRegistry.pageSize')} placeholder="20" width={90}
          options={REGISTRY_PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) }))} />
      </FilterBar>

      <Table<Row>
        rowKey="id"
        size="middle"
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        data-testid="proposal-registry"
        locale={{ emptyText: t(filtered ? 'proposalRegistry.noMatches' : 'proposalRegistry.empty') }}
        pagination={{
          current: page, pageSize, total, showSizeChanger: false, hideOnSinglePage: total === 0, simple: false,
          showTotal: () => t(capped ? 'proposalRegistry.totalCapped' : 'proposalRegistry.total', { n: total }),
          onChange: toPage,
        }}
        columns={[
          { title: t('proposalRegistry.number'), dataIndex: 'number', key: 'number', render: (n: string) => <span style={{ whiteSpace: 'nowrap' }}>{n}</span> },
          {
            title: t('proposalRegistry.titleColumn'), key: 'title',
            render: (_, p) => (
              <span style={{ display: 'inline-block', minWidth: 200, maxWidth: 420 }}>
                <Link to={`/proposals/${p.id}`} data-testid="proposal-link">{p.title}</Link>{' '}
                {p.isKey && <Tag color="#a8071a" data-testid="proposal-key">{t('proposal.key')}</Tag>}
              </span>
            ),
          },
          { title: t('proposalRegistry.stateColumn'), key: 'state', render: (_, p) => <ProposalStateTag state={p.state} /> },
          {
            title: t('proposalRegistry.sponsorColumn'), key: 'sponsor',
            render: (_, p) => <span style={{ whiteSpace: 'nowrap' }}>{p.sponsorName} <RegionTag region={p.ownerRegion} /></span>,
          },
          { title: t('proposalRegistry.leadUnit'), dataIndex: 'leadUnitName', key: 'unit', render: (n: string | null) => n ?? '—' },
          {
            title: t('proposalRegistry.deadline'), key: 'deadline',
            render: (_, p) => (p.deadline
              ? <span style={{ whiteSpace: 'nowrap' }}><time dateTime={p.deadline}>{p.deadline}</time>{' '}
                {p.overdue && <Tag color="#a8071a" data-testid="proposal-overdue">{t('proposal.overdue')}</Tag>}</span>
              : '—'),
          },
          {
            title: t('proposalRegistry.submitted'), key: 'submitted',
            render: (_, p) => <time dateTime={new Date(p.submittedAt).toISOString()} style={{ whiteSpace: 'nowrap' }}>{formatDate(p.submittedAt, locale)}</time>,
          },
        ]}
      />
    </Space>
  );
}
