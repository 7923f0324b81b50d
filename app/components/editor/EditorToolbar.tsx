import type { ReactNode } from 'react';
import { Button, Divider, Tooltip } from 'antd';
import {
  BoldOutlined, DeleteColumnOutlined, DeleteOutlined, DeleteRowOutlined, InsertRowBelowOutlined,
  InsertRowRightOutlined, ItalicOutlined, OrderedListOutlined, RedoOutlined, TableOutlined, UndoOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { useEditorState, type Editor } from '@tiptap/react';
import { useT } from '../../lib/i18n';

/**
 * 编辑工具栏: headings, bold/italic, lists, tables and undo/redo. Undo is the collaboration undo:
 * it takes back this person's own changes only, never a co-author's.
 */
export function EditorToolbar({ editor }: { editor: Editor }) {
  const t = useT();
  const s = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      h1: e.isActive('heading', { level: 1 }),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      inTable: e.isActive('table'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const run = (fn: (c: ReturnType<Editor['chain']>) => ReturnType<Editor['chain']>) => () => fn(editor.chain().focus()).run();

  const item = (key: string, label: string, icon: ReactNode, onClick: () => void, opts: { pressed?: boolean; disabled?: boolean } = {}) => (
    <Tooltip key={key} title={label}>
      <Button
        size="small"
        type={opts.pressed ? 'primary' : 'text'}
        aria-label={label}
        aria-pressed={opts.pressed === undefined ? undefined : opts.pressed}
        disabled={opts.disabled}
        icon={icon}
        onClick={onClick}
        data-testid={`tool-${key}`}
      />
    </Tooltip>
  );
  const heading = (level: 1 | 2 | 3) =>
    item(`h${level}`, t(`drafts.tool.h${level}`), <span style={{ fontWeight: 700, fontSize: 12 }}>H{level}</span>,
      run((c) => c.toggleHeading({ level })), { pressed: s[`h${level}`] });

  return (
    <div role="toolbar" aria-label={t('drafts.tool.label')} className="draft-toolbar">
      {heading(1)}{heading(2)}{heading(3)}
      <Divider orientation="vertical" />
      {item('bold', t('drafts.tool.bold'), <BoldOutlined />, run((c) => c.toggleBold()), { pressed: s.bold })}
      {item('italic', t('drafts.tool.italic'), <ItalicOutlined />, run((c) => c.toggleItalic()), { pressed: s.italic })}
      <Divider orientation="vertical" />
      {item('bulletList', t('drafts.tool.bulletList'), <UnorderedListOutlined />, run((c) => c.toggleBulletList()), { pressed: s.bullet })}
      {item('orderedList', t('drafts.tool.orderedList'), <OrderedListOutlined />, run((c) => c.toggleOrderedList()), { pressed: s.ordered })}
      <Divider orientation="vertical" />
      {item('insertTable', t('drafts.tool.insertTable'), <TableOutlined />,
        run((c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true })), { disabled: s.inTable })}
      {item('addRow', t('drafts.tool.addRow'), <InsertRowBelowOutlined />, run((c) => c.addRowAfter()), { disabled: !s.inTable })}
      {item('addColumn', t('drafts.tool.addColumn'), <InsertRowRightOutlined />, run((c) => c.addColumnAfter()), { disabled: !s.inTable })}
      {item('deleteRow', t('drafts.tool.deleteRow'), <DeleteRowOutlined />, run((c) => c.deleteRow()), { disabled: !s.inTable })}
      {item('deleteColumn', t('drafts.tool.deleteColumn'), <DeleteColumnOutlined />, run((c) => c.deleteColumn()), { disabled: !s.inTable })}
      {item('deleteTable', t('drafts.tool.deleteTable'), <DeleteOutlined />, run((c) => c.deleteTable()), { disabled: !s.inTable })}
      <Divider orientation="vertical" />
      {item('undo', t('drafts.tool.undo'), <UndoOutlined />, run((c) => c.undo()), { disabled: !s.canUndo })}
      {item('redo', t('drafts.tool.redo'), <RedoOutlined />, run((c) => c.redo()), { disabled: !s.canRedo })}
    </div>
  );
}
