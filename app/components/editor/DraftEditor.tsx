import { useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Card, Skeleton, Space } from 'antd';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { documentExtensions, DOCUMENT_FIELD } from '../../../shared/editor/extensions';
import { UndoSteps } from './undoSteps';
import { PASTE_MAX, PasteLimit } from './pasteLimit';
import { useCollabDocument, type CollabRefusal, type CollabSession } from '../../realtime/collab.client';
import { useT } from '../../lib/i18n';
import { CharacterCount } from './CharacterCount';
import { ConnectionStatus } from './ConnectionStatus';
import { EditorToolbar } from './EditorToolbar';
import { EditorStyles } from './editorStyles';
import { PresenceList, safeColor, type PresenceUser } from './PresenceList';
import { CommentHighlights } from './commentHighlights';
import { CommentBubbleMenu } from './CommentsPanel';

interface Props {
  draftId: string;
  /** The caret identity; the server sets the same one in awareness from the session. */
  me: PresenceUser;
  /** Editors write; commenters and viewers read (the server drops their updates as well). */
  role: 'editor' | 'commenter' | 'viewer';
  /** The text is frozen for signing: the page says so, not the role's read-only notice. */
  frozen?: boolean;
  /** Shown under the presence list (collaborators, settings link). */
  sidebar?: ReactNode;
  /** The server says this user's rights changed: reload the page's data (role, collaborators). */
  onAccessChanged?: () => void;
  /** The comments panel, given the live editor (null until it exists or once access is gone). */
  comments?: (editor: Editor | null) => ReactNode;
}

/** The caret of another person: a coloured bar with their name (textContent-safe: a text node). */
function renderCaret(user: Record<string, unknown>) {
  const color = safeColor(user.color);
  const caret = document.createElement('span');
  caret.classList.add('collaboration-carets__caret');
  caret.style.borderColor = color;
  const label = document.createElement('span');
  label.classList.add('collaboration-carets__label');
  label.style.backgroundColor = color;
  label.append(document.createTextNode(typeof user.name === 'string' ? user.name : '?'));
  caret.append(label);
  return caret;
}

function CollabEditor({ session, me, editable, status, canComment, onEditor }: {
  session: CollabSession; me: PresenceUser; editable: boolean; status: ReactNode; canComment?: boolean; onEditor?: (e: Editor | null) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const editor = useEditor({
    immediatelyRender: false,
    editable,
    extensions: [
      ...documentExtensions,
      Collaboration.configure({ document: session.doc, field: DOCUMENT_FIELD }),
      CollaborationCaret.configure({
        provider: session.provider,
        user: me,
        render: renderCaret,
        selectionRender: (user) => ({ nodeName: 'span', class: 'collaboration-carets__selection', style: `background-color: ${safeColor(user.color)}33` }),
      }),
      CommentHighlights,
      UndoSteps,
      PasteLimit.configure({
        onRefused: (size) => message.warning(t('drafts.pasteTooLong', { n: size.toLocaleString('zh-CN'), max: PASTE_MAX.toLocaleString('zh-CN') })),
      }),
    ],
    editorProps: {
      attributes: { role: 'textbox', 'aria-multiline': 'true', 'aria-label': t('drafts.editorLabel'), 'aria-readonly': String(!editable), 'data-testid': 'draft-editor' },
    },
  }, [session]);

  useEffect(() => {
    onEditor?.(editor);
    return () => onEditor?.(null);
  }, [editor, onEditor]);

  // Losing write access (role changed, access revoked) stops local edits at once.
  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  if (!editor) return <Skeleton active paragraph={{ rows: 12 }} />;
  return (
    <div className="draft-editor">
      <div className="draft-editor__statusbar">
        {status}
        <CharacterCount editor={editor} />
      </div>
      {editable && <EditorToolbar editor={editor} />}
      {canComment && <CommentBubbleMenu editor={editor} />}
      <EditorContent editor={editor} />
    </div>
  );
}

const REFUSAL_KEYS: Record<CollabRefusal, string> = {
  unauthenticated: 'drafts.refused.unauthenticated',
  forbidden: 'drafts.refused.forbidden',
  notFound: 'drafts.refused.notFound',
  badMessage: 'drafts.refused.badMessage',
  outsideSchema: 'drafts.refused.outsideSchema',
  tooLarge: 'drafts.refused.tooLarge',
};

/**
 * 草稿编辑器: Tiptap bound to the draft's Yjs document, with carets, presence, connection status and
 * a Chinese character count. Browser only (mount it after hydration): it opens a WebSocket and IndexedDB.
 */
export function DraftEditor({ draftId, me, role, frozen, sidebar, onAccessChanged, comments }: Props) {
  const t = useT();
  const [editor, setEditor] = useState<Editor | null>(null);
  const collab = useCollabDocument(draftId, me.id, onAccessChanged);
  const canEdit = role === 'editor';
  const editable = canEdit && !collab.refusal && collab.ready;
  // Access is gone: take the text off the screen too, not just the connection.
  const lost = collab.refusal === 'forbidden' || collab.refusal === 'notFound';

  return (
    <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <EditorStyles />
      <div style={{ flex: '1 1 640px', minWidth: 0 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {collab.refusal && <Alert type="error" showIcon title={t(REFUSAL_KEYS[collab.refusal])} data-testid="collab-refused" />}
          {collab.editsDiscarded && <Alert type="warning" showIcon closable data-testid="collab-edits-discarded"
            title={t(frozen ? 'drafts.editsDiscarded.frozen' : 'drafts.editsDiscarded.readOnly')} />}
          {!canEdit && !lost && !frozen && <Alert type="info" showIcon title={t(`drafts.readOnly.${role}`)} data-testid="draft-read-only" />}
          {lost ? null : collab.session
            ? <CollabEditor key={draftId} session={collab.session} me={me} editable={editable} status={<ConnectionStatus status={collab.status} />}
              canComment={role !== 'viewer'} onEditor={comments ? setEditor : undefined} />
            : <Skeleton active paragraph={{ rows: 12 }} />}
        </Space>
      </div>
      <aside style={{ flex: '0 1 300px', minWidth: 260 }} aria-label={t('drafts.sidebar')}>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Card size="small">
            {collab.session && !lost ? <PresenceList provider={collab.session.provider} meId={me.id} /> : <Skeleton active title={false} />}
          </Card>
          {comments && !lost && <Card size="small">{comments(editor)}</Card>}
          {sidebar}
        </Space>
      </aside>
    </div>
  );
}
