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
 */
export const UndoSteps = Extension.create({
  name: 'undoSteps',
  addProseMirrorPlugins() {
    let afterPaste = false;
    return [new Plugin({
      key: new PluginKey('undoSteps'),
      // Runs before the collaboration plugin hands the transaction to Yjs: the step ends first.
      appendTransaction(transactions, _old, state) {
        const pasted = transactions.some(pastedOrDropped);
        const moved = transactions.some((tr) => tr.selectionSet && !tr.docChanged);
        const own = transactions.some(ownEdit);
        if (pasted || moved || (afterPaste && own)) yUndoPluginKey.getState(state)?.undoManager.stopCapturing();
        if (pasted) afterPaste = true;
        else if (own) afterPaste = false;
        return null;
      },
    })];
  },
});
