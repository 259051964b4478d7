import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSyntaxError, parseJson, stringifyJson, type JsonValue } from './json.js';

// parseJson takes its lossless path when the text contains a run of 16 digits. Appending this
// member sends a document down that path without changing what the test checks.
const LOSSLESS = ',"order_id":3302968738502279424';

function parseObject(text: string): Record<string, JsonValue> {
  return parseJson(text) as Record<string, JsonValue>;
}

test('parseJson keeps a 64-bit order id exact as a bigint', () => {
  const value = parseObject('{"order_id":3302968738502279424}');
  assert.equal(value.order_id, 3302968738502279424n);
});

test('parseJson keeps the largest uint64 exact as a bigint', () => {
  const value = parseObject('{"id":18446744073709551615}');
  assert.equal(value.id, 18446744073709551615n);
});

test('parseJson keeps a negative int64 beyond 2^53 exact as a bigint', () => {
  const value = parseObject('{"id":-9223372036854775808}');
  assert.equal(value.id, -9223372036854775808n);
});

test('parseJson keeps the largest safe integer as a number', () => {
  const value = parseObject('{"id":9007199254740991}');
  assert.equal(value.id, Number.MAX_SAFE_INTEGER);
});

test('parseJson keeps the smallest safe integer as a number', () => {
  const value = parseObject('{"id":-9007199254740991}');
  assert.equal(value.id, Number.MIN_SAFE_INTEGER);
});

test('parseJson returns the first integer beyond 2^53 as a bigint', () => {
  const value = parseObject('{"id":9007199254740992}');
  assert.equal(value.id, 9007199254740992n);
});

test('parseJson keeps small integers beside a bigint as numbers', () => {
  const value = parseObject(`{"errcode":0,"sale_price":5900${LOSSLESS}}`);
  assert.equal(value.errcode, 0);
  assert.equal(value.sale_price, 5900);
});

test('parseJson keeps a long decimal fraction as a number', () => {
  const value = parseObject('{"ratio":0.1234567890123456789}');
  assert.equal(value.ratio, 0.1234567890123456789);
});

test('parseJson keeps a 19-digit string as a string', () => {
  const value = parseObject('{"out_order_id":"3302968738502279424"}');
  assert.equal(value.out_order_id, '3302968738502279424');
});

test('parseJson keeps bigints inside arrays and nested objects', () => {
  const value = parseObject('{"list":[{"sku_id":3302968738502279425}],"ids":[1,18446744073709551615]}');
  assert.deepEqual(value, { list: [{ sku_id: 3302968738502279425n }], ids: [1, 18446744073709551615n] });
});

const INVALID_DOCUMENTS: [string, string][] = [
  ['a line comment', '{"a":1 // note\n}'],
  ['a block comment', '{"a":1 /* note */}'],
  ['a trailing comma in an object', '{"a":1,}'],
  ['a trailing comma in an array', '{"a":[1,2,]}'],
  ['a single-quoted key', "{'a':1}"],
  ['a single-quoted string', `{"a":'x'}`],
  ['NaN', '{"a":NaN}'],
  ['Infinity', '{"a":Infinity}'],
  ['a leading zero', '{"a":01}'],
  ['a raw line break inside a string', '{"a":"x\ny"}'],
  ['an invalid escape', '{"a":"\\x41"}'],
  ['text after the document', '{"a":1} x'],
  ['an empty document', ''],
];

for (const [name, text] of INVALID_DOCUMENTS) {
  test(`parseJson rejects ${name} with JsonSyntaxError`, () => {
    assert.throws(() => parseJson(text), JsonSyntaxError);
  });
}

// The same mistakes again, in documents that also contain a 64-bit integer.
for (const [name, text] of INVALID_DOCUMENTS.filter(([, text]) => text.startsWith('{"a":'))) {
  test(`parseJson rejects ${name} with JsonSyntaxError next to a bigint`, () => {
    const withBigint = text.replace('{"a":', '{"order_id":3302968738502279424,"a":');
    assert.throws(() => parseJson(withBigint), JsonSyntaxError);
  });
}

test('parseJson keeps a __proto__ key as an own property', () => {
  const value = parseObject('{"__proto__":{"polluted":true}}');
  assert.ok(Object.hasOwn(value, '__proto__'));
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: true });
});

test('parseJson keeps the prototype despite __proto__', () => {
  const value = parseObject('{"__proto__":{"polluted":true}}');
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal((value as { polluted?: unknown }).polluted, undefined);
});

test('parseJson keeps a __proto__ key as an own property next to a bigint', () => {
  const value = parseObject(`{"__proto__":{"polluted":true}${LOSSLESS}}`);
  assert.ok(Object.hasOwn(value, '__proto__'));
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: true });
});

test('parseJson keeps the prototype despite __proto__ next to a bigint', () => {
  const value = parseObject(`{"__proto__":{"polluted":true}${LOSSLESS}}`);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal((value as { polluted?: unknown }).polluted, undefined);
});

test('parseJson decodes simple escapes next to a bigint', () => {
  const value = parseObject(`{"s":"a\\"b\\\\c\\/d\\n\\t\\r\\b\\f"${LOSSLESS}}`);
  assert.equal(value.s, 'a"b\\c/d\n\t\r\b\f');
});

test('parseJson decodes \\u escapes next to a bigint', () => {
  const value = parseObject(`{"s":"\\u7a97\\ud83d\\ude00"${LOSSLESS}}`);
  assert.equal(value.s, '窗😀');
});

test('parseJson ends a string after an escaped backslash next to a bigint', () => {
  const value = parseObject(`{"s":"dir\\\\","t":"x"${LOSSLESS}}`);
  assert.equal(value.s, 'dir\\');
  assert.equal(value.t, 'x');
});

test('parseJson decodes escapes in keys next to a bigint', () => {
  const value = parseObject(`{"a\\u0062":1${LOSSLESS}}`);
  assert.equal(value.ab, 1);
});

test('parseJson keeps raw non-ASCII text next to a bigint', () => {
  const value = parseObject(`{"title":"儿童益智积木套装"${LOSSLESS}}`);
  assert.equal(value.title, '儿童益智积木套装');
});

test('stringifyJson writes a bigint as a bare number', () => {
  assert.equal(stringifyJson({ order_id: 3302968738502279424n }), '{"order_id":3302968738502279424}');
});

test('stringifyJson writes a negative bigint as a bare number', () => {
  assert.equal(stringifyJson({ id: -9223372036854775808n }), '{"id":-9223372036854775808}');
});

test('stringifyJson writes bigints inside arrays as bare numbers', () => {
  assert.equal(stringifyJson([1n, 18446744073709551615n]), '[1,18446744073709551615]');
});

test('stringifyJson leaves a marker look-alike quoted', () => {
  const text = stringifyJson({ id: 1n, note: '@int64-abc:42', other: '@int64-:7' });
  assert.equal(text, '{"id":1,"note":"@int64-abc:42","other":"@int64-:7"}');
});

test('stringifyJson leaves a numeric string quoted next to a bigint', () => {
  const text = stringifyJson({ id: 3302968738502279424n, out_order_id: '3302968738502279424' });
  assert.equal(text, '{"id":3302968738502279424,"out_order_id":"3302968738502279424"}');
});

test('stringifyJson matches JSON.stringify without bigints', () => {
  const value = { errcode: 0, errmsg: 'ok', list: [1, 'a', null, true] };
  assert.equal(stringifyJson(value), JSON.stringify(value));
});

test('a 19-digit id survives a parse and stringify round trip', () => {
  const text = '{"order_id":3302968738502279424,"sku_id":1,"name":"窗"}';
  assert.equal(stringifyJson(parseJson(text)), text);
});

test('the largest uint64 survives a parse and stringify round trip', () => {
  const text = '{"id":18446744073709551615}';
  assert.equal(stringifyJson(parseJson(text)), text);
});
