import { useEditorState, type Editor } from '@tiptap/react';
import { useT } from '../../lib/i18n';

const IDEOGRAPH = /\p{Unified_Ideograph}/gu;

/** Chinese characters (CJK unified ideographs) in a text: how proposals are measured (字数). */
export function countChineseCharacters(text: string): number {
  return text.match(IDEOGRAPH)?.length ?? 0;
}

/**
 * The document's Chinese character count. Reads the ProseMirror document, not the DOM: remote
 * caret labels are decorations and never counted.
 */
export function CharacterCount({ editor }: { editor: Editor }) {
  const t = useT();
  const count = useEditorState({
    editor,
    selector: ({ editor: e }) => countChineseCharacters(e.state.doc.textBetween(0, e.state.doc.content.size, '\n', ' ')),
  });
  return <span data-testid="draft-char-count">{t('drafts.charCount', { n: count.toLocaleString('zh-CN') })}</span>;
}
