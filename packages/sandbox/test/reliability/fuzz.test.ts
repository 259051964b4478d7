// Sends generated hostile requests to every wire path: wrong types, missing and extra fields, deep
// nesting, huge strings, invalid UTF-8, prototype keys, broken JSON and multipart. Every answer
// must be an HTTP 200 JSON envelope whose errcode is in the catalogue, the server must stay up,
// and a product stored beforehand must come out unchanged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ENDPOINTS, explain, parseJson } from '@wxshop/api';
import { type TestSandbox, call, getToken, productBody, startSandbox, uploadImage } from '../helpers.js';
import { sized } from './process.js';

const REQUESTS = sized(3000, 100_000);
const CONCURRENCY = 8;
const SEED = Number(process.env.WXSHOP_FUZZ_SEED ?? 20261204);

/** A small seeded generator (mulberry32), so a failing run repeats with the same seed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (limit: number) => Math.floor(next() * limit),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof generator>;

/** Field names used across the platform's request bodies, for extra and replaced fields. */
const FIELD_NAMES = [
  'out_product_id', 'product_id', 'out_sku_id', 'sku_id', 'title', 'path', 'head_img', 'skus', 'third_cat_id',
  'brand_id', 'order_id', 'out_order_id', 'openid', 'page', 'page_size', 'status', 'need_edit_spu', 'create_time',
  'expire_time', 'order_detail', 'product_infos', 'price_info', 'delivery_detail', 'aftersale_id', 'out_aftersale_id',
  'coupon_id', 'out_coupon_id', 'user_coupon_id', 'sharer_openid', 'scene', 'start_create_time', 'end_create_time',
  'img_url', 'resp_type', 'upload_type', 'grant_type', 'appid', 'secret', 'force_refresh', 'audit_id', 'license',
  'brand_info', 'category_info', 'service_agent_path', 'address_info', 'rid', 'cgi_path', 'component_appid',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
];

const HUGE_STRING = 'x'.repeat(70_000);

function nastyValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 2 ? 12 : 15)) {
    case 0: return null;
    case 1: return random.next() < 0.5;
    case 2: return random.pick([0, -1, 1, 2147483647, -2147483648, 4294967296, 1.5, -0.25, 1e21, Number.MAX_SAFE_INTEGER]);
    case 3: return '';
    case 4: return random.pick(['0', '-1', '9223372036854775808', 'null', 'true', ' ', '\t\n']);
    case 5: return random.pick(['\u0000', '\u0000abc', 'a\u0000b', '\ud83d\ude00', '\u202e反向', '<script>alert(1)</script>', "' or 1=1 --"]);
    case 6: return HUGE_STRING.slice(0, random.pick([256, 1024, 5000, 70_000]));
    case 7: return '中文字段'.repeat(random.int(300));
    case 8: return random.pick(['2021-02-30 25:61:61', '1970-01-01 00:00:00', '9999-12-31 23:59:59', 'yesterday']);
    case 9: return random.pick(['wx00000000000000a1', 'o' + 'A'.repeat(27), 'https://127.0.0.1/x.png']);
    case 10: return random.int(1_000_000_000_000);
    case 11: return [];
    case 12: return Array.from({ length: random.int(4) + 1 }, () => nastyValue(random, depth + 1));
    case 13: return randomObject(random, depth + 1);
    default: return {};
  }
}

function randomObject(random: Random, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const count = random.int(5);
  for (let i = 0; i < count; i++) defineField(object, random.pick(FIELD_NAMES), nastyValue(random, depth));
  return object;
}

/** Sets a field as an own property, even `__proto__`, the way JSON.parse would. */
function defineField(object: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** Mutates a copy of a valid body: replaces, removes or adds fields at any depth. */
function mutate(random: Random, value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    if (random.next() < 0.15) return nastyValue(random, depth);
    return value.map((item) => mutate(random, item, depth + 1));
  }
  if (value === null || typeof value !== 'object') return random.next() < 0.3 ? nastyValue(random, depth) : value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const roll = random.next();
    if (roll < 0.1) continue;
    defineField(copy, key, roll < 0.3 ? nastyValue(random, depth) : mutate(random, field, depth + 1));
  }
  if (random.next() < 0.3) defineField(copy, random.pick(FIELD_NAMES), nastyValue(random, depth));
  return copy;
}

/** Bodies that are not JSON objects, or JSON that strict parsers disagree on. */
function brokenBody(random: Random, valid: string): Buffer {
  switch (random.int(12)) {
    case 0: return Buffer.from(valid.slice(0, random.int(valid.length)));
    case 1: return Buffer.concat([Buffer.from(valid.slice(0, 5)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(valid.slice(5))]);
    case 2: return Buffer.from(`\ufeff${valid}`);
    case 3: return Buffer.from('['.repeat(random.pick([100, 600, 20_000])) + ']'.repeat(random.pick([0, 100, 20_000])));
    case 4: return Buffer.from('{"a":'.repeat(2000) + '1' + '}'.repeat(2000));
    case 5: return Buffer.from(random.pick(['[]', '1', '"s"', 'null', 'true', '{}', '', ' ']));
    case 6: return Buffer.from('{"out_product_id":"a","out_product_id":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    case 7: return Buffer.from(random.pick(['{"page":1e400}', '{"page":-0}', '{"page":NaN}', '{"page":0x10}', '{"page":01}', '{"product_id":123456789012345678901234567890}']));
    case 8: return Buffer.from(`{"title":"${'\\ud800'.repeat(10)}","x":"\\u0000"}`);
    case 9: return Buffer.from(`{${'"k":1,'.repeat(20_000)}"k":2}`);
    case 10: return Buffer.from(valid + random.pick([',', '}', ' garbage', '\u0000']));
    default: return Buffer.from(`{"${'k'.repeat(100_000)}":1}`);
  }
}

function multipartBody(random: Random): { body: Buffer; contentType: string } {
  const boundary = random.pick(['b0undary', '', '-'.repeat(80), 'x']);
  const parts = [
    `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
    random.pick(['\u0089PNG\r\n', 'not an image', '', HUGE_STRING.slice(0, 3000)]),
    random.next() < 0.5 ? `\r\n--${boundary}--\r\n` : '',
  ];
  return { body: Buffer.from(parts.join('')), contentType: random.pick([`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', 'text/plain']) };
}

let server: TestSandbox;
let token: string;
let image: string;
const seeds = new Map<string, unknown>();
/** Paths this sandbox serves (the rest return 40066); most requests go to these. */
const served: string[] = [];

before(async () => {
  server = await startSandbox();
  token = await getToken(server.url);
  image = await uploadImage(server.url, token);
  // FUZZ-KEEP must come out unchanged; the mutated writes aim at FUZZ-TARGET, which they may change.
  const keep = await call(server.url, '/shop/spu/add', productBody('FUZZ-KEEP', image), { token });
  assert.equal(keep.json.errcode, 0, keep.text);
  const add = await call(server.url, '/shop/spu/add', productBody('FUZZ-TARGET', image), { token });
  assert.equal(add.json.errcode, 0, add.text);
  const productId = String((add.json.data as Record<string, unknown>).product_id);
  const product = productBody('FUZZ-1', image);
  seeds.set('/shop/spu/add', product);
  seeds.set('/shop/spu/update', { ...product, product_id: productId });
  for (const path of ['/shop/spu/get', '/shop/spu/del', '/shop/spu/listing', '/shop/spu/delisting', '/shop/spu/del_audit']) {
    seeds.set(path, { product_id: productId, out_product_id: 'FUZZ-TARGET', need_edit_spu: 1 });
  }
  seeds.set('/shop/spu/get_list', { status: 5, page: 1, page_size: 10, need_edit_spu: 1 });
  for (const endpoint of ENDPOINTS) {
    const probe = await call(server.url, endpoint.path, {}, { token, method: endpoint.method });
    if (probe.json.errcode !== 40066) served.push(endpoint.path);
  }
  seeds.set('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: 'wx00000000000000a1', secret: 'x' });
});

after(async () => {
  await server?.close();
});

test(`${REQUESTS} hostile requests get catalogue errors and no 5xx (seed ${SEED})`, { timeout: sized(120_000, 1_800_000) }, async (t) => {
  const before = await call(server.url, '/shop/spu/get', { out_product_id: 'FUZZ-KEEP', need_edit_spu: 1 }, { token });
  assert.equal(before.json.errcode, 0);
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).length;

  const random = generator(SEED);
  const paths = [...ENDPOINTS.map((endpoint) => endpoint.path), '/shop/unknown', '/cgi-bin/../shop/spu/get', '/shop/spu/get/'];
  const codes = new Map<number, number>();
  let sent = 0;

  const worker = async () => {
    while (sent < REQUESTS) {
      sent++;
      const path = random.next() < 0.85 ? random.pick(served) : random.pick(paths);
      const query = new URLSearchParams();
      const tokenRoll = random.next();
      if (tokenRoll < 0.85) query.set('access_token', token);
      else if (tokenRoll < 0.92) query.set('access_token', asText(nastyValue(random)).slice(0, 300));
      if (random.next() < 0.1) query.set(random.pick(FIELD_NAMES), asText(nastyValue(random)).slice(0, 300));
      const endpoint = ENDPOINTS.find((entry) => entry.path === path);
      const method = random.next() < 0.05 ? random.pick(['GET', 'PUT', 'DELETE']) : endpoint?.method ?? 'POST';

      let body: Buffer | undefined;
      let contentType = 'application/json';
      if (method !== 'GET') {
        if (endpoint?.body === 'multipart' && random.next() < 0.6) {
          ({ body, contentType } = multipartBody(random));
        } else {
          const valid = JSON.stringify(mutate(random, seeds.get(path) ?? randomObject(random, 0)));
          body = random.next() < 0.25 ? brokenBody(random, valid) : Buffer.from(valid);
        }
      }
      const url = `${server.url}${path}${query.size > 0 ? `?${query}` : ''}`;
      const response = await fetch(url, { method, body, headers: { 'content-type': contentType } });
      const text = await response.text();
      const context = `${method} ${path} with ${body ? body.subarray(0, 300).toString('utf8') : '(no body)'} → ${response.status} ${text.slice(0, 300)}`;
      assert.ok(response.status < 500, context);
      if (response.status !== 200) continue;
      const envelope = parseJson(text) as Record<string, unknown>;
      if (envelope.access_token !== undefined) continue;
      assert.equal(typeof envelope.errcode, 'number', context);
      const errcode = envelope.errcode as number;
      assert.ok(errcode === 0 || explain(errcode) !== undefined, `errcode ${errcode} is not in the catalogue: ${context}`);
      assert.equal(typeof envelope.errmsg, 'string', context);
      codes.set(errcode, (codes.get(errcode) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  assert.equal(Object.getOwnPropertyNames(Object.prototype).length, prototypeKeys, 'Object.prototype gained a property');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const afterwards = await call(server.url, '/shop/spu/get', { out_product_id: 'FUZZ-KEEP', need_edit_spu: 1 }, { token });
  assert.equal(afterwards.json.errcode, 0, afterwards.text);
  assert.deepEqual(afterwards.json.spu, before.json.spu, 'the untouched product changed');
  t.diagnostic(`errcodes seen: ${[...codes].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code}×${count}`).join(' ')}`);
});
