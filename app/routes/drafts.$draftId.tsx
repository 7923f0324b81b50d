import { useEffect, useState } from 'react';
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, Outlet, useLoaderData, useRevalidator } from '@remix-run/react';
import { Card, Skeleton, Space, Tag, Typography } from 'antd';
import { getDraft } from '../../server/services/drafts';
import { guard, requireId, requireUser } from '../lib/session.server';
import { useT } from '../lib/i18n';
import { useLiveRevalidation } from '../realtime/hooks';
import { RegionTag, REGION_COLORS } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { DraftEditor } from '../components/editor/DraftEditor';
import { CollaboratorsCard, DraftRoleTag } from '../components/editor/CollaboratorsCard';

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: `${d?.draft.title ?? '草稿'} · 川渝政协协同履职平台` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  const { draft, collaborators, role, abilities } = await guard(() => getDraft(context.db, user, id));
  return {
    draft,
    collaborators,
    role,
    abilities,
    // The caret and presence identity: the collaboration server sets the same one from the session.
    me: { id: user.id, name: user.displayName, org: user.orgName, region: user.region, color: REGION_COLORS[user.region] ?? '#555' },
  };
}

/** The editor opens a WebSocket and IndexedDB: render it only in the browser, after hydration. */
function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** 草稿编辑: the live document, who is here, and the draft's collaborators. */
export default function DraftPage() {
  const { draft, collaborators, role, abilities, me } = useLoaderData<typeof loader>();
  const mounted = useMounted();
  const revalidator = useRevalidator();
  const t = useT();
  // Title, visibility and collaborators follow changes made elsewhere; the text itself is live already.
  useLiveRevalidation((e) => e.kind === 'draft' && e.id === draft.id);
  const myRole = draft.authorId === me.id ? 'author' : collaborators.find((c) => c.id === me.id)?.role ?? null;

  const sidebar = (
    <CollaboratorsCard
      author={{ id: draft.authorId, name: draft.authorName, orgName: draft.ownerOrgName, region: draft.ownerRegion }}
      collaborators={collaborators}
      settingsHref={abilities.manage ? `/drafts/${draft.id}/settings` : undefined}
    />
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/drafts">← {t('drafts.title')}</Link>
      <header>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }} data-testid="draft-title">{draft.title}</Typography.Title>
        <Space wrap size={[8, 4]} style={{ marginTop: 8 }}>
          <Tag>{t(`draftKind.${draft.kind}`)}</Tag>
          <VisibilityTag visibility={draft.visibility} />
          <span>{draft.ownerOrgName} <RegionTag region={draft.ownerRegion} /></span>
          <Link to={`/workspaces/${draft.workspaceId}`}>{draft.workspaceName}</Link>
          <span>
            {t('drafts.myRole')}：<DraftRoleTag role={myRole ?? role} />
          </span>
        </Space>
      </header>
      {mounted ? (
        <DraftEditor key={draft.id} draftId={draft.id} me={me} role={role} sidebar={sidebar} onAccessChanged={revalidator.revalidate} />
      ) : (
        <div style={{ display: 'flex', gap: 24, flexWrap: 'wrap' }}>
          <Card style={{ flex: '1 1 640px' }}><Skeleton active paragraph={{ rows: 12 }} /></Card>
          <div style={{ flex: '0 1 300px', minWidth: 260 }}>{sidebar}</div>
        </div>
      )}
      <Outlet />
    </Space>
  );
}
