// Scale benchmarks: list endpoints with few and with many stored rows, and two sandbox instances
// on one PostgreSQL against one. Every server runs in its own process on 127.0.0.1.
// The many rows are not added through the API. One product and one paid order are, and their rows
// are then copied in the database in batches of 50,000 (SQLite inserts, PostgreSQL insert ... select),
// before the sandbox is started again on the filled database.
// Usage: node scripts/bench-scale.mjs [--rows 1000000] [--seconds 8] [--connections 10] [--rounds 3] [--skip-pg]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'skip-pg': { type: 'boolean', default: false },
  },
});
const MANY_ROWS = Number(values.rows);
const FEW_ROWS = 1000;
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const PG_URL = process.env.WXSHOP_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BIN = new URL('../packages/sandbox/bin/wxshop.js', import.meta.url).pathname;
const APPID = 'wx0000000000bench2';
const SECRET = '0123456789abcdef0123456789abcdef';
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Starts `wxshop serve` and returns its base URL and an access token. */
async function start(db) {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--db', db, '--app', `${APPID}:${SECRET}`, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited during start-up (${child.exitCode})`);
    if (Date.now() - started > 60000) throw new Error('the sandbox did not answer within 60 s');
    try {
      const response = await fetch(`${base}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`);
      const { access_token: token } = await response.json();
      return { child, base, token, async stop() {
        child.kill('SIGTERM');
        await once(child, 'exit');
      } };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function wire(base, token, path, body) {
  const response = await fetch(`${base}${path}?access_token=${token}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const json = await response.json();
  if (json.errcode !== 0) throw new Error(`${path} failed: ${JSON.stringify(json)}`);
  return json;
}

/** Adds one real product and one paid order through the APIs. Their rows are the templates for the bulk copies. */
async function seedTemplates(server) {
  await seedProduct(server);
  const { buyers } = await (await fetch(`${server.base}/_sandbox/v1/apps/${APPID}/buyers`)).json();
  const openid = buyers[0].openid;
  const now = new Date(Date.now() + 8 * 3600 * 1000).toISOString();
  await wire(server.base, server.token, '/shop/order/add', {
    create_time: `${now.slice(0, 10)} ${now.slice(11, 19)}`,
    out_order_id: 'TEMPLATE',
    openid,
    path: 'pages/order?id=TEMPLATE',
    fund_type: 1,
    expire_time: Math.floor(Date.now() / 1000) + 3600,
    order_detail: {
      product_infos: [{ out_product_id: 'TEMPLATE', out_sku_id: 'TEMPLATE-S', product_cnt: 1, sale_price: 100, sku_real_price: 100, path: 'pages/goods?id=TEMPLATE', title: '规模测试商品', head_img: 'https://mmecimage.cn/p/x/1' }],
      pay_info: { pay_method_type: 0 },
      price_info: { order_price: 100, freight: 0, discounted_price: 0, additional_price: 0 },
    },
    delivery_detail: { delivery_type: 1 },
    address_info: { receiver_name: '收件人', detailed_address: '测试地址1号', tel_number: '13800000000', province: '广东省', city: '广州市', town: '天河区' },
  });
  const paid = await fetch(`${server.base}/_sandbox/v1/apps/${APPID}/orders/TEMPLATE/pay`, { method: 'POST' });
  if (paid.status !== 200) throw new Error(`paying the template order failed: ${await paid.text()}`);
  await wire(server.base, server.token, '/shop/ecaftersale/add', {
    out_order_id: 'TEMPLATE',
    openid,
    type: 1,
    product_info: { out_product_id: 'TEMPLATE', out_sku_id: 'TEMPLATE-S', product_cnt: 1 },
    refund_reason: '规模测试',
    refund_reason_type: 8,
    orderamt: 100,
  });
}

async function seedProduct(server) {
  const form = new FormData();
  form.set('media', new Blob([Buffer.from(PIXEL, 'base64')], { type: 'image/png' }), 'p.png');
  const upload = await (await fetch(`${server.base}/shop/img/upload?access_token=${server.token}&resp_type=1&upload_type=0`, { method: 'POST', body: form })).json();
  const image = upload.img_info.temp_img_url;
  await wire(server.base, server.token, '/shop/spu/add', {
    out_product_id: 'TEMPLATE',
    title: '规模测试商品',
    path: 'pages/goods?id=TEMPLATE',
    head_img: [image],
    third_cat_id: 380001,
    brand_id: 2100000000,
    skus: [{ out_sku_id: 'TEMPLATE-S', thumb_img: image, sale_price: 100, market_price: 200, stock_num: 10, sku_attrs: [] }],
  });
  // The automatic review decides a new product 10 s after its add. The template is reviewed now,
  // so that no copy waits for a review, which the server would otherwise run during the load.
  const advanced = await fetch(`${server.base}/_sandbox/v1/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 11 }) });
  if (advanced.status !== 200) throw new Error(`advancing the clock failed: ${await advanced.text()}`);
  server.token = (await (await fetch(`${server.base}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`)).json()).access_token;
  const { spu } = await wire(server.base, server.token, '/shop/spu/get', { out_product_id: 'TEMPLATE' });
  if (spu.edit_status === 2) throw new Error('the template product is still under review');
}

// The copies bypass the sandbox, so the kept product and order counts are computed again.
const RECOUNT = `delete from product_counts;
  insert into product_counts (appid, status, live) select appid, status, count(*) from products where deleted = 0 group by appid, status;
  delete from order_counts;
  insert into order_counts (appid, total) select appid, count(*) from orders group by appid;`;

/** Per table: the template row's key and the columns each copy changes (n counts from 1). */
const COPIES = {
  products: {
    template: () => "out_product_id = 'TEMPLATE'",
    sqlite: (row, n) => ({ ...row, product_id: String(5_000_000_000 + n), out_product_id: `BULK-${n}`, create_time: row.create_time - n * 1000, update_time: row.update_time - n * 1000 }),
    postgres: { product_id: '(5000000000 + n)::text', out_product_id: "'BULK-' || n", create_time: 'create_time - n * 1000', update_time: 'update_time - n * 1000' },
  },
  orders: {
    template: () => "out_order_id = 'TEMPLATE'",
    sqlite: (row, n) => ({ ...row, order_id: String(3_000_000_000_000_000_000n + BigInt(n)), out_order_id: `BULK-${n}`, create_time: row.create_time - n * 1000, pay_time: row.pay_time - n * 1000, updated_at: row.updated_at - n * 1000 }),
    postgres: { order_id: '(3000000000000000000 + n)::text', out_order_id: "'BULK-' || n", create_time: 'create_time - n * 1000', pay_time: 'pay_time - n * 1000', updated_at: 'updated_at - n * 1000' },
  },
  // Each copied order gets a copy of the refund request.
  aftersales: {
    // The template is the request on the template order: copies share its other columns.
    template: (prefix) => `order_id = (select order_id from ${prefix}orders where out_order_id = 'TEMPLATE')`,
    sqlite: (row, n) => ({ ...row, aftersale_id: String(4_000_000_000_000_000_000n + BigInt(n)), order_id: String(3_000_000_000_000_000_000n + BigInt(n)), created_at: row.created_at - n * 1000, updated_at: row.updated_at - n * 1000 }),
    postgres: { aftersale_id: '(4000000000000000000 + n)::text', order_id: '(3000000000000000000 + n)::text', created_at: 'created_at - n * 1000', updated_at: 'updated_at - n * 1000' },
  },
};
const BATCH = 50_000;

/** Copies each template row until the app has `total` products, orders and after-sales (SQLite). */
function fillSqlite(file, total) {
  const db = new Sqlite(file);
  // A benchmark file: losing it to a power cut costs nothing, so the copies skip the syncs.
  db.pragma('synchronous = OFF');
  for (const [table, copy] of Object.entries(COPIES)) {
    const template = db.prepare(`select * from ${table} where ${copy.template('')}`).get();
    const columns = Object.keys(template);
    const insert = db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
    const batch = db.transaction((from, to) => {
      for (let n = from; n < to; n++) insert.run(copy.sqlite(template, n));
    });
    for (let from = 1; from < total; from += BATCH) batch(from, Math.min(total, from + BATCH));
  }
  db.exec(RECOUNT);
  db.close();
  // The fill leaves gigabytes of written pages in the operating system's cache. Writing them out
  // now keeps that disk work out of the measured load that follows.
  for (const path of [file, `${file}-wal`]) {
    if (!existsSync(path)) continue;
    const fd = openSync(path, 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
}

/** Copies each template row until the app has `total` products, orders and after-sales (PostgreSQL). */
async function fillPostgres(schema, total) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const [table, copy] of Object.entries(COPIES)) {
    const { rows } = await client.query(`select column_name from information_schema.columns where table_schema = $1 and table_name = $2`, [schema, table]);
    const columns = rows.map((row) => row.column_name);
    const select = columns.map((column) => copy.postgres[column] ?? column).join(', ');
    for (let from = 1; from < total; from += BATCH) {
      await client.query(
        `insert into ${schema}.${table} (${columns.join(', ')}) select ${select} from ${schema}.${table}, generate_series($1::int, $2::int) as n where ${copy.template(`${schema}.`)}`,
        [from, Math.min(total, from + BATCH) - 1],
      );
    }
    await client.query(`analyze ${schema}.${table}`);
  }
  await client.query(`set search_path = ${schema}`);
  await client.query(RECOUNT);
  // The fill wrote gigabytes through a few checkpoints, and the last one would otherwise write and
  // sync its share during the measured load. CHECKPOINT finishes it now. It needs a superuser or
  // the pg_checkpoint role (PostgreSQL 15); without either the run goes on and prints a warning.
  try {
    await client.query('checkpoint');
  } catch (error) {
    console.log(`CHECKPOINT after the fill failed (${error.message}); a checkpoint may overlap the load`);
  }
  await client.end();
}

async function dropSchema(schema) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

/** The list calls measured, page 1 of each (10 rows). */
const LISTS = [
  { name: 'spu/get_list', path: '/shop/spu/get_list', body: { page: 1, page_size: 10, need_edit_spu: 1 }, total: (json) => json.total_num },
  { name: 'order/get_list', path: '/shop/order/get_list', body: { page: 1, page_size: 10 }, total: (json) => json.total_num },
  // ecaftersale/get_list returns no total: with more than 10 rows stored it must report has_more.
  { name: 'ecaftersale/get_list', path: '/shop/ecaftersale/get_list', body: { offset: 0, limit: 10 }, total: (json, rows) => (json.after_sales_orders.length === 10 && json.has_more ? rows : -1) },
];

function listRequest(server, list) {
  return {
    url: `${server.base}${list.path}?access_token=${server.token}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(list.body),
  };
}

/** Creates and fills a database with `rows` stored products, orders and after-sales. */
async function filledDatabase(kind, rows, dir) {
  let url;
  let schema;
  if (kind === 'sqlite') {
    url = join(dir, `list-${rows}.db`);
  } else {
    schema = `wxshop_bench_${rows}_${process.pid}`;
    url = `${PG_URL}?schema=${schema}`;
  }
  const remove = async () => {
    if (schema) await dropSchema(schema);
    else for (const suffix of ['', '-wal', '-shm', '-requests', '-requests-wal', '-requests-shm']) rmSync(`${url}${suffix}`, { force: true });
  };
  try {
    const server = await start(url);
    await seedTemplates(server);
    await server.stop();
    const filling = Date.now();
    if (kind === 'sqlite') fillSqlite(url, rows);
    else await fillPostgres(schema, rows);
    return { kind, rows, url, remove, fillSeconds: (Date.now() - filling) / 1000 };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Starts a server on the filled database and measures each list once. */
async function measureLists(database) {
  const server = await start(database.url);
  try {
    const results = [];
    for (const list of LISTS) {
      const check = await wire(server.base, server.token, list.path, list.body);
      if (list.total(check, database.rows) !== database.rows) {
        throw new Error(`expected ${database.rows} rows, ${list.name} returned ${JSON.stringify(check).slice(0, 200)}`);
      }
      // A short unmeasured run first, so the measured one does not include the compiler's warm-up.
      await load({ ...listRequest(server, list), duration: 1 });
      const result = await load(listRequest(server, list));
      results.push({ rps: Math.round(result.requests.average), p99: result.latency.p99, errors: result.errors + result.non2xx });
    }
    return results;
  } finally {
    await server.stop();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Measures the lists at few and at many rows in alternating rounds (few, many, few, many, …), so
 * that a stretch of load from other work on the machine falls on both sizes alike. Returns, per
 * size and list, the median req/s and p99 of the rounds and the total errors.
 */
async function listsAtBothSizes(kind, dir) {
  const few = await filledDatabase(kind, FEW_ROWS, dir);
  try {
    const many = await filledDatabase(kind, MANY_ROWS, dir);
    try {
      const rounds = { few: [], many: [] };
      for (let round = 0; round < ROUNDS; round++) {
        rounds.few.push(await measureLists(few));
        rounds.many.push(await measureLists(many));
      }
      const summarise = (database, measured) =>
        LISTS.map((list, index) => ({
          list: list.name,
          kind,
          rows: database.rows,
          fillSeconds: database.fillSeconds,
          rps: Math.round(median(measured.map((results) => results[index].rps))),
          p99: median(measured.map((results) => results[index].p99)),
          p99s: measured.map((results) => results[index].p99),
          errors: measured.reduce((sum, results) => sum + results[index].errors, 0),
        }));
      return { few: summarise(few, rounds.few), many: summarise(many, rounds.many) };
    } finally {
      await many.remove();
    }
  } finally {
    await few.remove();
  }
}

/**
 * spu/get and order/add throughput of one instance, then of two instances sharing one PostgreSQL
 * schema with the same connections split between them. Every order/add response is checked for
 * errcode 0, and any other response counts as an error.
 */
async function twoInstances() {
  const schema = `wxshop_bench_pair_${process.pid}`;
  const db = `${PG_URL}?schema=${schema}`;
  const first = await start(db);
  try {
    await seedTemplates(first);
    const template = await wire(first.base, first.token, '/shop/order/get', { out_order_id: 'TEMPLATE', openid: (await (await fetch(`${first.base}/_sandbox/v1/apps/${APPID}/buyers`)).json()).buyers[0].openid });
    const order = template.order;
    const orderBody = (id) => JSON.stringify({
      create_time: order.create_time,
      out_order_id: id,
      openid: order.openid,
      path: `pages/order?id=${id}`,
      fund_type: 1,
      expire_time: Math.floor(Date.now() / 1000) + 3600,
      order_detail: {
        product_infos: [{ out_product_id: 'TEMPLATE', out_sku_id: 'TEMPLATE-S', product_cnt: 1, sale_price: 100, sku_real_price: 100, path: 'pages/goods?id=TEMPLATE', title: '规模测试商品', head_img: 'https://mmecimage.cn/p/x/1' }],
        pay_info: { pay_method_type: 0 },
        price_info: { order_price: 100, freight: 0, discounted_price: 0, additional_price: 0 },
      },
      delivery_detail: { delivery_type: 1 },
      address_info: order.address_info,
    });
    let counter = 0;
    let failed = 0;
    const kinds = {
      'spu/get': (server, connections) => ({
        url: `${server.base}/shop/spu/get?access_token=${server.token}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ out_product_id: 'TEMPLATE', need_edit_spu: 1 }),
        connections,
      }),
      'order/add': (server, connections) => ({
        url: server.base,
        connections,
        requests: [{
          method: 'POST',
          path: `/shop/order/add?access_token=${server.token}`,
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: orderBody(`PAIR-${counter++}`) }),
          onResponse: (_status, body) => {
            if (!body.startsWith('{"errcode":0,')) failed++;
          },
        }],
      }),
    };
    const alone = {};
    for (const [name, request] of Object.entries(kinds)) {
      failed = 0;
      const result = await load(request(first, CONNECTIONS));
      alone[name] = { rps: Math.round(result.requests.average), p99: result.latency.p99, errors: result.errors + result.non2xx + failed };
    }
    const second = await start(db);
    try {
      const half = Math.max(1, Math.round(CONNECTIONS / 2));
      const rows = [];
      for (const [name, request] of Object.entries(kinds)) {
        failed = 0;
        const [a, b] = await Promise.all([load(request(first, half)), load(request(second, half))]);
        rows.push({
          name,
          one: alone[name],
          two: { rps: Math.round(a.requests.average + b.requests.average), p99: Math.max(a.latency.p99, b.latency.p99), errors: a.errors + a.non2xx + b.errors + b.non2xx + failed },
        });
      }
      return rows;
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop();
    await dropSchema(schema);
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'wxshop-bench-scale-'));
  const began = Date.now();
  try {
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`load average at the start: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    console.log(`load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, log level warn\n`);
    console.log(`each size measured in ${ROUNDS} alternating rounds; req/s and p99 are the medians of the rounds\n`);
    console.log('| list, page 1 | database | stored rows | req/s | p99 ms | p99 ms per round | errors | fill s |');
    console.log('|---|---|---|---|---|---|---|---|');
    const kinds = values['skip-pg'] ? ['sqlite'] : ['sqlite', 'postgres'];
    const ratios = [];
    for (const kind of kinds) {
      const { few, many } = await listsAtBothSizes(kind, dir);
      for (const [index, row] of [...few, ...many].entries()) {
        console.log(`| ${row.list} | ${kind} | ${row.rows} | ${row.rps} | ${row.p99} | ${row.p99s.join(', ')} | ${row.errors} | ${index % LISTS.length === 0 ? row.fillSeconds.toFixed(1) : ''} |`);
      }
      for (const [index, list] of LISTS.entries()) {
        const ratio = many[index].p99 / Math.max(few[index].p99, 1);
        ratios.push(`| ${list.name} | ${kind} | ${few[index].p99} | ${many[index].p99} | ${ratio.toFixed(2)} | ${ratio <= 1.5 ? 'met' : 'MISSED'} |`);
      }
    }
    console.log(`\n| list | database | median p99 ms at ${FEW_ROWS} | median p99 ms at ${MANY_ROWS} | ratio | target ≤ 1.5 |`);
    console.log('|---|---|---|---|---|---|');
    for (const line of ratios) console.log(line);
    if (!values['skip-pg']) {
      console.log('\n| PostgreSQL | one instance req/s | p99 ms | errors | two instances req/s together | p99 ms | errors |');
      console.log('|---|---|---|---|---|---|---|');
      for (const row of await twoInstances()) {
        console.log(`| ${row.name} | ${row.one.rps} | ${row.one.p99} | ${row.one.errors} | ${row.two.rps} | ${row.two.p99} | ${row.two.errors} |`);
      }
    }
    console.log(`\nload average at the end: ${loadavg().map((value) => value.toFixed(2)).join(' ')}; the scale benchmark took ${Math.round((Date.now() - began) / 1000)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
