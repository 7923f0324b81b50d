import { parentPort } from 'node:worker_threads';
import { DocxError, importDocx, type DocumentJSON, type DocxRefusal, type ImportLimits } from './docx-to-json';
import { documentJSONToDocx, type DocxMeta } from './json-to-docx';

/**
 * A Word conversion thread of the pool (pool.ts): mammoth, Tiptap and docx run here, one job at a
 * time, so a long conversion never holds the server's event loop. It says `ready` once loaded.
 */

export type WordTask =
  | { kind: 'import'; file: Uint8Array; limits: ImportLimits }
  | { kind: 'export'; json: DocumentJSON; meta: DocxMeta };

export type WordReply =
  | { id: number; value: DocumentJSON | Uint8Array }
  | { id: number; refusal: DocxRefusal }
  | { id: number; error: string };

async function run(task: WordTask): Promise<DocumentJSON | Uint8Array> {
  if (task.kind === 'import') return importDocx(Buffer.from(task.file.buffer, task.file.byteOffset, task.file.byteLength), task.limits);
  return new Uint8Array(await documentJSONToDocx(task.json, task.meta));
}

const port = parentPort!;
port.on('message', async ({ id, task }: { id: number; task: WordTask }) => {
  let reply: WordReply;
  try {
    reply = { id, value: await run(task) };
  } catch (err) {
    reply = err instanceof DocxError ? { id, refusal: err.reason } : { id, error: err instanceof Error ? err.stack ?? err.message : String(err) };
  }
  port.postMessage(reply);
});
port.postMessage('ready');
