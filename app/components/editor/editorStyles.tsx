/**
 * Styles of the draft editor. The caret extension ships no CSS: carets and their name labels are
 * styled here (`.collaboration-carets__caret`, `__label`, `__selection`), coloured per region inline.
 */
import { InlineStyle } from '../InlineStyle';

const CSS = `
.draft-editor { background: #fff; border: 1px solid #d9d9d9; border-radius: 6px; }
.draft-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 2px; padding: 6px 8px;
  border-bottom: 1px solid #f0f0f0; position: sticky; top: 0; z-index: 2; background: #fafafa; }
.draft-editor .ProseMirror { min-height: 520px; padding: 20px 32px 48px; outline: none; font-size: 16px; line-height: 1.9;
  color: rgba(0,0,0,0.88); }
.draft-editor .ProseMirror:focus-visible { box-shadow: inset 0 0 0 2px #b71c1c33; }
.draft-editor .ProseMirror h1 { font-size: 22px; text-align: center; margin: 8px 0 16px; line-height: 1.5; }
.draft-editor .ProseMirror h2 { font-size: 18px; margin: 20px 0 8px; }
.draft-editor .ProseMirror h3 { font-size: 16px; margin: 16px 0 6px; }
.draft-editor .ProseMirror p { margin: 0 0 8px; text-indent: 2em; }
.draft-editor .ProseMirror li p, .draft-editor .ProseMirror td p, .draft-editor .ProseMirror th p { text-indent: 0; margin: 0; }
.draft-editor .ProseMirror ul, .draft-editor .ProseMirror ol { padding-left: 2em; margin: 0 0 8px; }
.draft-editor .ProseMirror table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; table-layout: fixed; }
.draft-editor .ProseMirror th, .draft-editor .ProseMirror td { border: 1px solid #bfbfbf; padding: 4px 8px; vertical-align: top;
  font-size: 14px; line-height: 1.6; position: relative; }
.draft-editor .ProseMirror th { background: #f5f5f5; font-weight: 600; }
.draft-editor .ProseMirror .selectedCell::after { content: ''; position: absolute; inset: 0; background: #1d39c41a; pointer-events: none; }
.draft-editor__statusbar { display: flex; justify-content: space-between; gap: 16px; padding: 6px 12px;
  border-bottom: 1px solid #f0f0f0; color: rgba(0,0,0,0.65); font-size: 13px; }
.collaboration-carets__caret { border-left: 2px solid; margin-left: -1px; margin-right: -1px; pointer-events: none;
  position: relative; word-break: normal; }
.collaboration-carets__label { position: absolute; top: -1.5em; left: -2px; padding: 0 6px; border-radius: 3px 3px 3px 0;
  color: #fff; font-size: 12px; font-weight: 600; line-height: 1.5; white-space: nowrap; user-select: none;
  text-indent: 0; font-style: normal; }
.draft-presence { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
.draft-presence li { display: flex; gap: 8px; align-items: flex-start; }
.draft-presence__dot { width: 10px; height: 10px; border-radius: 50%; margin-top: 7px; flex: none; }
`;

export function EditorStyles() {
  return <InlineStyle css={CSS} />;
}
