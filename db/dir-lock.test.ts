import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDirLock, DataDirLockedError } from './dir-lock';

let dir: string;
let file: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cppcc-lock-')); file = path.join(dir, 'pg.lock'); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('acquireDirLock', () => {
  it('writes our pid, and release removes the file', () => {
    const release = acquireDirLock(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(file)).toBe(false);
    release(); // twice is harmless
  });

  it('refuses while a live process holds it, naming the folder and the pid', () => {
    fs.writeFileSync(file, String(process.ppid));
    let error: unknown;
    try { acquireDirLock(file); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toContain(path.join(dir, 'pg'));
    expect((error as Error).message).toContain(String(process.ppid));
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.ppid)); // untouched
  });

  it('refuses a second lock from the same live process', () => {
    const release = acquireDirLock(file);
    expect(() => acquireDirLock(file)).toThrow(DataDirLockedError);
    release();
    acquireDirLock(file)();
  });

  it('takes over a lock left by a dead process', () => {
    const pid = deadPid();
    expect(pid).toBeGreaterThan(0);
    fs.writeFileSync(file, String(pid));
    const release = acquireDirLock(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
  });

  it('takes over a lock naming this very pid that this process does not hold (pid 1 in a container after kill -9)', () => {
    // A restarted container's server has the pid its killed predecessor had: the lock names "us".
    fs.writeFileSync(file, String(process.pid));
    const release = acquireDirLock(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
    expect(() => acquireDirLock(file)).toThrow(DataDirLockedError); // now it is held, by this process
    release();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('takes over an empty or garbled lock file', () => {
    fs.writeFileSync(file, '');
    acquireDirLock(file)();
    fs.writeFileSync(file, 'not a pid');
    acquireDirLock(file)();
  });

  it('release leaves alone a lock that another process has since taken', () => {
    const release = acquireDirLock(file);
    fs.writeFileSync(file, String(process.ppid));
    release();
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.ppid));
  });
});
