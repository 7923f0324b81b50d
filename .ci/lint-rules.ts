/**
 * `npm run lint` refuses what the project's recipe forbids (docs/recipe.md), which neither TypeScript nor
 * dependency-cruiser can see:
 *  - a role check outside shared/policy (rules live in one place; the interface asks the policy);
 *  - SQL (a query builder call or a sql`` template) outside db/ (queries live in db/queries);
 *  - a reference to documents outside the repository (a person who clones it does not have them).
 * Tests are exempt from the first two: they set up data and state expectations directly.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

interface Rule { name: string; pattern: RegExp; dirs: string[]; exempt: (file: string) => boolean }

const isTest = (f: string) => /\.test\.tsx?$/.test(f) || f.startsWith('tests/');
const RULES: Rule[] = [
  {
    name: 'role check outside shared/policy (add a policy action or helper)',
    pattern: /\broles\s*\.\s*(includes|some|every|indexOf|find)\s*\(/,
    dirs: ['app', 'server', 'db', 'shared'],
    exempt: (f) => isTest(f) || f.startsWith('shared/policy/') || f.startsWith('db/seed/'),
  },
  {
    name: 'SQL outside db/ (add a function to db/queries)',
    pattern: /\.(selectFrom|insertInto|updateTable|deleteFrom|mergeInto)\s*\(|\bsql\s*(<[^`]*>)?\s*`/,
    dirs: ['app', 'server', 'shared'],
    exempt: isTest,
  },
  {
    name: 'reference to a document outside the repository',
    pattern: /\.\.\/shared\/[A-Z]+\.md|\b(DOMAIN|COLLAB|STACK|STYLE|ARCHITECTURE)\.md\b/,
    dirs: ['app', 'server', 'db', 'shared', 'tests', 'docs', '.ci'],
    exempt: (f) => f === '.ci/lint-rules.ts',
  },
];

function* files(dir: string): Generator<string> {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return;
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) { if (entry.name !== 'node_modules') yield* files(rel); }
    else if (/\.(tsx?|md|cjs|mjs)$/.test(entry.name) || !entry.name.includes('.')) yield rel;
  }
}

const problems: string[] = [];
for (const rule of RULES) {
  for (const dir of rule.dirs) {
    for (const file of files(dir)) {
      if (rule.exempt(file)) continue;
      fs.readFileSync(path.join(root, file), 'utf8').split('\n').forEach((line, i) => {
        if (rule.pattern.test(line)) problems.push(`${file}:${i + 1}: ${rule.name}\n    ${line.trim()}`);
      });
    }
  }
}
if (problems.length > 0) {
  console.error(`${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('✔ project rules hold (roles only in shared/policy, SQL only in db/, no references outside the repository)');
