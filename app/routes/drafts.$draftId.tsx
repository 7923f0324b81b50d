import { useEffect, useState } from 'react';
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, Outlet, useLoaderData } from '@remix-run/react';
import { Alert, Card, Skeleton, Space, Tag, Typography } from 'antd';
import { DownloadOutlined, HistoryOutlined } from '@ant-design/icons';
import { getDraft } from '../../server/services/drafts';
import { createThread, deleteComment, listComments, replyToThread, setThreadResolution } from '../../server/services/comments';
import {
  COMMENT_INTENTS, commentCreateSchema, commentDeleteSchema, commentReplySchema, commentThreadSchema,
} from '../../shared/validation/comments';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { pageTitle, useT } from '../lib/i18n';
import { useLiveRevalidation, useRevalidateWhenIdle } from '../realtime/hooks';
import { RegionTag, REGION_COLORS } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { DraftEditor } from '../components/editor/DraftEditor';
import { CollaboratorsCard, DraftRoleTag } from '../components/editor/CollaboratorsCard';
import { CommentsPanel } from '../components/editor/CommentsPanel';
import { AttributionToggle } from '../components/editor/AttributionToggle';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'nav.drafts', args.data?.draft.title);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  const { draft, collaborators, role, abilities } = await guard(() => getDraft(context.db, user, id));
  const comments = await guard(() => listComments(context.db, user, id));
  return {
    draft,
    collaborators,
    role,
    abilities,
    comments,
    // The caret and presence identity: the collaboration server sets the same one from the session.
    me: { id: user.id, name: user.displayName, org: user.orgName, region: user.region, color: REGION_COLORS[user.region] ?? '#555' },
  };
}

/** A refused comment action keeps the editor: its message shows in the comments panel. */
const COMMENT_REFUSALS = { forbidden: 'comments.forbidden', notFound: 'comments.notFound' };

/**
 * 评论 intents of the comments panel (JSON from its fetchers). Refusals come back as data with their
 * status (400 field errors, 403, 404), not thrown: a thrown one would replace the editor with the error page.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  await requireReadable(context, user, 'draft', id);
  const input = await readInput(request);
  const intent = readIntent(input, COMMENT_INTENTS);
  const [db, call] = [context.db, callContext(context)];
  switch (intent) {
    case 'comment':
      return submitForm(intent, commentCreateSchema, input, (v) => createThread(db, user, id, v, call), 'comments.created', COMMENT_REFUSALS);
    case 'reply':
      return submitForm(intent, commentReplySchema, input, (v) => replyToThread(db, user, id, v.threadId, v.body, call), 'comments.replied', COMMENT_REFUSALS);
    case 'resolve':
    case 'reopen':
      return submitForm(intent, commentThreadSchema, input, (v) => setThreadResolution(db, user, id, v.threadId, intent === 'resolve', call),
        intent === 'resolve' ? 'comments.resolvedOk' : 'comments.reopenedOk', COMMENT_REFUSALS);
    case 'deleteComment':
      return submitForm(intent, commentDeleteSchema, input, (v) => deleteComment(db, user, id, v.commentId, call), 'comments.deleted', COMMENT_REFUSALS);
    default:
      return badRequest({ intent: 'validation.invalid' });
  }
}

/** The editor opens a WebSocket and IndexedDB: render it only in the browser, after hydration. */
function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** 草稿编辑: the live document, who is here, and the draft's collaborators. */
export default function DraftPage() {
  const { draft, collaborators, role, abilities, me, comments } = useLoaderData<typeof loader>();
  const mounted = useMounted();
  // The collaboration server's "rights changed" (e.g. frozen for signing) can arrive while the browser is
  // offline (an open WebSocket outlives the network): a load then would replace the page with its error.
  const revalidate = useRevalidateWhenIdle();
  const t = useT();
  // Title, visibility and collaborators follow changes made elsewhere; the text itself is live already.
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'draft' && e.id === draft.id);
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
          <VisibilityTag visibility={draft.visibility} regions={draft.workspaceRegions} />
          <span>{draft.ownerOrgName} <RegionTag region={draft.ownerRegion} /></span>
          <Link to={`/workspaces/${draft.workspaceId}`}>{draft.workspaceName}</Link>
          <span>
            {t('drafts.myRole')}：<DraftRoleTag role={myRole ?? role} />
          </span>
          {/* A plain link: a resource route (the file download), not a client navigation. */}
          <a href={`/drafts/${draft.id}/export.docx`} download title={t('word.exportHelp')} data-testid="export-docx">
            <DownloadOutlined aria-hidden="true" /> {t('word.export')}
          </a>
          <Link to="versions" preventScrollReset title={t('versions.openHelp')} data-testid="open-versions">
            <HistoryOutlined aria-hidden="true" /> {t('versions.open')}
          </Link>
          {draft.kind === 'proposal' && <Link to="sponsors" preventScrollReset data-testid="open-sponsorship">{t('drafts.sponsorship')}</Link>}
        </Space>
        {draft.frozen && (
          <Alert style={{ marginTop: 12 }} type="info" showIcon data-testid="draft-frozen"
            title={draft.proposalId ? t('sponsorship.submitted') : t('sponsorship.frozenHint')}
            action={<Link to={draft.proposalId ? `/proposals/${draft.proposalId}` : `/drafts/${draft.id}/sponsors`}>
              {draft.proposalId ? t('sponsorship.openProposal') : t('drafts.sponsorship')}</Link>} />
        )}
      </header>
      {mounted ? (
        <DraftEditor key={draft.id} draftId={draft.id} me={me} role={role} frozen={draft.frozen} sidebar={sidebar} onAccessChanged={revalidate}
          comments={(editor) => <>
            <AttributionToggle draftId={draft.id} editor={editor} />
            <CommentsPanel draftId={draft.id} editor={editor} meId={me.id} data={comments} />
          </>} />
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
