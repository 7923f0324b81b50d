import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentText } from './document';
import { documentStateFromJSON } from '../../shared/editor/state';
import { decodeAwarenessUpdate, encodeAwarenessEntries, sanitizeAwarenessUpdate } from './awareness';
import { decodeClientMessage, ProtocolError, syncStep1Message, updateMessage } from './protocol';

const docOf = (json: unknown) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, documentStateFromJSON(json).state);
  return doc;
};

describe('documentText', () => {
  it('reads blocks, lists, tables and hard breaks without a schema, one line per block', () => {
    const doc = docOf({
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: '案由' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '氢能', marks: [{ type: 'bold' }] }, { type: 'hardBreak' }, { type: 'text', text: '走廊' }] },
        { type: 'paragraph' },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: '建议一' }] }] }] },
        { type: 'table', content: [{ type: 'tableRow', content: [
          { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: '成都' }] }] },
          { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: '重庆' }] }] },
        ] }] },
      ],
    });
    expect(documentText(doc)).toBe('案由\n氢能\n走廊\n\n建议一\n成都\n重庆');
  });

  it('does not change the document it reads (no update, no new root type)', () => {
    const doc = docOf({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '甲' }] }] });
    let updates = 0;
    doc.on('update', () => { updates++; });
    documentText(doc);
    expect(updates).toBe(0);
    const empty = new Y.Doc();
    expect(documentText(empty)).toBe('');
    expect(empty.share.size).toBe(0);
  });
});

describe('client messages', () => {
  it('decodes the y-websocket messages and refuses anything else', () => {
    const doc = new Y.Doc();
    expect(decodeClientMessage(syncStep1Message(doc)).type).toBe('sync-step1');
    expect(decodeClientMessage(updateMessage(Y.encodeStateAsUpdate(doc))).type).toBe('sync-update');
    expect(decodeClientMessage(new Uint8Array([3])).type).toBe('query-awareness');
    for (const bad of [[], [2, 0], [9], [0, 7, 0], [0, 0, 5, 1], [3, 0]]) {
      expect(() => decodeClientMessage(new Uint8Array(bad))).toThrow(ProtocolError);
    }
  });

  it('keeps only the awareness entries a connection may use, with the identity overwritten', () => {
    const identity = { id: 'u1', name: '李明', org: '重庆市政协', region: 'chongqing', color: '#b3300b' };
    const update = encodeAwarenessEntries([
      { clientId: 1, clock: 1, state: { user: { name: '冒充' }, cursor: { anchor: 3 } } },
      { clientId: 2, clock: 1, state: { user: { name: '别人' } } },
    ]);
    const kept = decodeAwarenessUpdate(sanitizeAwarenessUpdate(update, { identity, mayUse: (id) => id === 1, maxChars: 1000 })!);
    expect(kept).toEqual([{ clientId: 1, clock: 1, state: { user: identity, cursor: { anchor: 3 } } }]);
    expect(sanitizeAwarenessUpdate(update, { identity, mayUse: () => false, maxChars: 1000 })).toBeNull();
    expect(() => sanitizeAwarenessUpdate(update, { identity, mayUse: () => true, maxChars: 10 })).toThrow();
  });
});
