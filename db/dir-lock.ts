import fs from 'node:fs';

/** Thrown when another live process holds the data folder. */
export class DataDirLockedError extends Error {}

/**
 * An exclusive lock file holding our pid. A lock left by a dead process (kill -9) is taken over;
 * one held by a live process stops us with a sentence that says what to do.
 */
export function acquireDirLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try { if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file); } catch { /* gone */ }
      };
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid && isAlive(pid)) {
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
