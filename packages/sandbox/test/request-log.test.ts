import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { createSandbox, type Sandbox } from '@wxshop/sandbox';
import { admin, APPID, call, getToken, productBody, SECRET, startSandbox, TEST_DB, uploadImage, type TestSandbox } from './helpers.js';

function ridOf(errmsg: unknown): string {
  const match = / rid: (\S+)$/.exec(String(errmsg));
  assert.ok(match, `errmsg ${String(errmsg)} ends with a rid`);
  return match[1]!;
}

async function loggedRids(url: string): Promise<string[]> {
  const log = await admin(url, 'GET', `/apps/${APPID}/requests?limit=1000`);
  assert.equal(log.status, 200);
  return (log.json.requests as { rid: string }[]).map((row) => row.rid);
}

/** Opens a second sandbox on the same database, as a restart does. */
function reopen(dbUrl: string): Promise<Sandbox> {
  return createSandbox({ storage: { url: dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
}

describe('request log', () => {
  let sandbox: TestSandbox;
  let token: string;

  before(async () => {
    sandbox = await startSandbox();
    token = await getToken(sandbox.url);
  });
  after(() => sandbox.close());

  test('records every request across batches', async () => {
    // 250 requests: more than the 200 rows of one batch, so a full batch and a partial one.
    const rids: string[] = [];
    const productOfRid = new Map<string, string>();
    for (let start = 0; start < 250; start += 25) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) => call(sandbox.url, '/shop/spu/get', { out_product_id: `MISSING-${start + i}` }, { token })),
      );
      answers.forEach((answer, i) => {
        assert.equal(answer.json.errcode, 1000011);
        const rid = ridOf(answer.json.errmsg);
        rids.push(rid);
        productOfRid.set(rid, `MISSING-${start + i}`);
      });
    }
    const logged = new Set(await loggedRids(sandbox.url));
    const missing = rids.filter((rid) => !logged.has(rid));
    assert.deepEqual(missing, [], 'every rid is in the request log');

    // Rows written several to a statement keep each value in its own row and column.
    const rows = (await admin(sandbox.url, 'GET', `/apps/${APPID}/requests?limit=1000`)).json.requests as Record<string, unknown>[];
    for (const row of rows.filter((entry) => productOfRid.has(String(entry.rid)))) {
      const product = productOfRid.get(String(row.rid))!;
      assert.equal(row.path, '/shop/spu/get');
      assert.equal(row.errcode, 1000011);
      assert.equal(JSON.parse(String(row.request_body)).out_product_id, product);
      assert.match(String(row.response_body), new RegExp(`rid: ${row.rid}`));
    }
  });

  test('keeps rows buffered at close', async () => {
    const answer = await call(sandbox.url, '/shop/spu/get', { out_product_id: 'BEFORE-CLOSE' }, { token });
    const rid = ridOf(answer.json.errmsg);
    // Closed without waiting for the batch timer: close must write the buffered row.
    await sandbox.sandbox.close();
    const again = await reopen(sandbox.dbUrl);
    try {
      const url = await again.listen('127.0.0.1', 0);
      assert.ok((await loggedRids(url)).includes(rid), `rid ${rid} survived the restart`);
      const row = (await admin(url, 'GET', `/apps/${APPID}/requests?limit=1000`)).json.requests.find((entry: { rid: string }) => entry.rid === rid);
      assert.equal(row.path, '/shop/spu/get');
      assert.equal(row.errcode, 1000011);
      assert.equal(row.request_body, '{"out_product_id":"BEFORE-CLOSE"}');
      assert.match(row.query, /^access_token=.{10}xxxx$/);
    } finally {
      await again.close();
    }
  });
});

describe('request log storage', () => {
  test('reset empties the request log', async () => {
    const sandbox = await startSandbox();
    try {
      const token = await getToken(sandbox.url);
      await call(sandbox.url, '/shop/spu/get', { out_product_id: 'X' }, { token });
      assert.ok((await loggedRids(sandbox.url)).length > 0);
      assert.equal((await admin(sandbox.url, 'POST', '/reset')).status, 200);
      assert.deepEqual(await loggedRids(sandbox.url), []);
    } finally {
      await sandbox.close();
    }
  });

  test('business write ignores log lock', { skip: TEST_DB !== 'sqlite' }, async () => {
    const sandbox = await startSandbox();
    const holder = new Sqlite(`${sandbox.dbUrl}-requests`);
    try {
      const token = await getToken(sandbox.url);
      const image = await uploadImage(sandbox.url, token);
      // Another connection holds the log file's write lock, as a long batch of log rows would.
      holder.exec('begin immediate');
      const started = Date.now();
      const added = await call(sandbox.url, '/shop/spu/add', productBody('LOCKED-LOG-1', image), { token });
      const elapsed = Date.now() - started;
      assert.equal(added.json.errcode, 0, added.text);
      assert.ok(elapsed < 2000, `spu/add took ${elapsed} ms while the log file was locked`);
      holder.exec('commit');
      // The request's log row is written once the lock is gone.
      const log = await admin(sandbox.url, 'GET', `/apps/${APPID}/requests?limit=1000`);
      assert.ok((log.json.requests as { path: string; errcode: number }[]).some((row) => row.path === '/shop/spu/add' && row.errcode === 0));
    } finally {
      if (holder.inTransaction) holder.exec('rollback');
      holder.close();
      await sandbox.close();
    }
  });

  test('cached response logged as text', { skip: TEST_DB !== 'sqlite' }, async () => {
    const sandbox = await startSandbox();
    try {
      const token = await getToken(sandbox.url);
      const image = await uploadImage(sandbox.url, token);
      assert.equal((await call(sandbox.url, '/shop/spu/add', productBody('CACHED-1', image), { token })).json.errcode, 0);
      // The second read is served from the read cache, with the response kept as UTF-8 bytes.
      const reads = [];
      for (let i = 0; i < 3; i++) reads.push(await call(sandbox.url, '/shop/spu/get', { out_product_id: 'CACHED-1', need_edit_spu: 1 }, { token }));
      for (const read of reads) assert.equal(read.json.errcode, 0, read.text);
      await sandbox.sandbox.close();

      const raw = new Sqlite(`${sandbox.dbUrl}-requests`, { readonly: true });
      try {
        const rows = raw.prepare(`select typeof(response_body) as type, response_body from request_log where path = '/shop/spu/get' order by rowid`).all() as { type: string; response_body: string }[];
        assert.equal(rows.length, reads.length);
        for (const [index, row] of rows.entries()) {
          assert.equal(row.type, 'text', `row ${index} is stored as text`);
          assert.equal(row.response_body, reads[index]!.text, `row ${index} holds the response as sent`);
        }
      } finally {
        raw.close();
      }
    } finally {
      await sandbox.close();
    }
  });

  test('SQLite log file takes over old rows', { skip: TEST_DB !== 'sqlite' }, async () => {
    const sandbox = await startSandbox();
    try {
      const token = await getToken(sandbox.url);
      await call(sandbox.url, '/shop/spu/get', { out_product_id: 'X' }, { token });
      await sandbox.sandbox.close();
      assert.ok(existsSync(`${sandbox.dbUrl}-requests`), 'the log file sits next to the database');

      const raw = new Sqlite(sandbox.dbUrl);
      const mainTable = raw.prepare(`select 1 from sqlite_master where type = 'table' and name = 'request_log'`).get();
      assert.equal(mainTable, undefined, 'the main file has no request_log table');
      // The table as the first migration made it, holding a row from before the move.
      raw.exec(`create table request_log (rid text primary key, appid text, method text not null, path text not null,
        query text not null, request_body text not null, response_body text not null, errcode integer not null,
        rule text not null, client_ip text not null, invoke_time bigint not null, cost_ms integer not null)`);
      raw.prepare(`insert into request_log values ('00000001-old-row', ?, 'POST', '/shop/spu/get', '', '{}', '{}', 0, 'ok', '127.0.0.1', 1, 0)`).run(APPID);
      raw.close();

      const again = await reopen(sandbox.dbUrl);
      try {
        const url = await again.listen('127.0.0.1', 0);
        assert.ok((await loggedRids(url)).includes('00000001-old-row'));
      } finally {
        await again.close();
      }
    } finally {
      await sandbox.close();
    }
  });
});
