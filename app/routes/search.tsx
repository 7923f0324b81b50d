import { Fragment } from 'react';
import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Alert, Empty, Space, Tag, Typography } from 'antd';
import { search, type SearchGroup, type SearchHit, type Segment } from '../../server/services/search';
import { formatDate } from '../../shared/format/datetime';
import { SEARCH_QUERY_MAX, searchQuerySchema, type SearchKind } from '../../shared/validation/search';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { callContext, guard, requireUser } from '../lib/session.server';
import { RateLimitedError } from '../../server/services/errors';
import { pageTitle, type T, useLocale, useT } from '../lib/i18n';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { FilterBar, FilterChoice, FilterText } from '../components/FilterBar';
import { regionName } from '../../shared/i18n/labels';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'search.title');

/** What 清除筛选 removes: the term stays. */
const FILTERS = ['workspace', 'region', 'kind'] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = parseWith(searchQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  // A too-long term or a broken filter: the page with a message and a 400, never a 500.
  if (!parsed.ok) {
    const empty = await guard(() => search(context.db, user, {}));
    return data({ ...empty, errors: parsed.errors as FieldErrors }, { status: 400 });
  }
  try {
    const result = await guard(() => search(context.db, user, parsed.data, callContext(context)));
    return data({ ...result, errors: {} as FieldErrors });
  } catch (err) {
    if (!(err instanceof RateLimitedError)) throw err;
    const empty = await guard(() => search(context.db, user, {}));
    return data({ ...empty, errors: { [err.field]: err.messageKey } as FieldErrors }, { status: err.status });
  }
}

/** Text with the search term in <mark>: React elements only, never HTML from the data. */
function Marked({ segments }: { segments: Segment[] }) {
  return <>{segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <Fragment key={i}>{s.text}</Fragment>))}</>;
}

const countLabel = (t: T, g: SearchGroup) => (g.capped ? t('search.countCapped', { n: g.count }) : String(g.count));

function Hit({ hit, t }: { hit: SearchHit; t: T }) {
  const locale = useLocale();
  return (
    <li style={{ padding: '12px 0', borderBottom: '1px solid #f0f0f0' }} data-testid={`search-hit-${hit.kind}`}>
      <Link to={hit.href} style={{ fontSize: 16 }}><Marked segments={hit.title} /></Link>
      <div style={{ marginTop: 4 }}>
        <Space size={4} wrap>
          {hit.tags.map((k) => <Tag key={k}>{t(k)}</Tag>)}
          {hit.visibility && <VisibilityTag visibility={hit.visibility} regions={hit.workspaceRegions} />}
          {hit.region && <RegionTag region={hit.region} />}
          {hit.workspaceName && <Typography.Text type="secondary">{hit.workspaceName}</Typography.Text>}
          {hit.orgName && <Typography.Text type="secondary">{hit.orgName}</Typography.Text>}
          {hit.at && (
            <Typography.Text type="secondary">
              {t(hit.kind === 'workspace' ? 'search.created' : 'search.updated')} <time dateTime={hit.at}>{formatDate(hit.at, locale)}</time>
            </Typography.Text>
          )}
        </Space>
      </div>
      {hit.excerpt && (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
          <Marked segments={hit.excerpt} />
        </Typography.Paragraph>
      )}
    </li>
  );
}

/** 搜索: everything the user may read, grouped by kind, with the term marked. */
export default function SearchPage() {
  const { q, kind, groups, total, workspaces, regions, errors } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();

  /** The same search with another kind (undefined: all kinds). */
  const kindHref = (k?: SearchKind) => {
    const next = new URLSearchParams(params);
    if (k) next.set('kind', k); else next.delete('kind');
    return `/search?${next}`;
  };
  const shown = groups.filter((g) => g.hits.length > 0 || g.kind === kind);
  const capped = groups.some((g) => g.capped);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('search.title')}</Typography.Title>

      <FilterBar label={t('search.filters')} names={FILTERS} errors={errors}>
        <FilterText name="q" label={t('search.query')} maxLength={SEARCH_QUERY_MAX} button={t('search.submit')} width={320} />
        <FilterChoice name="workspace" label={t('search.workspace')} placeholder={t('search.allWorkspaces')} width={240}
          options={workspaces.map((w) => ({ value: w.id, label: w.name }))} />
        <FilterChoice name="region" label={t('search.region')} placeholder={t('search.allRegions')} width={140}
          options={regions.map((r) => ({ value: r, label: regionName(t, r) }))} />
      </FilterBar>

      {errors._form ? <Alert type="error" showIcon title={t(errors._form)} data-testid="search-error" />
        : errors.q ? <Alert type="error" showIcon title={t('search.tooLong')} data-testid="search-error" />
          : !q && Object.keys(errors).length === 0 ? <Alert type="info" showIcon title={t('search.prompt')} data-testid="search-prompt" />
            : null}

      {q && (
        <section aria-label={t('search.results')}>
          <Typography.Paragraph role="status" data-testid="search-summary">
            {t(capped ? 'search.summaryCapped' : 'search.summary', { q, n: total })}
          </Typography.Paragraph>
          <nav aria-label={t('search.kinds')}>
            <ul style={{ display: 'flex', flexWrap: 'wrap', gap: 16, listStyle: 'none', padding: 0, margin: '0 0 8px' }}>
              <li><Link to={kindHref()} aria-current={!kind ? 'page' : undefined} style={{ fontWeight: !kind ? 600 : undefined }}>
                {t('search.kindAll')} ({total}{capped ? '+' : ''})</Link></li>
              {groups.map((g) => (
                <li key={g.kind}>
                  <Link to={kindHref(g.kind)} aria-current={kind === g.kind ? 'page' : undefined}
                    style={{ fontWeight: kind === g.kind ? 600 : undefined }} data-testid={`search-kind-${g.kind}`}>
                    {t(`search.kind.${g.kind}`)} ({countLabel(t, g)})
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {total === 0 && !kind ? <Empty description={t('search.noResults', { q })} data-testid="search-empty" /> : shown.map((g) => (
            <section key={g.kind} aria-labelledby={`search-group-${g.kind}`} data-testid={`search-group-${g.kind}`} style={{ marginTop: 16 }}>
              <Typography.Title level={2} id={`search-group-${g.kind}`} style={{ fontSize: 18, marginBottom: 0 }}>
                {t(`search.kind.${g.kind}`)} <Typography.Text type="secondary" style={{ fontSize: 14 }}>{countLabel(t, g)}</Typography.Text>
              </Typography.Title>
              {g.kind === 'person' && <Typography.Text type="secondary">{t('search.peopleScope')}</Typography.Text>}
              {g.hits.length === 0 ? <Typography.Paragraph type="secondary">{t('search.groupEmpty')}</Typography.Paragraph> : (
                <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {g.hits.map((h) => <Hit key={h.id} hit={h} t={t} />)}
                </ol>
              )}
              {g.count > g.hits.length && (
                <Link to={kindHref(g.kind)} data-testid={`search-more-${g.kind}`}>{t('search.more', { n: countLabel(t, g) })}</Link>
              )}
            </section>
          ))}
        </section>
      )}
    </Space>
  );
}
