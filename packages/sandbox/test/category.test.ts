import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { call, getToken, startSandbox, type TestSandbox } from './helpers.js';

/** The catalogue the sandbox loads, read from its source tree (this file runs from dist-test/). */
const CATALOGUE = JSON.parse(readFileSync(new URL('../src/modules/category/categories.json', import.meta.url), 'utf8')) as {
  categories: { third_cat_id: number; third_cat_name: string; retired?: boolean }[];
};

/** Each documented field of a third_cat_list entry with its JSON type. */
const FIELD_TYPES: Record<string, 'number' | 'string' | 'number[]'> = {
  first_cat_id: 'number',
  first_cat_name: 'string',
  second_cat_id: 'number',
  second_cat_name: 'string',
  third_cat_id: 'number',
  third_cat_name: 'string',
  qualification: 'string',
  qualification_type: 'number',
  product_qualification: 'string',
  product_qualification_type: 'number',
  scene_group_list: 'number[]',
};

type CategoryEntry = Record<string, unknown>;

let server: TestSandbox;
let list: CategoryEntry[];
let response: Awaited<ReturnType<typeof call>>;

before(async () => {
  server = await startSandbox();
  const token = await getToken(server.url);
  response = await call(server.url, '/shop/cat/get', {}, { token });
  list = Array.isArray(response.json.third_cat_list) ? (response.json.third_cat_list as CategoryEntry[]) : [];
});

after(async () => {
  // The server is missing when startSandbox failed; the before hook has reported that already.
  await server?.close();
});

function hasJsonType(value: unknown, type: 'number' | 'string' | 'number[]'): boolean {
  if (type === 'number[]') return Array.isArray(value) && value.every((item) => Number.isInteger(item));
  if (type === 'number') return Number.isInteger(value);
  return typeof value === 'string';
}

test('cat/get succeeds with errcode 0', () => {
  assert.equal(response.json.errcode, 0, response.text);
});

test('cat/get answers with a JSON content type', () => {
  assert.match(response.contentType ?? '', /^application\/json/);
});

test('cat/get lists at least 400 level-3 categories', () => {
  assert.ok(list.length >= 400, `third_cat_list has ${list.length} entries`);
});

test('every category has every documented field', () => {
  const incomplete = list.filter((entry) => Object.keys(FIELD_TYPES).some((field) => !(field in entry))).map((entry) => entry.third_cat_id);
  assert.deepEqual(incomplete, []);
});

test('every category field has its documented JSON type', () => {
  const wrong: string[] = [];
  for (const entry of list) {
    for (const [field, type] of Object.entries(FIELD_TYPES)) {
      if (!hasJsonType(entry[field], type)) wrong.push(`${String(entry.third_cat_id)}.${field}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('no category carries a field beyond the documented ones', () => {
  const extra = list.flatMap((entry) => Object.keys(entry).filter((field) => !(field in FIELD_TYPES)).map((field) => `${String(entry.third_cat_id)}.${field}`));
  assert.deepEqual(extra, []);
});

test('every qualification type is 0, 1 or 2', () => {
  const invalid = list
    .filter((entry) => ![0, 1, 2].includes(entry.qualification_type as number) || ![0, 1, 2].includes(entry.product_qualification_type as number))
    .map((entry) => entry.third_cat_id);
  assert.deepEqual(invalid, []);
});

test('category ids are unique', () => {
  const ids = list.map((entry) => entry.third_cat_id);
  assert.equal(new Set(ids).size, ids.length);
});

test('the catalogue has retired categories to leave out', () => {
  assert.ok(CATALOGUE.categories.some((entry) => entry.retired === true));
});

test('no retired category is listed', () => {
  const retired = new Set(CATALOGUE.categories.filter((entry) => entry.retired === true).map((entry) => entry.third_cat_id));
  const listed = list.filter((entry) => retired.has(entry.third_cat_id as number)).map((entry) => entry.third_cat_id);
  assert.deepEqual(listed, []);
});

test('every current catalogue category is listed', () => {
  const listed = new Set(list.map((entry) => entry.third_cat_id));
  const missing = CATALOGUE.categories.filter((entry) => entry.retired !== true && !listed.has(entry.third_cat_id)).map((entry) => entry.third_cat_id);
  assert.deepEqual(missing, []);
});

test('category 1801 is 窗 under 1795 装饰材料 under 1701 家装建材', () => {
  const window = list.find((entry) => entry.third_cat_id === 1801);
  assert.ok(window, 'category 1801 is listed');
  assert.deepEqual(
    {
      first_cat_id: window.first_cat_id,
      first_cat_name: window.first_cat_name,
      second_cat_id: window.second_cat_id,
      second_cat_name: window.second_cat_name,
      third_cat_name: window.third_cat_name,
    },
    { first_cat_id: 1701, first_cat_name: '家装建材', second_cat_id: 1795, second_cat_name: '装饰材料', third_cat_name: '窗' },
  );
});
