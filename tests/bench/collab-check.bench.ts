/**
 * What the collaboration server's check of an incoming update costs (server/collab/update-check.ts:
 * which client ids write new content, and whether it fits the schema), beside what applying the same
 * update to the live document costs, in the same run. Measured on a long document (1,000 paragraphs,
 * ~100,000 characters) so a check that grew with the document would show: a keystroke in the middle of
 * formatted text, and an Enter (a new paragraph with text). The load bench (collab-load) runs the whole
 * server with the check included; this row says how much of a keystroke's server CPU it is.
 */
import * as Y from 'yjs';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import { documentSchema } from '../../shared/editor/extensions';
import { inspectUpdate } from '../../server/collab/update-check';
import type { Benchmark, Row } from './run';

const ROUNDS = 20_000;

function longDocument(): Y.Doc {
  const content = [];
  for (let i = 0; i < 1000; i++) {
    content.push({ type: 'paragraph', content: [{ type: 'text', text: '起草说明：', marks: [{ type: 'bold' }] }, { type: 'text', text: `${'成渝氢走廊示范应用'.repeat(10)}${i}` }] });
  }
  return prosemirrorJSONToYDoc(documentSchema(), { type: 'doc', content }, 'default');
}

/** `count` updates made one after another on a copy of `server`'s document, each as its client would send it. */
function updates(server: Y.Doc, count: number, change: (doc: Y.Doc, i: number) => void): Uint8Array[] {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const out: Uint8Array[] = [];
  client.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < count; i++) change(client, i);
  return out;
}

/** µs per update: checking each against the document, and applying each to it. */
function measure(kind: string, change: (doc: Y.Doc, i: number) => void): Row[] {
  const server = longDocument();
  const list = updates(server, ROUNDS, change);
  const schema = documentSchema();
  // The check runs before the update is applied, against the document as it then is.
  let check = 0;
  let apply = 0;
  for (const u of list) {
    const a = performance.now();
    inspectUpdate(server, u, schema);
    const b = performance.now();
    Y.applyUpdate(server, u);
    const c = performance.now();
    check += b - a;
    apply += c - b;
  }
  const perCheck = (check / list.length) * 1000;
  const perApply = (apply / list.length) * 1000;
  return [{
    case: `${kind}, ${list.length} updates on a 1,000-paragraph document`,
    metric: 'schema and authorship check per update (reference: applying it)',
    unit: 'µs', value: Number(perCheck.toFixed(2)), reference: Number(perApply.toFixed(2)),
  }];
}

export default {
  name: 'collab update check',
  timeoutMs: 120_000,
  async run({ log }) {
    const rows: Row[] = [];
    rows.push(...measure('keystrokes in the middle of formatted text', (doc, i) => {
      const p = doc.getXmlFragment('default').get(500 + (i % 100)) as Y.XmlElement;
      (p.get(0) as Y.XmlText).insert(10, '字');
    }));
    log('keystrokes done');
    rows.push(...measure('Enter: a new paragraph with text', (doc, i) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`新段落${i}`)]);
      doc.getXmlFragment('default').insert(500, [p]);
    }));
    return rows;
  },
} satisfies Benchmark;
