// Runs spu/get or spu/add through the wire pipeline in process, without HTTP, and prints the
// time per call. For profiling: `node --cpu-prof scripts/profile-wire.mjs add 5000`, or under
// `valgrind --tool=callgrind` for instruction counts that other load on the machine does not skew.
// Usage: node scripts/profile-wire.mjs get|add [count] [--db URL]
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';

const root = new URL('../packages/sandbox/dist/', import.meta.url);
const { createSandbox } = await import(new URL('sandbox.js', root));
const { handleWire } = await import(new URL('server/pipeline.js', root));
const { WIRE_ROUTES } = await import(new URL('server/app.js', root));

const { positionals, values } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, warmup: { type: 'string', default: '500' } } });
const [which = 'get', countText = '5000'] = positionals;
const count = Number(countText);
const APPID = 'wx0000000000bench1';
const SECRET = '0123456789abcdef0123456789abcdef';

const dir = mkdtempSync(join(tmpdir(), 'wxshop-profile-'));
const { LineBuffer } = await import(new URL('cli/log-destination.js', root));
// The log goes to /dev/null at the default level, buffered as `wxshop serve` writes it.
const logger = pino({ level: 'info' }, new LineBuffer(openSync('/dev/null', 'w')));
const sandbox = await createSandbox({ storage: { url: values.db ?? join(dir, 'profile.db') }, apps: [{ appid: APPID, secret: SECRET }], logger, backgroundIntervalMs: 0 });
const services = sandbox.services;
const routes = new Map(WIRE_ROUTES.map((route) => [route.path, route]));

async function call(url, body, contentType = 'application/json') {
  let sent;
  await handleWire({ method: 'POST', url, contentType, ip: '127.0.0.1', body: Buffer.from(body), bodyTooLarge: false }, (text) => (sent = text), routes, services);
  return sent;
}

const token = JSON.parse(await call(`/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`, '')).access_token;
const boundary = 'profileboundary';
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const multipart = Buffer.concat([
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`),
  png,
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);
let uploaded;
await handleWire(
  { method: 'POST', url: `/shop/img/upload?access_token=${token}&resp_type=1&upload_type=0`, contentType: `multipart/form-data; boundary=${boundary}`, ip: '127.0.0.1', body: multipart, bodyTooLarge: false },
  (text) => (uploaded = JSON.parse(text)),
  routes,
  services,
);
const image = uploaded.img_info.temp_img_url;
const product = (id) =>
  JSON.stringify({
    out_product_id: id,
    title: '压测商品',
    path: `pages/goods?id=${id}`,
    head_img: [image],
    third_cat_id: 380001,
    brand_id: 2100000000,
    skus: [{ out_sku_id: `${id}-S`, thumb_img: image, sale_price: 100, market_price: 200, stock_num: 10, sku_attrs: [] }],
  });
const seeded = await call(`/shop/spu/add?access_token=${token}`, product('SEED-1'));
if (!seeded.startsWith('{"errcode":0,')) throw new Error(`seed failed: ${seeded}`);

const getBody = JSON.stringify({ out_product_id: 'SEED-1', need_edit_spu: 1 });
let counter = 0;
const once = async () => {
  const text = which === 'add' ? await call(`/shop/spu/add?access_token=${token}`, product(`P-${counter++}`)) : await call(`/shop/spu/get?access_token=${token}`, getBody);
  if (!text.startsWith('{"errcode":0,')) throw new Error(`${which} failed: ${text}`);
};
for (let i = 0; i < Number(values.warmup); i++) await once();
const started = performance.now();
const cpuBefore = process.cpuUsage();
for (let i = 0; i < count; i++) await once();
const elapsed = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(`${which}: ${count} calls, ${((elapsed * 1000) / count).toFixed(1)} µs wall, ${((cpu.user + cpu.system) / count).toFixed(1)} µs CPU per call`);
await sandbox.close();
rmSync(dir, { recursive: true, force: true });
