import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentSchema } from '../../shared/editor/extensions';
import { documentStateFromJSON } from '../../shared/editor/state';
import { inspectUpdate, OutsideSchema } from './update-check';

const seed = documentStateFromJSON({
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: '案由' }] },
    { type: 'paragraph', content: [{ type: 'text', text: '起草说明：', marks: [{ type: 'bold' }] }, { type: 'text', text: '两地委员联名' }] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: '加氢站' }] }] }] },
    { type: 'codeBlock', content: [{ type: 'text', text: 'x = 1' }] },
  ],
});

/** The server's document, and the update a client makes from a copy of it. */
function edit(change: (doc: Y.Doc, root: Y.XmlFragment) => void) {
  const server = new Y.Doc();
  Y.applyUpdate(server, seed.state);
  const client = new Y.Doc();
  Y.applyUpdate(client, seed.state);
  change(client, client.getXmlFragment('default'));
  const update = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
  return { server, client, update, inspect: () => inspectUpdate(server, update, documentSchema()) };
}

const block = (root: Y.XmlFragment, i: number) => root.get(i) as Y.XmlElement;
const textOf = (root: Y.XmlFragment, i: number) => block(root, i).get(0) as Y.XmlText;

describe('inspectUpdate: what an update adds, and whether it fits the schema', () => {
  it('a keystroke in the middle of formatted text: written under the client id', () => {
    const e = edit((_, root) => textOf(root, 1).insert(3, '（修改）'));
    expect(e.inspect().writers).toEqual([e.client.clientID]);
  });

  it('content the document already holds adds nothing and is attributed to nobody', () => {
    const e = edit((_, root) => textOf(root, 1).insert(3, '甲'));
    Y.applyUpdate(e.server, e.update);
    expect(inspectUpdate(e.server, e.update, documentSchema()).writers).toEqual([]);
    // A browser's whole stored copy, handed back after a reload.
    expect(inspectUpdate(e.server, Y.encodeStateAsUpdate(e.client), documentSchema()).writers).toEqual([]);
  });

  it('what the editor writes fits: a new paragraph, bold text, a heading level, a list item, a line break', () => {
    const changes: Array<(doc: Y.Doc, root: Y.XmlFragment) => void> = [
      (_, root) => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText('新段落')]);
        root.insert(2, [p]);
      },
      (_, root) => textOf(root, 1).format(0, 2, { italic: {} }),
      (_, root) => textOf(root, 1).insert(5, '加粗', { bold: {} }),
      (_, root) => block(root, 0).setAttribute('level', 3 as unknown as string),
      (_, root) => {
        const item = new Y.XmlElement('listItem');
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText('储氢瓶')]);
        item.insert(0, [p]);
        block(root, 2).insert(1, [item]);
      },
      (_, root) => block(root, 1).insert(1, [new Y.XmlElement('hardBreak')]),
      (_, root) => textOf(root, 1).delete(0, 3),
    ];
    changes.forEach((change, i) => expect(() => edit(change).inspect(), `change ${i}`).not.toThrow());
  });

  it.each([
    ['a bare text run at the top of the document', (_: Y.Doc, root: Y.XmlFragment) => root.insert(0, [new Y.XmlText('空白')])],
    ['an unknown node', (_: Y.Doc, root: Y.XmlFragment) => root.insert(0, [new Y.XmlElement('script')])],
    ['a paragraph inside a paragraph', (_: Y.Doc, root: Y.XmlFragment) => block(root, 1).insert(0, [new Y.XmlElement('paragraph')])],
    ['text directly in a list', (_: Y.Doc, root: Y.XmlFragment) => block(root, 2).insert(0, [new Y.XmlText('散字')])],
    ['a list item at the top', (_: Y.Doc, root: Y.XmlFragment) => root.insert(0, [new Y.XmlElement('listItem')])],
    ['an unknown mark', (_: Y.Doc, root: Y.XmlFragment) => textOf(root, 1).format(0, 2, { blink: {} })],
    ['a mark where the block allows none', (_: Y.Doc, root: Y.XmlFragment) => textOf(root, 3).format(0, 1, { bold: {} })],
    ['an embed in a text run', (_: Y.Doc, root: Y.XmlFragment) => textOf(root, 1).insertEmbed(1, { image: 'x' })],
    ['another root type', (doc: Y.Doc) => doc.getText('notes').insert(0, '旁注')],
    ['plain values under the document root', (doc: Y.Doc) => {
      const other = new Y.Doc();
      other.clientID = doc.clientID;
      other.getArray('default').insert(0, ['x']);
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    }],
  ])('refuses %s', (_, change) => {
    const e = edit(change);
    expect(() => e.inspect()).toThrow(OutsideSchema);
  });

  it('refuses an update whose context the server does not have', () => {
    const client = new Y.Doc();
    Y.applyUpdate(client, seed.state);
    const server = new Y.Doc();
    Y.applyUpdate(server, seed.state);
    const before = Y.encodeStateVector(client);
    textOf(client.getXmlFragment('default'), 1).insert(0, '一');
    const middle = Y.encodeStateVector(client);
    textOf(client.getXmlFragment('default'), 1).insert(1, '二');
    const second = Y.encodeStateAsUpdate(client, middle);
    expect(() => inspectUpdate(server, second, documentSchema())).toThrow(OutsideSchema);
    // With what it builds on, it fits.
    expect(inspectUpdate(server, Y.encodeStateAsUpdate(client, before), documentSchema()).writers).toEqual([client.clientID]);
  });
});
