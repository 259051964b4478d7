// Two `wxshop serve` processes started at the same moment on a new SQLite file must both come up:
// one applies the migrations, and the other waits for it and finds them applied.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { APPID, SECRET, TEST_DB, getToken } from '../helpers.js';
import { sized, startProcess } from './process.js';

const STARTS = sized(4, 20);

test('two processes start on one new file', { skip: TEST_DB !== 'sqlite', timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxshop-start-'));
  try {
    for (let round = 0; round < STARTS; round++) {
      const db = join(dir, `shop-${round}.db`);
      const args = ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn'];
      const started = await Promise.allSettled([startProcess(db, args), startProcess(db, args)]);
      const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      try {
        const failures = started.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
        assert.deepEqual(failures, [], `round ${round}: a process failed to start`);
        for (const server of servers) assert.ok((await getToken(server.url)).length > 0, `round ${round}: ${server.url} issues tokens`);
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
