import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CONTRACT_ENTRIES, ERROR_CODES, type Schema } from '@wxshop/api';
import { admin, APPID, call, getToken, productBody, startSandbox, uploadImage, type TestSandbox, type WireResponse } from './helpers.js';

// A string with U+0000 inside: PostgreSQL text cannot hold it, SQLite can. Both must return the same reply.
const NUL_TEXT = 'a\u0000b';

let server: TestSandbox;
let url: string;
let token: string;
let image: string;

before(async () => {
  server = await startSandbox();
  url = server.url;
  token = await getToken(url);
  image = await uploadImage(url, token);
});

after(async () => {
  await server.close();
});

const KNOWN_CODES = new Set(ERROR_CODES.map((entry) => entry.code));

function assertAnswered(label: string, response: WireResponse) {
  assert.equal(response.status, 200, `${label}: HTTP ${response.status}`);
  const errcode = response.json.errcode;
  assert.notEqual(errcode, -1, `${label}: ${response.text}`);
  if (typeof errcode === 'number' && errcode !== 0) assert.ok(KNOWN_CODES.has(errcode), `${label}: errcode ${errcode} is in the catalogue`);
}

/** A plausible value for a schema, with every string of the path `target` given a NUL. */
function sample(schema: Schema, path: string, target: string): unknown {
  switch (schema.kind) {
    case 'string': {
      const plain = schema.format === 'datetime' ? '2030-01-01 00:00:00' : schema.format === 'url' ? image : 'x';
      return path === target ? `${plain}${NUL_TEXT}` : plain;
    }
    case 'integer':
    case 'int64':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'enum':
      return schema.values[0];
    case 'array':
      return [sample(schema.items, `${path}[]`, target)];
    case 'object':
      return Object.fromEntries(Object.entries(schema.fields as Record<string, Schema>).map(([key, field]) => [key, sample(field, path ? `${path}.${key}` : key, target)]));
    default:
      return path === target ? NUL_TEXT : 'x';
  }
}

/** Paths of every string (or unknown) field of a schema. */
function stringPaths(schema: Schema, path = ''): string[] {
  switch (schema.kind) {
    case 'string':
    case 'unknown':
      return [path];
    case 'array':
      return stringPaths(schema.items, `${path}[]`);
    case 'object':
      return Object.entries(schema.fields as Record<string, Schema>).flatMap(([key, field]) => stringPaths(field, path ? `${path}.${key}` : key));
    default:
      return [];
  }
}

describe('U+0000 in wire strings', () => {
  test('every string field of every JSON path answers a catalogue code, never -1', async () => {
    let calls = 0;
    for (const entry of CONTRACT_ENTRIES) {
      if (entry.info.body !== 'json') continue;
      const queryFields = new Set(entry.contract.queryFields ?? []);
      for (const target of stringPaths(entry.contract.request)) {
        const body = sample(entry.contract.request, '', target) as Record<string, unknown>;
        const query: Record<string, string> = {};
        for (const name of queryFields) {
          if (typeof body[name] === 'string') query[name] = body[name] as string;
          delete body[name];
        }
        const response = await call(url, entry.contract.path, body, { token, query });
        assertAnswered(`${entry.contract.path} ${target}`, response);
        calls++;
      }
    }
    assert.ok(calls > 100, `${calls} calls made`);
  });

  test('audit_brand with a NUL in brand_wording is accepted and reads back alike', async () => {
    const body = {
      audit_req: {
        license: [image],
        brand_info: {
          brand_audit_type: 1,
          trademark_type: '29',
          brand_management_type: 2,
          commodity_origin_type: 2,
          brand_wording: `积木${NUL_TEXT}`,
          sale_authorization: [image],
          trademark_registration_certificate: [image],
          trademark_registrant: 'x',
          trademark_registrant_nu: '1',
          trademark_authorization_period: '2030-01-01 00:00:00',
        },
      },
    };
    const response = await call(url, '/shop/audit/audit_brand', body, { token });
    assertAnswered('audit_brand', response);
    assert.equal(response.json.errcode, 0, response.text);
  });

  test('spu/add with a NUL in the title stores it with U+FFFD on both databases', async () => {
    const added = await call(url, '/shop/spu/add', productBody('P-NUL-TITLE', image, { title: `积木${NUL_TEXT}` }), { token });
    assertAnswered('spu/add', added);
    assert.equal(added.json.errcode, 0, added.text);
    const read = await call(url, '/shop/spu/get', { out_product_id: 'P-NUL-TITLE', need_edit_spu: 1 }, { token });
    assert.equal(read.json.errcode, 0, read.text);
    assert.equal((read.json.spu as { title: string }).title, '积木a\ufffdb');
  });

  test('an id with a NUL matches nothing', async () => {
    const read = await call(url, '/shop/spu/get', { out_product_id: `P-NUL-TITLE${NUL_TEXT}` }, { token });
    assertAnswered('spu/get', read);
    assert.equal(read.json.errcode, 1000011);
  });
});

describe('U+0000 on the admin API', () => {
  test('a buyer nickname with a NUL is stored with U+FFFD', async () => {
    const created = await admin(url, 'POST', `/apps/${APPID}/buyers`, { nickname: NUL_TEXT });
    assert.ok(created.status < 300, JSON.stringify(created.json));
    const listed = await admin(url, 'GET', `/apps/${APPID}/buyers`);
    assert.ok((listed.json.buyers as { nickname: string }[]).some((buyer) => buyer.nickname === 'a\ufffdb'), JSON.stringify(listed.json));
  });

  test('an id with an encoded NUL in the URL path is not found, not a server error', async () => {
    for (const path of [`/apps/${APPID}%00/buyers`, `/apps/${APPID}/orders/1%00`, `/apps/${APPID}/products/P%00`]) {
      const response = await admin(url, 'GET', path);
      assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status} ${JSON.stringify(response.json)}`);
    }
  });
});
