import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';

/** HTTP and browser tests run the production build: build it once if it is missing or stale. */
export default function setup() {
  const root = path.resolve(import.meta.dirname, '../..');
  const built = path.join(root, 'build/server/index.js');
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = path.join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const sources = Math.max(
    ...['app', 'shared', 'server', 'db'].map((d) => newest(path.join(root, d))),
    ...['vite.config.ts', 'package-lock.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
  );
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sources) {
    execSync('flock /tmp/cppcc-build.lock npx remix vite:build', { cwd: root, stdio: 'inherit', env: { ...process.env, VITEST: undefined, NODE_ENV: 'production' } });
  }
}
