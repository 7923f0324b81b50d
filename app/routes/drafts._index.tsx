import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Space, Table, Tag, Typography } from 'antd';
import { ImportOutlined, PlusOutlined } from '@ant-design/icons';
import { listDrafts } from '../../server/services/drafts';
import { draftListFilterSchema } from '../../shared/validation/drafts';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { guard, requireUser } from '../lib/session.server';
import { formatDateTime } from '../../shared/format/datetime';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { useLiveRevalidation } from '../realtime/hooks';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { DraftRoleTag } from '../components/editor/CollaboratorsCard';
import { FilterBar, FilterChoice, FilterText, FilterToggle } from '../components/FilterBar';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'drafts.title');

const FILTERS = ['mine', 'workspace', 'q'] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = parseWith(draftListFilterSchema, params);
  // A malformed filter (e.g. a broken workspace id) is a 400 with the field named, never a 500.
  if (!parsed.ok) return data({ drafts: [], workspaces: [], abilities: { start: false }, errors: parsed.errors as FieldErrors }, { status: 400 });
  const { workspace, q, mine } = parsed.data;
  const result = await guard(() => listDrafts(context.db, user, { workspaceId: workspace, q, mine }));
  return data({ ...result, errors: {} as FieldErrors });
}

/** 草稿: drafts I write or collaborate on, and every draft I may read, by workspace and title. */
export default function DraftsPage() {
  const { drafts, workspaces, abilities, errors } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'draft');
  const workspace = params.get('workspace') || undefined;
  const filtered = FILTERS.some((name) => params.get(name));
  type Row = (typeof drafts)[number];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('drafts.title')}</Typography.Title>
        {abilities.start && (
          <Space size="large">
            <Link to={workspace ? `/drafts/import?workspace=${workspace}` : '/drafts/import'} data-testid="import-draft">
              <ImportOutlined aria-hidden="true" /> {t('word.import')}
            </Link>
            <Link to={workspace ? `/drafts/new?workspace=${workspace}` : '/drafts/new'} data-testid="new-draft">
              <PlusOutlined aria-hidden="true" /> {t('drafts.new')}
            </Link>
          </Space>
        )}
      </div>

      <FilterBar label={t('drafts.filters')} names={FILTERS} errors={errors}>
        <FilterToggle name="mine" label={t('drafts.scope')}
          options={[{ value: '', label: t('drafts.scopeAll') }, { value: '1', label: t('drafts.scopeMine') }]} />
        <FilterChoice name="workspace" label={t('drafts.workspace')} placeholder={t('drafts.allWorkspaces')} width={240}
          options={workspaces.map((w) => ({ value: w.id, label: w.name }))} />
        <FilterText name="q" label={t('drafts.search')} placeholder={t('drafts.searchPlaceholder')} maxLength={100} />
      </FilterBar>

      <Table<Row>
        rowKey="id"
        size="middle"
        dataSource={drafts}
        scroll={{ x: 'max-content' }}
        pagination={drafts.length > 20 ? { pageSize: 20 } : false}
        locale={{ emptyText: t(filtered ? 'drafts.noMatches' : 'drafts.empty') }}
        columns={[
          {
            title: t('drafts.titleColumn'), key: 'title',
            // As in the proposals' registry: a phone scrolls the table sideways rather than wrap a title into a column of characters.
            render: (_, d) => (
              <span style={{ display: 'inline-block', minWidth: 200, maxWidth: 420 }}>
                <Link to={`/drafts/${d.id}`} data-testid="draft-link">{d.title}</Link>
              </span>
            ),
          },
          { title: t('drafts.kind'), key: 'kind', render: (_, d) => <Tag>{t(`draftKind.${d.kind}`)}</Tag> },
          { title: t('drafts.visibility'), key: 'visibility', render: (_, d) => <VisibilityTag visibility={d.visibility} regions={d.workspaceRegions} /> },
          { title: t('drafts.workspace'), dataIndex: 'workspaceName', key: 'workspace' },
          {
            title: t('drafts.author'), key: 'author',
            render: (_, d) => <>{d.authorName}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{d.ownerOrgName}</Typography.Text> <RegionTag region={d.ownerRegion} /></>,
          },
          { title: t('drafts.myRole'), key: 'role', render: (_, d) => (d.myRole ? <DraftRoleTag role={d.myRole} /> : <Typography.Text type="secondary">{t('drafts.reader')}</Typography.Text>) },
          {
            title: t('drafts.updated'), key: 'updated',
            render: (_, d) => <time dateTime={new Date(d.updatedAt).toISOString()}>{formatDateTime(d.updatedAt, locale)}</time>,
          },
        ]}
      />
    </Space>
  );
}
