// Runs every compiled test file with node's test runner, once per database: SQLite, then
// PostgreSQL (WXSHOP_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test).
// WXSHOP_TEST_DBS=sqlite (or postgres) limits the run to one database. The console's browser tests
// (packages/console/dist-test) run once afterwards, on SQLite: they test pages, not storage.
// WXSHOP_TEST_BROWSER=0 leaves them out.
//
// No test file may run longer than TEST_TIMEOUT_MS (node 20 applies --test-timeout to each file),
// and every file's process exits once its tests are done, even with a server or timer left open
// (scripts/test-exit.mjs). A file that never ends thus fails with its name in the output instead
// of stalling the whole run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages/api/dist', 'packages/sandbox/dist', 'packages/sandbox/dist-test', 'packages/client/dist'];

function findTests(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = roots.flatMap(findTests).sort();
if (files.length === 0) {
  console.error('No compiled test files found; run `npx tsc -b` first.');
  process.exit(1);
}

const TEST_TIMEOUT_MS = 300_000;
const exitAfterTests = new URL('./test-exit.mjs', import.meta.url).pathname;
const runnerFlags = ['--test', '--import', exitAfterTests, `--test-timeout=${TEST_TIMEOUT_MS}`];

const databases = (process.env.WXSHOP_TEST_DBS ?? 'sqlite,postgres').split(',').map((name) => name.trim()).filter(Boolean);
const browserFiles = findTests('packages/console/dist-test').sort();
let failed = false;
for (const database of databases) {
  console.log(`\n=== tests on ${database} (${files.length} files) ===`);
  const result = spawnSync(process.execPath, [...runnerFlags, '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: { ...process.env, WXSHOP_TEST_DB: database },
  });
  if (result.status !== 0) {
    console.error(`=== tests on ${database} failed (exit ${result.status}) ===`);
    failed = true;
  }
}
if (browserFiles.length > 0 && process.env.WXSHOP_TEST_BROWSER !== '0') {
  console.log(`\n=== browser tests (${browserFiles.length} files) ===`);
  const result = spawnSync(process.execPath, [...runnerFlags, ...browserFiles], {
    stdio: 'inherit',
    env: { ...process.env, WXSHOP_TEST_DB: 'sqlite' },
  });
  if (result.status !== 0) {
    console.error(`=== browser tests failed (exit ${result.status}) ===`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
