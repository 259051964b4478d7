// Benchmarks the sandbox against a raw node:http JSON echo server measured in the same run:
// spu/add, spu/get, order/add and order/get throughput as a ratio to the echo, cold start to first response, and idle
// RSS. The floor servers of scripts/bench-floor.mjs, which do only the work every request needs,
// run last and show how close to the echo any implementation can come on this machine.
// Every server runs in its own process on 127.0.0.1; autocannon drives the load from this one.
// Usage: npm run bench [-- --seconds N --connections N]
//        node scripts/bench.mjs [--bin PATH] [--only spu/get,order/get] [--json]
// --bin runs another build's `wxshop` (for example a second checkout), --only skips the loads not
// named (the echo always runs), and --json prints the figures as one JSON object instead of the table.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    bin: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const FLOORS = ['floor/read', 'floor/write', 'floor/write-grouped'];
const LOADS = ['spu/get', 'order/get', 'order/add', 'spu/add', ...FLOORS];
const ONLY = values.only === undefined ? undefined : new Set(values.only.split(',').map((name) => name.trim()));
const unknownLoads = [...(ONLY ?? [])].filter((name) => !LOADS.includes(name));
if (unknownLoads.length > 0) {
  console.error(`Unknown load in --only: ${unknownLoads.join(', ')}. Use any of ${LOADS.join(', ')}.`);
  process.exit(2);
}
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const BIN = values.bin ?? new URL('../packages/sandbox/bin/wxshop.js', import.meta.url).pathname;
const APPID = 'wx0000000000bench1';
const SECRET = '0123456789abcdef0123456789abcdef';

const ECHO_SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', echo: body }));
  });
}).listen(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function waitForOutput(child, pattern) {
  let output = '';
  child.stdout.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${output}`)), 30000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${code}: ${output}`)));
  });
}

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function postText(url, body) {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return response.text();
}

async function post(url, body) {
  return JSON.parse(await postText(url, body));
}

// CPU time (user + system) a process has used, in microseconds, from /proc.
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

function summary(name, result, cpuUsed) {
  const errors = result.non2xx + result.errors;
  return { name, rps: Math.round(result.requests.average), p99_ms: result.latency.p99, errors, cpu_us: cpuUsed / result.requests.total };
}

// Runs one load and measures the server's CPU time per request alongside. On a busy machine
// req/s swing with the other load, while CPU time per request stays close to the server's own cost.
async function measured(name, pid, options) {
  if (ONLY !== undefined && name !== 'node:http echo' && !ONLY.has(name)) return undefined;
  const before = cpuMicros(pid);
  const result = await run(options);
  return summary(name, result, cpuMicros(pid) - before);
}

async function startSandbox(dir) {
  const port = await freePort();
  const started = performance.now();
  // The sandbox logs one line per request to stderr at the default level, as in normal use; the
  // lines are discarded here.
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--db', join(dir, 'bench.db'), '--app', `${APPID}:${SECRET}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // Per-request log lines are read and dropped so the pipe never fills.
  child.stdout.resume();
  const base = `http://127.0.0.1:${port}`;
  // Cold start: from spawning the process to the first wire response (a token request).
  let token;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error('the sandbox exited during start-up');
    if (performance.now() - started > 30000) throw new Error('the sandbox did not respond within 30 s; run it by hand to see why');
    try {
      const response = await fetch(`${base}/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`);
      token = (await response.json()).access_token;
      break;
    } catch (error) {
      if (process.env.BENCH_DEBUG) process.stderr.write(`${error.cause?.code ?? error.message}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const coldStartMs = performance.now() - started;
  return { child, base, token, coldStartMs };
}

// Starts one floor server of scripts/bench-floor.mjs on the sandbox files in `dir`.
async function startFloor(name, dir) {
  const port = await freePort();
  const mode = name.slice('floor/'.length);
  const reply = join(dir, mode === 'read' ? 'floor-read-reply.json' : 'floor-write-reply.json');
  const script = new URL('./bench-floor.mjs', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, mode, String(port), dir, join(dir, 'bench.db'), reply], { stdio: ['ignore', 'pipe', 'ignore'] });
  await waitForOutput(child, /ready/);
  return { child, base: `http://127.0.0.1:${port}` };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'wxshop-bench-'));
  const results = [];
  try {
    // Raw echo baseline.
    const echoPort = await freePort();
    const echo = spawn(process.execPath, ['-e', ECHO_SERVER, String(echoPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await waitForOutput(echo, /ready/);
    const echoBody = JSON.stringify({ out_product_id: 'P-1', need_edit_spu: 0 });
    const echoResult = await measured('node:http echo', echo.pid, { url: `http://127.0.0.1:${echoPort}/`, method: 'POST', body: echoBody, headers: { 'content-type': 'application/json' } });
    echo.kill();
    results.push(echoResult);

    const sandbox = await startSandbox(dir);
    const { base, token } = sandbox;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const idleRss = rssMb(sandbox.child.pid);

    const form = new FormData();
    form.set('media', new Blob([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')], { type: 'image/png' }), 'p.png');
    const upload = await (await fetch(`${base}/shop/img/upload?access_token=${token}&resp_type=1&upload_type=0`, { method: 'POST', body: form })).json();
    const image = upload.img_info.temp_img_url;
    const product = (id) => ({
      out_product_id: id,
      title: '压测商品',
      path: `pages/goods?id=${id}`,
      head_img: [image],
      third_cat_id: 380001,
      brand_id: 2100000000,
      skus: [{ out_sku_id: `${id}-S`, thumb_img: image, sale_price: 100, market_price: 200, stock_num: 10, sku_attrs: [] }],
    });
    const addReply = await postText(`${base}/shop/spu/add?access_token=${token}`, product('SEED-1'));
    if (JSON.parse(addReply).errcode !== 0) throw new Error(`seed spu/add failed: ${addReply}`);
    // The floor servers send the sandbox's own replies, so their replies are as long.
    const getReply = await postText(`${base}/shop/spu/get?access_token=${token}`, { out_product_id: 'SEED-1', need_edit_spu: 1 });
    writeFileSync(join(dir, 'floor-read-reply.json'), getReply);
    writeFileSync(join(dir, 'floor-write-reply.json'), addReply);

    // spu/get and the order loads run before spu/add: the add run leaves thousands of reviews that
    // the auto reviewer decides 10 s later, in the same process, which would count in their CPU time.
    const get = await measured('spu/get', sandbox.child.pid, {
      url: `${base}/shop/spu/get?access_token=${token}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ out_product_id: 'SEED-1', need_edit_spu: 1 }),
    });
    if (get) results.push(get);
    // Orders: a 2022 (fund_type 1) order from one of the app's built-in buyers, then reads of it.
    const buyerList = await (await fetch(`${base}/_sandbox/v1/apps/${APPID}/buyers`)).json();
    const openid = buyerList.buyers[0].openid;
    const clock = await (await fetch(`${base}/_sandbox/v1/clock`)).json();
    const order = (id) => ({
      create_time: clock.now,
      out_order_id: id,
      openid,
      path: `pages/order?id=${id}`,
      fund_type: 1,
      expire_time: Math.floor(clock.now_ms / 1000) + 3600,
      order_detail: {
        product_infos: [{ out_product_id: 'SEED-1', out_sku_id: 'SEED-1-S', product_cnt: 2, sale_price: 100, sku_real_price: 200, path: 'pages/goods?id=SEED-1', title: '压测商品', head_img: image }],
        pay_info: { pay_method_type: 0 },
        price_info: { order_price: 300, freight: 100 },
      },
      delivery_detail: { delivery_type: 1 },
      address_info: { receiver_name: '压测', detailed_address: '测试路1号', tel_number: '13800000000', province: '广东省', city: '深圳市', town: '南山区' },
    });
    const seededOrder = await post(`${base}/shop/order/add?access_token=${token}`, order('ORDER-SEED'));
    if (seededOrder.errcode !== 0) throw new Error(`seed order/add failed: ${JSON.stringify(seededOrder)}`);
    const orderGet = await measured('order/get', sandbox.child.pid, {
      url: `${base}/shop/order/get?access_token=${token}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ out_order_id: 'ORDER-SEED', openid }),
    });
    if (orderGet) results.push(orderGet);
    let orderCounter = 0;
    let failedOrders = 0;
    const orderAdd = await measured('order/add', sandbox.child.pid, {
      url: base,
      requests: [
        {
          method: 'POST',
          path: `/shop/order/add?access_token=${token}`,
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(order(`ORDER-${process.pid}-${orderCounter++}`)) }),
          onResponse: (_status, body) => {
            if (!body.startsWith('{"errcode":0,')) failedOrders++;
          },
        },
      ],
    });
    if (orderAdd) {
      orderAdd.errors += failedOrders;
      results.push(orderAdd);
    }

    let counter = 0;
    let failedAdds = 0;
    const add = await measured('spu/add', sandbox.child.pid, {
      url: base,
      requests: [
        {
          method: 'POST',
          path: `/shop/spu/add?access_token=${token}`,
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(product(`BENCH-${process.pid}-${counter++}`)) }),
          onResponse: (_status, body) => {
            if (!body.startsWith('{"errcode":0,')) failedAdds++;
          },
        },
      ],
    });
    // A throughput made of error responses would be meaningless, so every add must succeed.
    if (add) {
      add.errors += failedAdds;
      results.push(add);
    }

    const loadedRss = rssMb(sandbox.child.pid);
    sandbox.child.kill('SIGTERM');
    await once(sandbox.child, 'exit');

    // A second cold start on an existing database, the common case for a developer.
    const again = await startSandbox(dir);
    again.child.kill('SIGTERM');
    await once(again.child, 'exit');

    // The floor servers, on tables made like the sandbox's files that the loads above wrote.
    for (const name of FLOORS) {
      if (ONLY !== undefined && !ONLY.has(name)) continue;
      const floor = await startFloor(name, dir);
      let floorCounter = 0;
      let failedFloor = 0;
      const request = {
        method: 'POST',
        path: `/shop/${name === 'floor/read' ? 'spu/get' : 'spu/add'}?access_token=floor-token`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ out_product_id: 'SEED-1', need_edit_spu: 1 }),
        onResponse: (_status, body) => {
          if (!body.startsWith('{"errcode":0,')) failedFloor++;
        },
      };
      if (name !== 'floor/read') request.setupRequest = (sent) => ({ ...sent, body: JSON.stringify(product(`FLOOR-${floorCounter++}`)) });
      const result = await measured(name, floor.child.pid, { url: floor.base, requests: [request] });
      floor.child.kill('SIGTERM');
      await once(floor.child, 'exit');
      result.errors += failedFloor;
      results.push(result);
    }

    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    const targets = { 'spu/add': 0.3, 'spu/get': 0.6, 'order/add': 0.3, 'order/get': 0.6 };
    if (values.json) {
      const rows = results.map((row) => ({ ...row, ratio: row.rps / echoResult.rps, target: targets[row.name] }));
      const coldStartMs = { new: sandbox.coldStartMs, existing: again.coldStartMs };
      console.log(JSON.stringify({ machine, load: loadavg(), results: rows, coldStartMs, rssMb: { idle: idleRss, loaded: loadedRss } }));
      return;
    }
    console.log(`machine: ${machine}`);
    console.log(`load: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per endpoint, SQLite file storage`);
    console.log(`machine load average at the end: ${loadavg().map((value) => value.toFixed(2)).join(', ')} (figures are only comparable on a quiet machine)\n`);
    console.log('| endpoint | req/s | p99 ms | errors | ratio to echo | target | server CPU µs/req | echo CPU / this CPU |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const row of results) {
      const ratio = row.rps / echoResult.rps;
      const target = targets[row.name];
      let verdict = target === undefined ? '' : `≥ ${target.toFixed(2)} ${ratio >= target ? 'met' : 'MISSED'}`;
      if (FLOORS.includes(row.name)) verdict = 'reference';
      console.log(`| ${row.name} | ${row.rps} | ${row.p99_ms} | ${row.errors} | ${ratio.toFixed(2)} | ${verdict} | ${row.cpu_us.toFixed(0)} | ${(echoResult.cpu_us / row.cpu_us).toFixed(2)} |`);
    }
    const floorShares = [
      ['spu/get', 'floor/read'],
      ['order/get', 'floor/read'],
      ['spu/add', 'floor/write'],
      ['order/add', 'floor/write'],
    ]
      .map(([name, floorName]) => [results.find((row) => row.name === name), results.find((row) => row.name === floorName)])
      .filter(([row, floor]) => row !== undefined && floor !== undefined)
      .map(([row, floor]) => `${row.name} ${(row.rps / floor.rps).toFixed(2)} of ${floor.name}`);
    if (floorShares.length > 0) console.log(`\nthroughput as a share of the floor's: ${floorShares.join(', ')}`);
    console.log(`\ncold start to first response: ${sandbox.coldStartMs.toFixed(0)} ms (new database), ${again.coldStartMs.toFixed(0)} ms (existing database); target ≤ 300 ms`);
    console.log(`RSS: ${idleRss.toFixed(1)} MB idle after start (target ≤ 80 MB), ${loadedRss.toFixed(1)} MB after the load`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
