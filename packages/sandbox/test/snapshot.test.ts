import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parseJson, stringifyJson } from '@wxshop/api';
import { createSandbox } from '@wxshop/sandbox';
import { v2Order } from './order-support.js';
import { admin, advanceClock, APPID, call, getToken, productBody, SECRET, startSandbox, tempDir, TEST_DB, TEST_PG_URL, uploadImage, type TestSandbox } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/wxshop.js', import.meta.url));

let source: TestSandbox;
let token: string;
let image: string;

/** Builds a shop with approved and pending products, an image, push settings, a word and events. */
async function prepareShop(sandbox: TestSandbox): Promise<{ token: string; image: string }> {
  const accessToken = await getToken(sandbox.url);
  const link = await uploadImage(sandbox.url, accessToken);
  for (const id of ['SNAP-1', 'SNAP-2']) {
    const added = await call(sandbox.url, '/shop/spu/add', productBody(id, link), { token: accessToken });
    assert.equal(added.json.errcode, 0, added.text);
  }
  await advanceClock(sandbox.url, 120);
  const pending = await call(sandbox.url, '/shop/spu/add', productBody('SNAP-3', link, { title: '待审核的积木' }), { token: accessToken });
  assert.equal(pending.json.errcode, 0, pending.text);
  const push = await admin(sandbox.url, 'PUT', `/apps/${APPID}/push`, { url: 'http://127.0.0.1:9/push', token: 'snapToken', skip_verify: true, format: 'xml' });
  assert.equal(push.status, 200);
  assert.equal((await admin(sandbox.url, 'POST', `/apps/${APPID}/content-security/words`, { words: ['快照词'] })).status, 200);
  return { token: accessToken, image: link };
}

/** Builds an order/add body for the app's first built-in buyer. */
async function snapshotOrder(url: string, accessToken: string) {
  const buyers = (await admin(url, 'GET', `/apps/${APPID}/buyers`)).json.buyers as { openid: string }[];
  return v2Order(url, buyers[0]!.openid, `SNAP-O-${accessToken.slice(-6)}`);
}

/** Collects wire and admin responses that must match on two sandboxes with the same state. */
async function observe(url: string, accessToken: string, link: string) {
  const wire = async (path: string, body: unknown) => {
    const response = await call(url, path, body, { token: accessToken });
    assert.equal(response.json.errcode, 0, `${path}: ${response.text}`);
    return response.text;
  };
  const imagePath = new URL(link).pathname;
  const imageBytes = Buffer.from(await (await fetch(new URL(imagePath, url))).arrayBuffer()).toString('base64');
  const events = (await admin(url, 'GET', `/apps/${APPID}/push/events`)).json;
  return {
    list: await wire('/shop/spu/get_list', { page: 1, page_size: 10 }),
    drafts: await wire('/shop/spu/get_list', { page: 1, page_size: 10, need_edit_spu: 1 }),
    one: await wire('/shop/spu/get', { out_product_id: 'SNAP-1' }),
    pending: await wire('/shop/spu/get', { out_product_id: 'SNAP-3', need_edit_spu: 1 }),
    risky: (await call(url, '/shop/spu/add', productBody('SNAP-X', link, { title: '快照词积木' }), { token: accessToken })).json.errcode,
    imageBytes,
    push: (await admin(url, 'GET', `/apps/${APPID}/push`)).json,
    events,
    offset: (await admin(url, 'GET', '/clock')).json.offset_ms,
  };
}

async function exportFrom(url: string): Promise<string> {
  const response = await fetch(new URL('/_sandbox/v1/snapshot', url));
  assert.equal(response.status, 200);
  return response.text();
}

async function importInto(url: string, text: string) {
  const response = await fetch(new URL('/_sandbox/v1/snapshot', url), { method: 'POST', body: text, headers: { 'content-type': 'application/json' } });
  return { status: response.status, json: (await response.json()) as any };
}

before(async () => {
  source = await startSandbox();
  ({ token, image } = await prepareShop(source));
});

after(async () => {
  await source.close();
});

describe('snapshot through the admin API', () => {
  test('a fresh sandbox that imports the export answers the same', async () => {
    const text = await exportFrom(source.url);
    const snapshot = parseJson(text) as any;
    assert.equal(snapshot.format, 'wxshop-snapshot');
    assert.ok(snapshot.tables.products.rows.length >= 3);
    assert.ok(snapshot.tables.push_settings, 'tables of every module are included');
    const imageColumn = snapshot.tables.images.columns.findIndex((column: { name: string }) => column.name === 'bytes');
    assert.equal(snapshot.tables.images.columns[imageColumn].kind, 'blob');
    assert.equal(typeof snapshot.tables.images.rows[0][imageColumn], 'string', 'binary data is base64');

    const target = await startSandbox({ apps: [] });
    try {
      const imported = await importInto(target.url, text);
      assert.equal(imported.status, 200, JSON.stringify(imported.json));
      assert.deepEqual(await observe(target.url, token, image), await observe(source.url, token, image));
    } finally {
      await target.close();
    }
  });

  test('import recounts list totals', async () => {
    const ordered = await call(source.url, '/shop/order/add', await snapshotOrder(source.url, token), { token });
    assert.equal(ordered.json.errcode, 0, ordered.text);
    const snapshot = parseJson(await exportFrom(source.url)) as any;
    assert.ok(snapshot.tables.order_counts.rows.length > 0);
    // An older version had no order count table, and a wrong count edited in must not survive either.
    delete snapshot.tables.order_counts;
    snapshot.tables.product_counts.rows = snapshot.tables.product_counts.rows.map((row: unknown[]) => row.map((value, index) => (index === 2 ? 999 : value)));
    const target = await startSandbox({ apps: [] });
    try {
      assert.equal((await importInto(target.url, stringifyJson(snapshot))).status, 200);
      for (const path of ['/shop/spu/get_list', '/shop/order/get_list']) {
        const expected = await call(source.url, path, { page: 1, page_size: 10 }, { token });
        const got = await call(target.url, path, { page: 1, page_size: 10 }, { token });
        assert.equal(got.json.errcode, 0, got.text);
        assert.equal(got.json.total_num, expected.json.total_num, path);
        assert.ok((got.json.total_num as number) > 0, path);
      }
    } finally {
      await target.close();
    }
  });

  test('integers beyond 2^53 survive an import and a second export exactly', async () => {
    const snapshot = parseJson(await exportFrom(source.url)) as any;
    snapshot.tables.id_sequences.rows.push(['snapshot_big', 3300000000000000001n]);
    const target = await startSandbox({ apps: [] });
    try {
      assert.equal((await importInto(target.url, stringifyJson(snapshot))).status, 200);
      assert.match(await exportFrom(target.url), /\["snapshot_big",3300000000000000001\]/);
    } finally {
      await target.close();
    }
  });

  test('armed coupon faults travel with the snapshot', async () => {
    const armed = await admin(source.url, 'POST', `/apps/${APPID}/coupons/faults`, { step: 'void', count: 2 });
    assert.equal(armed.status, 200, JSON.stringify(armed.json));
    try {
      const snapshot = parseJson(await exportFrom(source.url)) as any;
      const table = snapshot.tables.coupon_faults;
      const rows = table.rows.map((row: unknown[]) => Object.fromEntries(table.columns.map((column: { name: string }, index: number) => [column.name, row[index]])));
      assert.deepEqual(rows, [{ appid: APPID, step: 'void', remaining: 2 }]);
      const target = await startSandbox();
      try {
        assert.equal((await importInto(target.url, stringifyJson(snapshot))).status, 200);
        assert.deepEqual(((await admin(target.url, 'GET', `/apps/${APPID}/coupons/faults`)).json.faults as { step: string }[]).find((fault) => fault.step === 'void'), { step: 'void', errcode: 1090016, remaining: 2 });
      } finally {
        await target.close();
      }
    } finally {
      await admin(source.url, 'POST', `/apps/${APPID}/coupons/faults`, { step: 'void', count: 0 });
    }
  });

  test('an invalid snapshot is refused and the state is kept', async () => {
    const before = await observe(source.url, token, image);
    assert.equal((await importInto(source.url, 'not json')).status, 400);
    assert.equal((await importInto(source.url, '{"format":"other"}')).status, 400);
    const snapshot = parseJson(await exportFrom(source.url)) as any;
    snapshot.tables.no_such_table = { columns: [{ name: 'a', kind: 'text' }], rows: [['x']] };
    const unknownTable = await importInto(source.url, stringifyJson(snapshot));
    assert.equal(unknownTable.status, 400);
    assert.match(unknownTable.json.error.message, /no_such_table/);
    const newer = parseJson(await exportFrom(source.url)) as any;
    newer.migrations.push('9999_future');
    assert.equal((await importInto(source.url, stringifyJson(newer))).status, 400);
    assert.deepEqual(await observe(source.url, token, image), before);
  });
});

describe('snapshot values checked against the columns', () => {
  const column = (snapshot: any, table: string, name: string) => snapshot.tables[table].columns.findIndex((c: { name: string }) => c.name === name);
  const mutations: [string, (snapshot: any) => void][] = [
    ['a text in an integer column', (s) => { s.tables.apps.rows[0][column(s, 'apps', 'created_at')] = 'yesterday'; }],
    ['1e308 in an integer column', (s) => { s.tables.apps.rows[0][column(s, 'apps', 'created_at')] = 1e308; }],
    ['a fraction in an integer column', (s) => { s.tables.apps.rows[0][column(s, 'apps', 'created_at')] = 1.5; }],
    ['a number in a text column', (s) => { s.tables.apps.rows[0][column(s, 'apps', 'secret')] = 12; }],
    ['invalid JSON in apps.settings', (s) => { s.tables.apps.rows[0][column(s, 'apps', 'settings')] = '{bad json'; }],
    ['invalid JSON in products.draft', (s) => { s.tables.products.rows[0][column(s, 'products', 'draft')] = '{"title":'; }],
    ['a repeated primary key', (s) => { s.tables.apps.rows.push([...s.tables.apps.rows[0]]); }],
    ['a binary value that is not base64', (s) => { s.tables.images.rows[0][column(s, 'images', 'bytes')] = 'not base64!'; }],
    // These tables are empty in the prepared shop, so each gets one row whose JSON column does not parse.
    ['invalid JSON in aftersales.detail', (s) => { addRow(s, 'aftersales', 'detail'); }],
    ['invalid JSON in complaints.detail', (s) => { addRow(s, 'complaints', 'detail'); }],
    ['invalid JSON in funds_accounts.account', (s) => { addRow(s, 'funds_accounts', 'account'); }],
    ['invalid JSON in funds_withdrawals.detail', (s) => { addRow(s, 'funds_withdrawals', 'detail'); }],
    ['invalid JSON in pay_trades.detail', (s) => { addRow(s, 'pay_trades', 'detail'); }],
  ];

  /** Appends a row of placeholder values whose `jsonColumn` contains text that is not JSON. */
  function addRow(snapshot: any, table: string, jsonColumn: string): void {
    const columns = snapshot.tables[table].columns as { name: string; kind: string }[];
    const placeholder = (c: { name: string; kind: string }) => {
      if (c.name === jsonColumn) return '{bad json';
      return c.kind === 'integer' || c.kind === 'real' ? 1 : '1';
    };
    snapshot.tables[table].rows.push(columns.map(placeholder));
  }

  for (const [name, mutate] of mutations) {
    test(`${name} is refused with 400 and the state is kept`, async () => {
      const before = await observe(source.url, token, image);
      const snapshot = parseJson(await exportFrom(source.url)) as any;
      mutate(snapshot);
      const refused = await importInto(source.url, stringifyJson(snapshot));
      assert.equal(refused.status, 400, JSON.stringify(refused.json));
      assert.equal(refused.json.error.code, 'invalid_snapshot');
      assert.deepEqual(await observe(source.url, token, image), before);
    });
  }
});

test('a number beyond a 32-bit integer column is refused with 400 on PostgreSQL', async () => {
  const before = await observe(source.url, token, image);
  const original = await exportFrom(source.url);
  const snapshot = parseJson(original) as any;
  const table = snapshot.tables.products;
  table.rows[0][table.columns.findIndex((c: { name: string }) => c.name === 'status')] = 2 ** 40;
  const response = await importInto(source.url, stringifyJson(snapshot));
  // SQLite stores 64-bit integers in every integer column, so only PostgreSQL has to refuse it.
  if (TEST_DB !== 'postgres') {
    assert.equal((await importInto(source.url, original)).status, 200);
    return;
  }
  assert.equal(response.status, 400, JSON.stringify(response.json));
  assert.equal(response.json.error.code, 'invalid_snapshot');
  assert.deepEqual(await observe(source.url, token, image), before);
});

describe('snapshot across databases', { skip: TEST_DB !== 'postgres' && 'runs in the PostgreSQL pass' }, () => {
  test('SQLite export imports into PostgreSQL, and back', async () => {
    const dir = tempDir();
    const lite = await createSandbox({ storage: { url: join(dir.path, 'lite.db') }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
    const liteUrl = await lite.listen('127.0.0.1', 0);
    const pg = await startSandbox({ apps: [] });
    const lite2 = await createSandbox({ storage: { url: join(dir.path, 'lite2.db') }, backgroundIntervalMs: 0 });
    const lite2Url = await lite2.listen('127.0.0.1', 0);
    try {
      const shop = await prepareShop({ sandbox: lite, url: liteUrl, dbUrl: '', close: async () => undefined });
      assert.equal((await importInto(pg.url, await exportFrom(liteUrl))).status, 200);
      const expected = await observe(liteUrl, shop.token, shop.image);
      assert.deepEqual(await observe(pg.url, shop.token, shop.image), expected);
      assert.equal((await importInto(lite2Url, await exportFrom(pg.url))).status, 200);
      assert.deepEqual(await observe(lite2Url, shop.token, shop.image), expected);
    } finally {
      await lite.close();
      await lite2.close();
      await pg.close();
      dir.remove();
    }
  });
});

describe('snapshot from the command line', () => {
  test('wxshop snapshot export and import carry a shop to a new database', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'shop.json');
    let targetDb: string;
    if (TEST_DB === 'postgres') {
      targetDb = `${TEST_PG_URL}?schema=wxshop_cli_snapshot_${process.pid}`;
    } else {
      targetDb = join(dir.path, 'target.db');
    }
    try {
      const exported = spawnSync(process.execPath, [BIN, 'snapshot', 'export', file, '--db', source.dbUrl, '--lang', 'en'], { encoding: 'utf8', timeout: 30000 });
      assert.equal(exported.status, 0, exported.stderr);
      assert.match(exported.stdout, /Exported \d+ tables/);
      const imported = spawnSync(process.execPath, [BIN, 'snapshot', 'import', file, '--db', targetDb, '--lang', 'en'], { encoding: 'utf8', timeout: 30000 });
      assert.equal(imported.status, 0, imported.stderr);
      assert.match(imported.stdout, /Imported \d+ rows/);

      const target = await createSandbox({ storage: { url: targetDb }, backgroundIntervalMs: 0 });
      const url = await target.listen('127.0.0.1', 0);
      try {
        assert.deepEqual(await observe(url, token, image), await observe(source.url, token, image));
      } finally {
        await target.close();
      }
      const bad = spawnSync(process.execPath, [BIN, 'snapshot', 'import', join(dir.path, 'missing.json'), '--db', targetDb], { encoding: 'utf8', timeout: 30000 });
      assert.equal(bad.status, 1);
      const usage = spawnSync(process.execPath, [BIN, 'snapshot', 'restore', file], { encoding: 'utf8', timeout: 30000 });
      assert.equal(usage.status, 2);
    } finally {
      if (TEST_DB === 'postgres') {
        const { dropPostgresSchema } = await import('@wxshop/sandbox');
        await dropPostgresSchema(TEST_PG_URL, `wxshop_cli_snapshot_${process.pid}`);
      }
      dir.remove();
    }
  });
});
