import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { Slice } from '@tiptap/pm/model';

/**
 * The most one paste or drop may add, in document positions (about characters). A paste is one Yjs
 * update, sent to the collaboration server as one message, and the server closes a connection on a
 * message over 2 MB (its `maxPayload`): 100,000 Chinese characters are about 300 KB, room enough for
 * the formatting Word brings along. A book pasted at once would never reach the others.
 */
export const PASTE_MAX = 100_000;

export interface PasteLimitOptions {
  /** Told when a paste or drop is refused (the page shows a message). */
  onRefused: (size: number) => void;
}

/** Refuses a paste or a drop larger than PASTE_MAX, leaving the document as it was. */
export const PasteLimit = Extension.create<PasteLimitOptions>({
  name: 'pasteLimit',
  addOptions() {
    return { onRefused: () => undefined };
  },
  addProseMirrorPlugins() {
    const tooLarge = (slice: Slice) => {
      if (slice.content.size <= PASTE_MAX) return false;
      this.options.onRefused(slice.content.size);
      return true;
    };
    return [new Plugin({
      key: new PluginKey('pasteLimit'),
      props: {
        handlePaste: (_view, _event, slice) => tooLarge(slice),
        // Moving text within the document adds nothing.
        handleDrop: (_view, _event, slice, moved) => !moved && tooLarge(slice),
      },
    })];
  },
});
