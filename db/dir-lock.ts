import fs from 'node:fs';
import path from 'node:path';

/** Thrown when another live process holds the data folder. */
export class DataDirLockedError extends Error {}

/**
 * The lock files this process holds. A lock naming our own pid is ours only if it is in here: in a
 * container the server is pid 1 again after a kill -9, so its predecessor's stale lock names "us".
 * Kept on globalThis so every copy of this module in the process (the Remix bundle has its own) agrees.
 */
const held: Set<string> = ((globalThis as Record<symbol, Set<string>>)[Symbol.for('cppcc.dataDirLocks')] ??= new Set());

/**
 * An exclusive lock file holding our pid. A lock left by a dead process (kill -9), or naming this
 * process's pid without being held by it, is taken over; one held by a live process (this one
 * included) stops us with a sentence that says what to do.
 */
export function acquireDirLock(file: string): () => void {
  const key = path.resolve(file);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      held.add(key);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(key);
        try { if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file); } catch { /* gone */ }
      };
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      const live = pid === process.pid ? held.has(key) : pid > 0 && isAlive(pid);
      if (live) {
        throw new DataDirLockedError(
          `The embedded database in ${file.replace(/\.lock$/, '')} is already in use by process ${pid}. ` +
            'Stop that process first, or give this one another DATA_DIR (or a DATABASE_URL).',
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new DataDirLockedError(`Could not lock ${file}.`);
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e: any) { return e.code === 'EPERM'; }
}
