import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { admin, APPID, call, getToken, startSandbox, TEST_DB, type TestSandbox } from './helpers.js';

// On SQLite a sandbox reserves quota units in blocks and hands them out from memory. These tests
// check that the counts it reports and stores stay exact and that no block lets a limit be passed.

const LIST_BODY = { page: 1, page_size: 10, need_edit_spu: 1 };
const PATH = '/shop/spu/get_list';

async function setLimit(url: string, limit: number): Promise<void> {
  const response = await admin(url, 'PUT', `/apps/${APPID}/quota`, { daily_limits: { [PATH]: limit } });
  assert.equal(response.status, 200, JSON.stringify(response.json));
}

async function calls(url: string, token: string, count: number): Promise<number[]> {
  const codes: number[] = [];
  // Ten at a time, as a client with a small connection pool sends them.
  for (let sent = 0; sent < count; sent += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, count - sent) }, () => call(url, PATH, LIST_BODY, { token })));
    codes.push(...batch.map((response) => response.json.errcode as number));
  }
  return codes;
}

async function used(url: string, token: string): Promise<number> {
  const response = await call(url, '/cgi-bin/openapi/quota/get', { cgi_path: PATH }, { token });
  assert.equal(response.json.errcode, 0, response.text);
  return (response.json.quota as { used: number }).used;
}

/** Reads the stored count of the path through a second connection that never commits. */
function storedCount(dbUrl: string): number {
  const reader = new Sqlite(dbUrl, { readonly: true });
  try {
    const row = reader.prepare(`select "count" from counters where scope like 'quota:%' and name = ?`).get(PATH) as { count: number } | undefined;
    return row === undefined ? 0 : Number(row.count);
  } finally {
    reader.close();
  }
}

describe('quota counting with a large limit', () => {
  let server: TestSandbox;
  let token: string;
  before(async () => {
    server = await startSandbox();
    token = await getToken(server.url);
  });
  after(() => server.close());

  test('quota/get and the admin usage report exactly the calls made', async () => {
    await setLimit(server.url, 100_000);
    const codes = await calls(server.url, token, 250);
    assert.ok(codes.every((code) => code === 0), JSON.stringify(codes));
    assert.equal(await used(server.url, token), 250);
    const usage = await admin(server.url, 'GET', `/apps/${APPID}/quota`);
    assert.equal(usage.json.usage[PATH], 250, JSON.stringify(usage.json));
    if (TEST_DB === 'sqlite') {
      // The row holds every admitted call, and at most one block more.
      const stored = storedCount(server.dbUrl);
      assert.ok(stored >= 250 && stored <= 350, `stored count ${stored}`);
    }
  });

  test('a lowered limit holds although units were reserved under the higher one', async () => {
    await admin(server.url, 'DELETE', `/apps/${APPID}/quota/usage`);
    await setLimit(server.url, 100_000);
    assert.deepEqual(new Set(await calls(server.url, token, 5)), new Set([0]));
    await setLimit(server.url, 40);
    const codes = await calls(server.url, token, 50);
    assert.equal(codes.filter((code) => code === 0).length, 35, JSON.stringify(codes));
    assert.equal(codes.filter((code) => code === 45009).length, 15, JSON.stringify(codes));
    assert.equal(await used(server.url, token), 40);
  });

  test('a reset starts the count from zero and drops reserved units', async () => {
    await setLimit(server.url, 100_000);
    await calls(server.url, token, 20);
    const reset = await admin(server.url, 'DELETE', `/apps/${APPID}/quota/usage`);
    assert.ok(reset.status < 300, JSON.stringify(reset.json));
    assert.equal(await used(server.url, token), 0);
    await calls(server.url, token, 7);
    assert.equal(await used(server.url, token), 7);
  });
});

describe('quota counting on a SQLite file', { skip: TEST_DB !== 'sqlite' }, () => {
  test('a graceful stop returns unused units, so the stored count is exact', async () => {
    const server = await startSandbox();
    const token = await getToken(server.url);
    await setLimit(server.url, 100_000);
    await calls(server.url, token, 130);
    await server.sandbox.close();
    assert.equal(storedCount(server.dbUrl), 130);
    await server.close();
  });

  test('after a commit by another connection every call is counted in the row', async () => {
    const server = await startSandbox();
    try {
      const token = await getToken(server.url);
      await setLimit(server.url, 100_000);
      await calls(server.url, token, 5);
      // Another process writing to the same file, as a second sandbox would.
      const writer = new Sqlite(server.dbUrl);
      writer.prepare(`insert into counters (scope, name, "count", expires_at) values ('other', 'x', 1, 0)`).run();
      writer.close();
      // The reserved block runs out within 100 calls; from then on the row is exact after each call.
      await calls(server.url, token, 120);
      assert.equal(storedCount(server.dbUrl), 125);
      await calls(server.url, token, 3);
      assert.equal(storedCount(server.dbUrl), 128);
    } finally {
      await server.close();
    }
  });
});
