import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { explain } from '@wxshop/api';
import { admin, APPID, call, getToken, productBody, RID_SUFFIX, startSandbox, uploadImage, type TestSandbox, type WireResponse, clockNow, advanceClock } from './helpers.js';

const CONTENT_TYPE = 'application/json; encoding=utf-8';

// Catalogue messages, written out so that a changed catalogue entry also fails here.
const INVALID_URL = 'invalid url';
const REQUIRE_POST = 'require POST method';
const TOKEN_MISSING = 'access_token missing';
const TOKEN_INVALID = 'invalid credential, access_token is invalid or not latest';
const TOKEN_EXPIRED = 'access_token expired';
const EMPTY_BODY = 'empty post data';
const BODY_TOO_LARGE = 'content size out of limit';
const NOT_JSON = 'data format error';
const UNAUTHORIZED = 'api unauthorized';
const OUT_PRODUCT_ID_MISSING = '未上传商品out_product_id,请检查json及字段合法性';
const PRODUCT_NOT_FOUND = '商品id不存在';

const MIB = 1024 * 1024;


/** Products the app has stored, read through the admin API so that no wire token is involved. */
async function storedProducts(url: string, appid = APPID): Promise<number> {
  const response = await admin(url, 'GET', `/apps/${appid}/products`);
  assert.equal(response.status, 200);
  return (response.json.products as unknown[]).length;
}

function assertStatus(response: WireResponse): void {
  assert.equal(response.status, 200, `HTTP status of ${response.text.slice(0, 300)}`);
}

function assertContentType(response: WireResponse): void {
  assert.equal(response.contentType, CONTENT_TYPE);
}

/**
 * Sends a request and checks the error envelope: HTTP 200, exactly `errcode` and `errmsg`, the
 * catalogue message followed by ` rid: `, and a rid that starts with the sandbox clock's unix
 * seconds. The content type is left to the caller, which checks it once its other checks have run.
 */
async function checkError(url: string, send: () => Promise<WireResponse>, errcode: number, message: string): Promise<{ rid: string; response: WireResponse }> {
  const before = Math.floor((await clockNow(url)) / 1000);
  const response = await send();
  const after = Math.floor((await clockNow(url)) / 1000);

  assertStatus(response);
  assert.equal(response.json.errcode, errcode, response.text.slice(0, 300));
  assert.deepEqual(Object.keys(response.json).sort(), ['errcode', 'errmsg'], response.text.slice(0, 300));
  const errmsg = response.json.errmsg as string;
  assert.match(errmsg, RID_SUFFIX);
  assert.ok(errmsg.startsWith(`${message} rid: `), `errmsg ${JSON.stringify(errmsg)} starts with ${JSON.stringify(`${message} rid: `)}`);

  const rid = errmsg.slice(`${message} rid: `.length);
  const ridSeconds = parseInt(rid.slice(0, 8), 16);
  assert.ok(ridSeconds >= before - 2, `rid ${rid} encodes ${ridSeconds}, sandbox clock was ${before}..${after}`);
  assert.ok(ridSeconds <= after + 2, `rid ${rid} encodes ${ridSeconds}, sandbox clock was ${before}..${after}`);
  return { rid, response };
}

/** Runs checkError and then checks the content type. Tests that check more after the call use checkError. */
async function expectError(url: string, send: () => Promise<WireResponse>, errcode: number, message: string): Promise<void> {
  const { response } = await checkError(url, send, errcode, message);
  assertContentType(response);
}

function assertOk(response: WireResponse): void {
  assertStatus(response);
  assert.equal(response.json.errcode, 0, response.text.slice(0, 300));
  assert.equal(response.json.errmsg, 'ok', response.text.slice(0, 300));
}

/**
 * Checks that the response to a hostile body is an envelope with errcode 0 or a catalogue code,
 * and not -1, because a body that fails the same way on every try is a client error.
 * The content type is left to the caller.
 */
function assertCatalogueEnvelope(response: WireResponse): void {
  assertStatus(response);
  const errcode = response.json.errcode;
  assert.equal(typeof errcode, 'number', `errcode of ${response.text.slice(0, 300)}`);
  assert.ok(errcode === 0 || explain(errcode as number) !== undefined, `errcode ${errcode} is 0 or in the catalogue`);
  assert.notEqual(errcode, -1, `bad input answers a client error, not system error: ${response.text.slice(0, 300)}`);
  assert.equal(typeof response.json.errmsg, 'string', response.text.slice(0, 300));
}

/** Nests `inner` `depth` times in single-element arrays, as JSON text. */
function nested(depth: number, inner = '1'): string {
  return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

let sandbox: TestSandbox;
let url: string;
let token: string;
let image: string;
let productId: number;

before(async () => {
  sandbox = await startSandbox();
  url = sandbox.url;
  token = await getToken(url);
  image = await uploadImage(url, token);
  const added = await call(url, '/shop/spu/add', productBody('P-1', image), { token });
  assert.equal(added.json.errcode, 0, added.text);
  productId = (added.json.data as { product_id: number }).product_id;
});

after(async () => {
  await sandbox.close();
});

describe('40066 unknown path', () => {
  test('misspelt platform path answers 40066', async () => {
    await expectError(url, () => call(url, '/shop/funds/get_balance', {}, { token }), 40066, INVALID_URL);
  });

  test('/shop/delivery/receive answers 40066', async () => {
    // The platform spells its path /shop/delivery/recieve, so the dictionary spelling does not exist.
    await expectError(url, () => call(url, '/shop/delivery/receive', {}, { token }), 40066, INVALID_URL);
  });

  test('path outside /shop and /cgi-bin answers 40066', async () => {
    await expectError(url, () => call(url, '/foo', {}, { token }), 40066, INVALID_URL);
  });

  test('GET on a path outside the API answers 40066', async () => {
    await expectError(url, () => call(url, '/foo', undefined, { method: 'GET' }), 40066, INVALID_URL);
  });

  test('trailing slash answers 40066', async () => {
    await expectError(url, () => call(url, '/shop/spu/get/', { product_id: productId }, { token }), 40066, INVALID_URL);
  });
});

describe('43002 wrong method', () => {
  test('GET on /shop/spu/get answers 43002', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', undefined, { token, method: 'GET' }), 43002, REQUIRE_POST);
  });
});

describe('41001 missing token', () => {
  test('call without access_token answers 41001', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', { product_id: productId }), 41001, TOKEN_MISSING);
  });

  test('spu/add without access_token stores nothing', async () => {
    const stored = await storedProducts(url);
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', productBody('P-41001', image)), 41001, TOKEN_MISSING);
    assert.equal(await storedProducts(url), stored);
    assertContentType(failed);
  });
});

describe('40001 invalid token', () => {
  test('unknown token answers 40001', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', { product_id: productId }, { token: 'not-a-token' }), 40001, TOKEN_INVALID);
  });

  test('overlong token answers 40001', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', { product_id: productId }, { token: 'x'.repeat(600) }), 40001, TOKEN_INVALID);
  });

  test('token with a NUL character answers 40001', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', { product_id: productId }, { token: `${token.slice(0, 20)}\u0000` }), 40001, TOKEN_INVALID);
  });

  test('spu/add with an unknown token stores nothing', async () => {
    const stored = await storedProducts(url);
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', productBody('P-40001', image), { token: 'not-a-token' }), 40001, TOKEN_INVALID);
    assert.equal(await storedProducts(url), stored);
    assertContentType(failed);
  });
});

describe('44002 empty body', () => {
  test('empty body answers 44002', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', undefined, { token, raw: '' }), 44002, EMPTY_BODY);
  });

  test('spu/add with an empty body answers 44002', async () => {
    const stored = await storedProducts(url);
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', undefined, { token, raw: '' }), 44002, EMPTY_BODY);
    assert.equal(await storedProducts(url), stored);
    assertContentType(failed);
  });

  test('spu/del with an empty body deletes nothing', async () => {
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/del', undefined, { token, raw: '' }), 44002, EMPTY_BODY);
    assertOk(await call(url, '/shop/spu/get', { product_id: productId }, { token }));
    assertContentType(failed);
  });
});

describe('45002 body too large', () => {
  test('JSON body over 1 MiB answers 45002', async () => {
    const prefix = `{"product_id":${productId},"pad":"`;
    const raw = `${prefix}${'x'.repeat(MIB + 1 - prefix.length - 2)}"}`;
    assert.equal(Buffer.byteLength(raw), MIB + 1);
    await expectError(url, () => call(url, '/shop/spu/get', undefined, { token, raw }), 45002, BODY_TOO_LARGE);
  });

  test('JSON body of exactly 1 MiB is accepted', async () => {
    const prefix = `{"product_id":${productId},"pad":"`;
    const raw = `${prefix}${'x'.repeat(MIB - prefix.length - 2)}"}`;
    assert.equal(Buffer.byteLength(raw), MIB);
    assertOk(await call(url, '/shop/spu/get', undefined, { token, raw }));
  });

  test('oversized spu/add stores nothing', async () => {
    const stored = await storedProducts(url);
    const body = productBody('P-45002', image, { supplier: 'x'.repeat(MIB) });
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', body, { token }), 45002, BODY_TOO_LARGE);
    assert.equal(await storedProducts(url), stored);
    assertContentType(failed);
  });

  test('body over 10 MiB answers 45002', async () => {
    const raw = `{"pad":"${'x'.repeat(11 * MIB)}"}`;
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/get', undefined, { token, raw }), 45002, BODY_TOO_LARGE);
    assertOk(await call(url, '/shop/spu/get', { product_id: productId }, { token }));
    assertContentType(failed);
  });
});

describe('47001 body not JSON', () => {
  const bodies: [string, string | Buffer][] = [
    ['trailing comma', `{"product_id":1,}`],
    ['// comment', '{"product_id":1 // the id\n}'],
    ['top-level array', '[{"product_id":1}]'],
    ['bare string', '"product_id"'],
    ['invalid UTF-8 bytes', Buffer.concat([Buffer.from('{"out_product_id":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])],
    ['trailing comma with a 64-bit id', '{"product_id":12345678901234567890,}'],
    ['lone high surrogate escape', '{"out_product_id":"SUR-\\ud801"}'],
    ['lone low surrogate escape in a key', '{"out_product_id":"SUR-1","\\udc00":1}'],
    ['reversed surrogate pair', '{"out_product_id":"SUR-\\ude00\\ud83d"}'],
  ];

  for (const [name, raw] of bodies) {
    test(`${name} answers 47001`, async () => {
      await expectError(url, () => call(url, '/shop/spu/get', undefined, { token, raw }), 47001, NOT_JSON);
    });
  }

  test('escaped surrogate pair is accepted', async () => {
    const response = await call(url, '/shop/spu/get', undefined, { token, raw: '{"out_product_id":"SUR-\\ud83d\\ude00"}' });
    assert.equal(response.json.errcode, 1000011, response.text);
  });

  test('malformed spu/del deletes nothing', async () => {
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/del', undefined, { token, raw: `{"product_id":${productId},}` }), 47001, NOT_JSON);
    assertOk(await call(url, '/shop/spu/get', { product_id: productId }, { token }));
    assertContentType(failed);
  });
});

describe('48001 component not open', () => {
  test('spu/get before onboarding answers 48001', async () => {
    const created = await admin(url, 'POST', '/apps', { onboarded: false });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const { appid, secret } = created.json.app as { appid: string; secret: string };
    const newcomer = await getToken(url, appid, secret);

    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/get', { product_id: productId }, { token: newcomer }), 48001, UNAUTHORIZED);
    assert.equal(await storedProducts(url, appid), 0);
    assertContentType(failed);
  });
});

describe('spu/add malformed body', () => {
  test('non-JSON spu/add answers 1000001', async () => {
    const stored = await storedProducts(url);
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', undefined, { token, raw: '{"out_product_id":"P-X",}' }), 1000001, OUT_PRODUCT_ID_MISSING);
    assert.equal(await storedProducts(url), stored);
    assertContentType(failed);
  });

  test('top-level array on spu/add answers 1000001', async () => {
    const stored = await storedProducts(url);
    const raw = JSON.stringify([productBody('P-ARRAY', image)]);
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', undefined, { token, raw }), 1000001, OUT_PRODUCT_ID_MISSING);
    assert.equal(await storedProducts(url), stored);
    assertContentType(failed);
  });
});

describe('hostile bodies', () => {
  test('__proto__ key is not read as fields', async () => {
    const raw = `{"__proto__":{"product_id":${productId},"out_product_id":"P-1","polluted":true}}`;
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/get', undefined, { token, raw }), 1000011, PRODUCT_NOT_FOUND);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assertContentType(failed);
  });

  test('__proto__ key with a 64-bit number', async () => {
    // A 16-digit integer sends the body through the lossless parser instead of JSON.parse.
    const raw = `{"n":12345678901234567890,"__proto__":{"product_id":${productId},"polluted":true}}`;
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/get', undefined, { token, raw }), 1000011, PRODUCT_NOT_FOUND);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assertContentType(failed);
  });

  test('__proto__ in spu/add stores nothing', async () => {
    const stored = await storedProducts(url);
    const { out_product_id: _omitted, ...rest } = productBody('P-PROTO', image);
    const raw = `{"__proto__":{"out_product_id":"P-PROTO"},${JSON.stringify(rest).slice(1)}`;
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', undefined, { token, raw }), 1000001, OUT_PRODUCT_ID_MISSING);
    assert.equal(await storedProducts(url), stored);
    assertContentType(failed);
  });

  test('constructor and prototype keys', async () => {
    const raw = '{"constructor":{"prototype":{"polluted":true}},"hasOwnProperty":1,"toString":"x","valueOf":null}';
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/get', undefined, { token, raw }), 1000011, PRODUCT_NOT_FOUND);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assertContentType(failed);
  });

  test('constructor key beside a valid id', async () => {
    assertOk(await call(url, '/shop/spu/get', undefined, { token, raw: `{"constructor":"x","hasOwnProperty":1,"product_id":${productId}}` }));
  });

  const cases: [string, string, () => string][] = [
    ['2000-deep product_id', '/shop/spu/get', () => `{"product_id":${nested(2000)}}`],
    ['2000-deep body with a 64-bit number', '/shop/spu/get', () => `{"product_id":${nested(2000, '12345678901234567890')}}`],
    ['100000-deep product_id', '/shop/spu/get', () => `{"product_id":${nested(100_000)}}`],
    ['2000-deep out_product_id on spu/add', '/shop/spu/add', () => `{"out_product_id":${nested(2000)}}`],
    ['2000-deep stable_token body', '/cgi-bin/stable_token', () => `{"grant_type":${nested(2000, '"client_credential"')}}`],
    ['900 KB out_product_id', '/shop/spu/get', () => JSON.stringify({ out_product_id: 'x'.repeat(900_000) })],
    ['900 KB key name', '/shop/spu/get', () => `{"${'k'.repeat(900_000)}":1}`],
    ['product_id beyond 2^53', '/shop/spu/get', () => '{"product_id":9007199254740993}'],
    ['product_id of 2^64 - 1', '/shop/spu/get', () => '{"product_id":18446744073709551615}'],
    ['product_id beyond 2^64', '/shop/spu/get', () => '{"product_id":18446744073709551616}'],
    ['product_id of 500 digits', '/shop/spu/get', () => `{"product_id":${'9'.repeat(500)}}`],
    ['product_id of 1e400', '/shop/spu/get', () => '{"product_id":1e400}'],
    ['negative product_id', '/shop/spu/get', () => '{"product_id":-1}'],
    ['product_id as a string beyond 2^64', '/shop/spu/get', () => '{"product_id":"18446744073709551616"}'],
    ['product_id as a non-numeric string', '/shop/spu/get', () => '{"product_id":"abc"}'],
    ['out_product_id with a NUL character', '/shop/spu/get', () => '{"out_product_id":"P-1\\u0000"}'],
    ['page_size beyond 2^64', '/shop/spu/get_list', () => '{"page":1,"page_size":18446744073709551616}'],
  ];

  for (const [name, path, build] of cases) {
    test(`${name} answers a catalogue code`, async () => {
      const response = await call(url, path, undefined, { token, raw: build() });
      assertCatalogueEnvelope(response);
      assertOk(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token }));
      assertContentType(response);
    });
  }

  test('64-bit ids that match nothing answer 1000011', async () => {
    const responses: WireResponse[] = [];
    for (const raw of ['{"product_id":9007199254740993}', '{"product_id":18446744073709551615}', '{"product_id":18446744073709551616}', '{"product_id":"18446744073709551615"}']) {
      responses.push((await checkError(url, () => call(url, '/shop/spu/get', undefined, { token, raw }), 1000011, PRODUCT_NOT_FOUND)).response);
    }
    for (const response of responses) assertContentType(response);
  });

  test('900 KB out_product_id answers 1000011', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', { out_product_id: 'x'.repeat(900_000) }, { token }), 1000011, PRODUCT_NOT_FOUND);
  });

  test('NUL in out_product_id answers 1000011', async () => {
    await expectError(url, () => call(url, '/shop/spu/get', undefined, { token, raw: '{"out_product_id":"P-1\\u0000"}' }), 1000011, PRODUCT_NOT_FOUND);
  });

  test('product_id as a string finds the product', async () => {
    const response = await call(url, '/shop/spu/get', { product_id: String(productId) }, { token });
    assertOk(response);
    assert.equal((response.json.spu as { product_id: number }).product_id, productId);
  });

  test('spu/add with a 900 KB title stores nothing', async () => {
    const stored = await storedProducts(url);
    const response = await call(url, '/shop/spu/add', productBody('P-TITLE', image, { title: '积'.repeat(300_000) }), { token });
    assertCatalogueEnvelope(response);
    assert.equal(await storedProducts(url), stored);
    assertContentType(response);
  });

  const addCases: [string, Record<string, unknown> | string][] = [
    ['2000-deep extra field', `"supplier":${nested(2000)}`],
    ['100000-deep extra field', `"supplier":${nested(100_000)}`],
    ['64-bit number inside an extra field', '"supplier":{"id":9007199254740993}'],
    ['64-bit sale_price', { skus: [{ out_sku_id: 'S1', thumb_img: '', sale_price: 18446744073709551616n, market_price: 1, stock_num: 1 }] }],
    ['NUL in the title', { title: '积木\u0000套装' }],
  ];

  for (const [index, [name, change]] of addCases.entries()) {
    test(`spu/add with ${name} answers a catalogue code`, async () => {
      const outProductId = `P-HOSTILE-${index}`;
      let raw: string;
      if (typeof change === 'string') {
        raw = `{${change},${JSON.stringify(productBody(outProductId, image)).slice(1)}`;
      } else {
        raw = JSON.stringify(productBody(outProductId, image, change), (_key, value) => (typeof value === 'bigint' ? `@@${value}@@` : value)).replace(/"@@(\d+)@@"/g, '$1');
      }
      const response = await call(url, '/shop/spu/add', undefined, { token, raw });
      assertCatalogueEnvelope(response);
      assertOk(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token }));
      assertContentType(response);
    });
  }
});

describe('success envelope', () => {
  test('spu/get_list answers errcode 0 and ok', async () => {
    const response = await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token });
    assertOk(response);
    assert.equal(response.json.total_num, await storedProducts(url));
    assertContentType(response);
  });

  test('ids as numeric strings are accepted', async () => {
    assertOk(await call(url, '/shop/spu/get_list', { page: '1', page_size: '10' }, { token }));
  });
});

describe('request log', () => {
  test('failed call is logged with its rid', async () => {
    const { rid, response: failed } = await checkError(url, () => call(url, '/shop/spu/get', undefined, { token, raw: '{"product_id":1,}' }), 47001, NOT_JSON);
    const log = await admin(url, 'GET', `/apps/${APPID}/requests`);
    assert.equal(log.status, 200);
    const row = (log.json.requests as Record<string, unknown>[]).find((entry) => entry.rid === rid);
    assert.ok(row, `rid ${rid} is in the request log`);
    assert.equal(row.errcode, 47001);
    assert.equal(typeof row.rule, 'string');
    assert.notEqual(row.rule, '');
    assert.equal(row.path, '/shop/spu/get');
    assert.equal(row.request_body, '{"product_id":1,}');
    assertContentType(failed);
  });

  test('deeply nested body with a token field is logged masked', async () => {
    const raw = `{"token":"not-for-the-log","a":${'['.repeat(20000)}1${']'.repeat(20000)}}`;
    const response = await call(url, '/shop/spu/get', undefined, { token, raw });
    const rid = String(response.json.errmsg).split('rid: ')[1];
    assert.ok(rid, response.text);
    const found = await call(url, '/cgi-bin/openapi/rid/get', { rid }, { token });
    assert.equal(found.json.errcode, 0, found.text);
    const logged = (found.json.request as Record<string, string>).request_body;
    assert.ok(!logged.includes('not-for-the-log'), logged.slice(0, 80));
    assert.ok(logged.startsWith('{"token":"xxxx"'), logged.slice(0, 80));
  });

  test('logged query shortens the access token', async () => {
    const { rid, response: failed } = await checkError(url, () => call(url, '/shop/spu/get', { product_id: 1 }, { token }), 1000011, PRODUCT_NOT_FOUND);
    const log = await admin(url, 'GET', `/apps/${APPID}/requests`);
    const row = (log.json.requests as Record<string, unknown>[]).find((entry) => entry.rid === rid);
    assert.ok(row, `rid ${rid} is in the request log`);
    const query = row.query as string;
    assert.ok(!query.includes(token), `query ${query} does not contain the full token`);
    assert.ok(query.includes(`access_token=${token.slice(0, 10)}xxxx`), `query ${query} shows the token shortened`);
    assertContentType(failed);
  });

  test('NUL byte in one body keeps other rows', async () => {
    // Sent back to back, both rows fall in the same write batch of the request log.
    const plain = await call(url, '/shop/spu/get', undefined, { token, raw: '{"product_id":2,}' });
    const hostile = await call(url, '/shop/spu/get', undefined, { token, raw: Buffer.from('{"out_product_id":"\u0000"}') });
    const plainRid = (plain.json.errmsg as string).slice(-26);
    const hostileRid = (hostile.json.errmsg as string).slice(-26);

    const log = await admin(url, 'GET', `/apps/${APPID}/requests`);
    const rids = (log.json.requests as Record<string, unknown>[]).map((entry) => entry.rid);
    assert.ok(rids.includes(plainRid), `rid ${plainRid} of the plain request is in the request log`);
    assert.ok(rids.includes(hostileRid), `rid ${hostileRid} of the request with a NUL byte is in the request log`);
  });
});

test('server still answers after every case', async () => {
  assertOk(await call(url, '/shop/spu/get', { product_id: productId }, { token }));
});

// The tests below move the sandbox clock forward, so they run last and fetch their own tokens.
describe('token lifetime', () => {
  test('superseded token works inside the overlap', async () => {
    const older = await getToken(url);
    const newer = await getToken(url);
    assert.notEqual(newer, older);
    await advanceClock(url, 290);

    assertOk(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token: older }));
    assertOk(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token: newer }));
  });

  test('token superseded after overlap answers 40001', async () => {
    const older = await getToken(url);
    const newer = await getToken(url);
    await advanceClock(url, 310);

    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token: older }), 40001, TOKEN_INVALID);
    assertOk(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token: newer }));
    assertContentType(failed);
  });

  test('token past 7200 s answers 42001', async () => {
    const expiring = await getToken(url);
    await advanceClock(url, 7190);
    assertOk(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token: expiring }));

    await advanceClock(url, 20);
    const stored = await storedProducts(url);
    // checkError also checks that the rid carries the advanced sandbox clock, not wall time.
    const { response: failed } = await checkError(url, () => call(url, '/shop/spu/add', productBody('P-42001', image), { token: expiring }), 42001, TOKEN_EXPIRED);
    assert.equal(await storedProducts(url), stored);

    const fresh = await getToken(url);
    assertOk(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token: fresh }));
    assertContentType(failed);
  });
});
