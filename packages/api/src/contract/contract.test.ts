import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENDPOINTS } from '../endpoints.js';
import { parseJson, stringifyJson } from '../json.js';
import { CONTRACT, CONTRACT_ENTRIES, findContract } from './index.js';
import { array, fromWire, int64, integer, object, optional, string, toWire, type Infer, type InferInput } from './schema.js';

test('contract covers every endpoint once', () => {
  assert.equal(CONTRACT_ENTRIES.length, ENDPOINTS.length);
  const paths = CONTRACT_ENTRIES.map((entry) => entry.contract.path);
  assert.equal(new Set(paths).size, paths.length);
  for (const endpoint of ENDPOINTS) assert.ok(findContract(endpoint.path), `${endpoint.path} has a contract`);
});

test('contract entries carry summaries and object schemas', () => {
  for (const entry of CONTRACT_ENTRIES) {
    assert.ok(entry.contract.summary.length > 0, `${entry.contract.path} has a summary`);
    assert.equal(entry.contract.request.kind, 'object');
    assert.equal(entry.contract.response.kind, 'object');
    for (const name of entry.contract.queryFields ?? []) assert.ok(name in entry.contract.request.fields, `${entry.contract.path}: query field ${name} is a request field`);
  }
});

const Sample = object({
  order_id: int64(),
  out_order_id: string(),
  count: integer(),
  items: array(object({ sku_id: int64(), note: optional(string()) })),
});

test('toWire writes int64 strings as bare JSON integers', () => {
  const wire = toWire(Sample, { order_id: '3300000000000000123', out_order_id: '3300000000000000123', count: 2, items: [{ sku_id: '12' }], extra: 'kept' });
  assert.equal(
    stringifyJson(wire),
    '{"order_id":3300000000000000123,"out_order_id":"3300000000000000123","count":2,"items":[{"sku_id":12}],"extra":"kept"}',
  );
});

test('toWire leaves non-numeric id strings alone', () => {
  assert.deepEqual(toWire(Sample, { order_id: 'abc' }), { order_id: 'abc' });
});

test('fromWire returns int64 fields and stray big integers as strings', () => {
  const parsed = parseJson('{"order_id":3300000000000000123,"out_order_id":"o","count":2,"items":[{"sku_id":12}],"other":9007199254740993}');
  assert.deepEqual(fromWire(Sample, parsed), {
    order_id: '3300000000000000123',
    out_order_id: 'o',
    count: 2,
    items: [{ sku_id: '12' }],
    other: '9007199254740993',
  });
});

test('inferred types follow the schema', () => {
  type Out = Infer<typeof Sample>;
  type In = InferInput<typeof Sample>;
  const out: Out = { order_id: '1', out_order_id: 'o', count: 1, items: [{ sku_id: '2' }] };
  const input: In = { order_id: 1n, out_order_id: 'o', count: 1, items: [{ sku_id: 2, note: 'n' }] };
  // @ts-expect-error int64 fields are strings in results
  const wrong: Out = { order_id: 1, out_order_id: 'o', count: 1, items: [] };
  type SpuGet = Infer<typeof CONTRACT.spu.get.response>;
  const status: SpuGet['spu']['status'] = 5;
  assert.equal(out.order_id, '1');
  assert.equal(input.order_id, 1n);
  assert.equal(wrong.order_id, 1);
  assert.equal(status, 5);
});
