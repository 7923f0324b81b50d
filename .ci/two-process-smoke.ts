/**
 * Run by .ci/two-process-smoke against two app processes on one PostgreSQL and one Redis (A and B,
 * URLs in argv): cq-member on A and sc-member on B open the hydrogen-corridor draft with the real
 * y-websocket client, each types a line, and each must see the other's within 5 s.
 */
import { loginAt, openClient, until } from '../tests/support/collab';

const [urlA, urlB, draftId, password] = process.argv.slice(2);
const a = openClient(urlA, draftId, { cookie: await loginAt(urlA, 'cq-member', password) });
const b = openClient(urlB, draftId, { cookie: await loginAt(urlB, 'sc-member', password) });
try {
  await Promise.all([until(() => a.provider.synced, 'A synced', 15_000), until(() => b.provider.synced, 'B synced', 15_000)]);
  const fromA = `重庆一侧经进程A输入${Date.now()}`;
  const fromB = `四川一侧经进程B输入${Date.now()}`;
  a.type(fromA);
  b.type(fromB);
  const started = Date.now();
  await until(() => b.text().includes(fromA) && a.text().includes(fromB), 'each side to see the other\'s edit', 5000);
  console.log(`two processes: edits crossed in ${Date.now() - started} ms`);
} finally {
  a.destroy();
  b.destroy();
}
process.exit(0);
