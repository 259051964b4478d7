// Scale benchmarks: list endpoints with few and with many stored rows, and two sandbox instances
// on one PostgreSQL against one. Every server runs in its own process on 127.0.0.1.
// Usage: node scripts/bench-scale.mjs [--rows 1000000] [--seconds 8] [--connections 10] [--skip-pg]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
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
    'skip-pg': { type: 'boolean', default: false },
  },
});
const MANY_ROWS = Number(values.rows);
const FEW_ROWS = 1000;
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
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

/** Adds one real product through the wire API; its row is the template for the bulk copies. */
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
}

// The copies bypass the sandbox, so the kept live-product counts are computed again.
const RECOUNT = `delete from product_counts;
  insert into product_counts (appid, status, live) select appid, status, count(*) from products where deleted = 0 group by appid, status;`;

/** Copies the template product row until the app has `total` products (SQLite). */
function fillSqlite(file, total) {
  const db = new Sqlite(file);
  const template = db.prepare("select * from products where out_product_id = 'TEMPLATE'").get();
  const columns = Object.keys(template);
  const insert = db.prepare(`insert into products (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
  const copy = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      insert.run({ ...template, product_id: String(5_000_000_000 + i), out_product_id: `BULK-${i}`, create_time: template.create_time - i * 1000, update_time: template.update_time - i * 1000 });
    }
  });
  for (let from = 1; from < total; from += 50_000) copy(from, Math.min(total, from + 50_000));
  db.exec(RECOUNT);
  db.close();
}

/** Copies the template product row until the app has `total` products (PostgreSQL). */
async function fillPostgres(schema, total) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const { rows } = await client.query(`select column_name from information_schema.columns where table_schema = $1 and table_name = 'products'`, [schema]);
  const columns = rows.map((row) => row.column_name);
  const computed = {
    product_id: "(5000000000 + n)::text",
    out_product_id: "'BULK-' || n",
    create_time: 'create_time - n * 1000',
    update_time: 'update_time - n * 1000',
  };
  const select = columns.map((column) => computed[column] ?? column).join(', ');
  await client.query(
    `insert into ${schema}.products (${columns.join(', ')}) select ${select} from ${schema}.products, generate_series(1, $1::int - 1) as n where out_product_id = 'TEMPLATE'`,
    [total],
  );
  await client.query(`set search_path = ${schema}`);
  await client.query(RECOUNT);
  await client.query(`analyze ${schema}.products`);
  await client.end();
}

async function dropSchema(schema) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

function listRequest(server) {
  return {
    url: `${server.base}/shop/spu/get_list?access_token=${server.token}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ page: 1, page_size: 10, need_edit_spu: 1 }),
  };
}

/** spu/get_list with `rows` stored products on the given database kind. */
async function listAt(kind, rows, dir) {
  let db;
  let schema;
  if (kind === 'sqlite') {
    db = join(dir, `list-${rows}.db`);
  } else {
    schema = `wxshop_bench_${rows}_${process.pid}`;
    db = `${PG_URL}?schema=${schema}`;
  }
  let server = await start(db);
  await seedProduct(server);
  await server.stop();
  const filling = Date.now();
  if (kind === 'sqlite') fillSqlite(db, rows);
  else await fillPostgres(schema, rows);
  const fillSeconds = (Date.now() - filling) / 1000;
  server = await start(db);
  try {
    const check = await wire(server.base, server.token, '/shop/spu/get_list', { page: 1, page_size: 10 });
    if (check.total_num !== rows) throw new Error(`expected ${rows} products, the list says ${check.total_num}`);
    const result = await load(listRequest(server));
    return { kind, rows, rps: Math.round(result.requests.average), p99: result.latency.p99, errors: result.errors + result.non2xx, fillSeconds };
  } finally {
    await server.stop();
    if (schema) await dropSchema(schema);
  }
}

/** spu/get throughput of one instance, then of two instances sharing one PostgreSQL schema. */
async function twoInstances() {
  const schema = `wxshop_bench_pair_${process.pid}`;
  const db = `${PG_URL}?schema=${schema}`;
  const first = await start(db);
  try {
    await seedProduct(first);
    const request = (server, connections) => ({
      url: `${server.base}/shop/spu/get?access_token=${server.token}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ out_product_id: 'TEMPLATE', need_edit_spu: 1 }),
      connections,
    });
    const alone = await load(request(first, CONNECTIONS));
    const second = await start(db);
    try {
      const half = Math.max(1, Math.round(CONNECTIONS / 2));
      const [a, b] = await Promise.all([load(request(first, half)), load(request(second, half))]);
      return {
        one: Math.round(alone.requests.average),
        two: Math.round(a.requests.average + b.requests.average),
        errors: a.errors + a.non2xx + b.errors + b.non2xx,
      };
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
  try {
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, log level warn\n`);
    console.log('| list | database | stored rows | req/s | p99 ms | errors | fill s |');
    console.log('|---|---|---|---|---|---|---|');
    const kinds = values['skip-pg'] ? ['sqlite'] : ['sqlite', 'postgres'];
    for (const kind of kinds) {
      const few = await listAt(kind, FEW_ROWS, dir);
      const many = await listAt(kind, MANY_ROWS, dir);
      for (const row of [few, many]) console.log(`| spu/get_list page 1 | ${kind} | ${row.rows} | ${row.rps} | ${row.p99} | ${row.errors} | ${row.fillSeconds.toFixed(1)} |`);
      const ratio = many.p99 / Math.max(few.p99, 1);
      console.log(`| p99 ratio ${MANY_ROWS} / ${FEW_ROWS} | ${kind} | | | ${ratio.toFixed(2)} | | target ≤ 1.5: ${ratio <= 1.5 ? 'met' : 'MISSED'} |`);
    }
    if (!values['skip-pg']) {
      const pair = await twoInstances();
      console.log(`\nspu/get on PostgreSQL: one instance ${pair.one} req/s, two instances on one schema ${pair.two} req/s together (${pair.errors} errors)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
