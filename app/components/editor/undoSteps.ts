import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { yUndoPluginKey } from '@tiptap/y-tiptap';

/**
 * Undo steps end where the person moves the caret. The Yjs undo manager groups whatever is typed
 * within 500 ms into one step, wherever it is: typing a word, clicking elsewhere and typing again
 * quickly made one undo take back both. ProseMirror's own history starts a new step when a change
 * is not next to the last one; here a selection moved without an edit (a click, an arrow key) ends
 * the step. Other people's edits change the document and do not end it.
 */
export const UndoSteps = Extension.create({
  name: 'undoSteps',
  addProseMirrorPlugins() {
    return [new Plugin({
      key: new PluginKey('undoSteps'),
      appendTransaction(transactions, _old, state) {
        if (transactions.some((tr) => tr.selectionSet && !tr.docChanged)) {
          yUndoPluginKey.getState(state)?.undoManager.stopCapturing();
        }
        return null;
      },
    })];
  },
});
