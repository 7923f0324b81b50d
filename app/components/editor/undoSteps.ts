import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import { ySyncPluginKey, yUndoPluginKey } from '@tiptap/y-tiptap';

const pastedOrDropped = (tr: Transaction) => ['paste', 'drop'].includes(tr.getMeta('uiEvent') as string);
/** A change this person made (not one that came from Yjs: someone else's, or an undo). */
const ownEdit = (tr: Transaction) => tr.docChanged && !(tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin;

/**
 * Undo steps end where the person moves the caret, and a paste or a drop is a step of its own. The Yjs
 * undo manager groups whatever is typed within 500 ms into one step, wherever it is: typing a word,
 * clicking elsewhere and typing again quickly made one undo take back both, and undoing a paste took the
 * word typed just before it too. ProseMirror's own history starts a new step when a change is not next
 * to the last one; here a selection moved without an edit (a click, an arrow key) ends the step, and a
 * paste ends the step before it and its own. Other people's edits change the document and end nothing.
 *
 * The collaboration plugin also ends the step after any transaction that follows someone else's edit
 * without changing the document (their caret moving, a comment's highlight): it takes that edit's "not
 * for the history" mark for a change of this person's own. With someone typing at the same time, each
 * keystroke here became a step of its own, and undo took back one character at a time. Those calls are
 * ignored while the last change to the document came through Yjs.
 */
/** Each undo manager's own `stopCapturing`, before it was wrapped. */
const ownStop = new WeakMap<object, () => void>();

export const UndoSteps = Extension.create({
  name: 'undoSteps',
  addProseMirrorPlugins() {
    let afterPaste = false;
    let lastChangeFromYjs = false;
    let endStep = () => undefined as void;
    return [new Plugin({
      key: new PluginKey('undoSteps'),
      // Called again whenever the editor's plugins change (menus register theirs): the manager is wrapped once.
      view(view) {
        const undoManager = yUndoPluginKey.getState(view.state)?.undoManager;
        if (undoManager) {
          const stopCapturing = ownStop.get(undoManager) ?? undoManager.stopCapturing.bind(undoManager);
          if (!ownStop.has(undoManager)) {
            ownStop.set(undoManager, stopCapturing);
            undoManager.stopCapturing = () => { if (!lastChangeFromYjs) stopCapturing(); };
          }
          endStep = stopCapturing;
        }
        return {};
      },
      // Runs before the collaboration plugin hands the transaction to Yjs: the step ends first.
      appendTransaction(transactions) {
        const pasted = transactions.some(pastedOrDropped);
        const moved = transactions.some((tr) => tr.selectionSet && !tr.docChanged);
        const own = transactions.some(ownEdit);
        if (transactions.some((tr) => tr.docChanged)) lastChangeFromYjs = !own;
        if (pasted || moved || (afterPaste && own)) endStep();
        if (pasted) afterPaste = true;
        else if (own) afterPaste = false;
        return null;
      },
    })];
  },
});
