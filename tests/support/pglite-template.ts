import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite's initdb takes ~8 s on a busy 2-core machine; copying a freshly initialised, empty cluster
 * takes under 1 s. Tests start from a copy of one made per PGlite version; migrations and the demo
 * seed still run on every copy, as in production.
 */
const manifest = path.resolve(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json');
const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
const template = path.join(os.tmpdir(), `cppcc-pglite-template-${version}`);

let ready: Promise<void> | undefined;
function ensureTemplate(): Promise<void> {
  return (ready ??= (async () => {
    if (fs.existsSync(path.join(template, 'PG_VERSION'))) return;
    const { PGlite } = await import('@electric-sql/pglite');
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'cppcc-pglite-staging-'));
    const pg = await PGlite.create(path.join(staging, 'pg'));
    await pg.close();
    try {
      fs.renameSync(path.join(staging, 'pg'), template); // atomic: a parallel worker may win the race, which is fine
    } catch (err: any) {
      if (!['EEXIST', 'ENOTEMPTY'].includes(err.code)) throw err;
    }
    fs.rmSync(staging, { recursive: true, force: true });
  })());
}

/** Puts an empty, initialised PGlite cluster at dataDir/pg (where db/index.ts opens it). */
export async function preparePgliteDir(dataDir: string): Promise<void> {
  await ensureTemplate();
  fs.cpSync(template, path.join(dataDir, 'pg'), { recursive: true });
}
