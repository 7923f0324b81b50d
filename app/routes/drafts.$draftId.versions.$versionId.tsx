import { useEffect, useState } from 'react';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useNavigate, useRouteLoaderData, type ShouldRevalidateFunction } from '@remix-run/react';
import { Alert, Button, Select, Space, Typography } from 'antd';
import { openVersion } from '../../server/services/versions';
import { COMPARE_CURRENT, versionCompareSchema, type VersionCompare } from '../../shared/validation/versions';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { formatDateTime } from '../../shared/format/datetime';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { RegionTag } from '../components/RegionTag';
import { VersionView } from '../components/editor/VersionView';
import { DiffView, useRestoreVersion } from '../components/editor/DiffView';
import type { loader as versionsLoader } from './drafts.$draftId.versions';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

/**
 * 版本查看与对比 (inside the versions drawer): one saved version, read-only, or with
 * `?compare=<otherVersionId|current>` the changes between it and another version or the current
 * text, oldest first. Both are rendered in a separate read-only editor bound to a scratch document
 * (app/components/editor/VersionView.tsx): the live document is never touched here.
 */

export const meta: MetaFunction = (args) => pageTitle(args, 'versions.title');

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const draftId = requireId(params.draftId);
  const versionId = requireId(params.versionId);
  const raw = new URL(request.url).searchParams.get('compare');
  let compare: VersionCompare | null = null;
  if (raw) {
    // Names no version of this draft (or is not even an id): not found, like any unknown id.
    const parsed = versionCompareSchema.safeParse(raw);
    if (!parsed.success) throw new Response('not found', { status: 404 });
    compare = parsed.data;
  }
  const v = await guard(() => openVersion(context.db, user, draftId, versionId, compare, callContext(context)));
  return {
    draftId,
    version: v.version,
    // With a comparison the version is one of its two sides: not sent twice.
    data: v.compare ? null : base64(v.data),
    compare: v.compare && {
      kind: v.compare.kind,
      version: v.compare.kind === 'version' ? v.compare.version : null,
      before: base64(v.compare.before),
      after: base64(v.compare.after),
    },
    abilities: v.abilities,
    authorship: v.authorship,
  };
}

/**
 * Re-read on navigation and after actions (a restore changes "current"), not on every live
 * revalidation of the draft page: a diff of a large document is not rebuilt for each comment.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) =>
  formMethod || currentUrl.href !== nextUrl.href ? defaultShouldRevalidate : false;

function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

export default function DraftVersion() {
  const { draftId, version, data, compare, abilities, authorship } = useLoaderData<typeof loader>();
  const others = useRouteLoaderData<typeof versionsLoader>('routes/drafts.$draftId.versions')?.versions ?? [];
  const navigate = useNavigate();
  const mounted = useMounted();
  const { restore, busy } = useRestoreVersion(draftId);
  const t = useT();
  const locale = useLocale();

  const compareValue = compare ? (compare.kind === 'current' ? COMPARE_CURRENT : compare.version!.id) : '';
  const otherLabel = compare?.kind === 'current' ? t('versions.current') : compare?.version?.name ?? '';
  const versionIsOlder = !compare || compare.kind === 'current' || new Date(compare.version!.createdAt) >= new Date(version.createdAt);
  const [fromLabel, toLabel] = versionIsOlder ? [version.name, otherLabel] : [otherLabel, version.name];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to={`/drafts/${draftId}/versions`}>← {t('versions.back')}</Link>
      <div>
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }} data-testid="version-name-heading">{version.name}</Typography.Title>
        <Typography.Text type="secondary">
          {t('versions.savedBy', { name: version.authorName, org: version.authorOrg, time: formatDateTime(version.createdAt, locale) })}
        </Typography.Text>{' '}
        <RegionTag region={version.authorRegion} />
      </div>
      <Space wrap align="center">
        <label htmlFor="version-compare">{t('versions.compareWith')}</label>
        <Select id="version-compare" style={{ minWidth: 280 }} value={compareValue} data-testid="version-compare"
          onChange={(v: string) => navigate(v ? `?compare=${v}` : '.', { replace: true })}
          options={[
            { value: '', label: t('versions.compareNone') },
            { value: COMPARE_CURRENT, label: t('versions.current') },
            ...others.filter((o) => o.id !== version.id).map((o) => ({ value: o.id, label: `${o.name} · ${formatDateTime(o.createdAt, locale)}` })),
          ]} />
        {abilities.restore && (
          <Button danger disabled={busy} onClick={() => restore(version)} data-testid="restore-this-version">
            {t('versions.restoreNamed', { name: version.name })}
          </Button>
        )}
      </Space>
      <Alert type="info" showIcon title={t('versions.readOnly')} />
      {!mounted ? null : compare ? (
        <DiffView key={`${version.id}:${compareValue}`} before={compare.before} after={compare.after}
          fromLabel={fromLabel} toLabel={toLabel} authorship={authorship} />
      ) : (
        <VersionView key={version.id} after={data!} authorship={authorship} label={t('versions.contentLabel', { name: version.name })} />
      )}
    </Space>
  );
}
