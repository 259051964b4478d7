import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ERROR_CODES, explain, formatErrmsg } from './index.js';

/** Every code listed on the platform's error-code page (157 codes). */
const ERROR_CODE_PAGE = [
  40066, 45009, 47001, 48001, 61004, 61007, 87014, 300000, 990001, 990002, 990004, 990005, 990007, 990008, 990009, 990010,
  1000001, 1000002, 1000003, 1000004, 1000005, 1000006, 1000007, 1000008, 1000009, 1000011, 1000012, 1000013, 1000014,
  1000015, 1000016, 1000017, 1000019, 1000020, 1000021, 1000040, 1000045, 1000000, 1010001, 1010002, 1010003, 1010004,
  1010005, 1010006, 1010007, 1010008, 1010009, 1010011, 1010012, 1010014, 1010015, 1010020, 1010021, 1010023, 1010024,
  1010025, 1010026, 1010027, 1010056, 1030001, 1030002, 1010018, 1010019, 1020002, 1020003, 1020004, 1020005, 1040001,
  1040002, 1040003, 1040004, 1040005, 1040006, 1040007, 1040008, 1040009, 1040010, 1040014, 1040015, 1040016, 1040018,
  1040019, 1040020, 1040021, 1040022, 1040038, 1040039, 1050003, 1050004, 1050005, 1050006, 1050009, 1050010, 1050011,
  1070001, 1070002, 1070003, 1070004, 1070010, 1070011, 1070013, 1090001, 1090002, 1090003, 1090004, 1090005, 1090006,
  1090007, 1090008, 1090009, 1090010, 1090011, 1090012, 1090013, 1090014, 1090015, 1090016, 1090017, 1090018, 1090019,
  1090020, 1090021, 1090022, 1090023, 1090024, 1090025, 1090026, 1090027, 1090028, 1090032, 1090033, 1090034, 1090035,
  1090036, 1090037, 1090039, 1090040, 1090041, 1090042, 1090043, 1090044, 1090045, 1090046, 1090047, 1090048, 1090049,
  1090050, 1090051, 1090052, 1090053, 1090054, 1090055, 1090065, 1310001, 1310002, 1310003, 1310004,
];

const MODULES = ['generic', 'component', 'product', 'order', 'delivery', 'aftersale', 'access', 'audit', 'image', 'coupon', 'sharer', 'scene'];
const FAMILIES = ['credential', 'quota', 'validation', 'state', 'not_found', 'system'];
const RETRY_ADVICE = ['backoff', 'refresh-token', 'no'];
const MESSAGE_SOURCES = ['observed', 'documented', 'sandbox'];

const RID = '5f3a1b2c-0123abcd-89ef4567';

/** Sandbox sources, found from the compiled test at packages/api/dist/errors/. */
const SANDBOX_SRC = fileURLToPath(new URL('../../../sandbox/src/', import.meta.url));

/** Patterns of the places where sandbox code names an error code it sends as a literal. */
const EMITTED_CODE_PATTERNS = [/new WireError\(\s*(-?\d+)/g, /malformedBody:\s*(-?\d+)/g];

function listTypeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTypeScriptFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Returns each literal error code in the sandbox sources with the first file that uses it. */
function scanSandboxCodes(): Map<number, string> {
  const found = new Map<number, string>();
  for (const file of listTypeScriptFiles(SANDBOX_SRC)) {
    const source = readFileSync(file, 'utf8');
    for (const pattern of EMITTED_CODE_PATTERNS) {
      for (const match of source.matchAll(pattern)) {
        const code = Number(match[1]);
        if (!found.has(code)) found.set(code, file.slice(SANDBOX_SRC.length));
      }
    }
  }
  return found;
}

test('every catalogue code is unique', () => {
  const seen = new Set<number>();
  const duplicates = ERROR_CODES.filter((entry) => seen.size === seen.add(entry.code).size).map((entry) => entry.code);
  assert.deepEqual(duplicates, []);
});

test('every catalogue code is an integer', () => {
  const invalid = ERROR_CODES.filter((entry) => !Number.isSafeInteger(entry.code)).map((entry) => entry.code);
  assert.deepEqual(invalid, []);
});

test('the error-code page list used here has 157 distinct codes', () => {
  assert.equal(new Set(ERROR_CODE_PAGE).size, 157);
});

test('every code on the error-code page is in the catalogue', () => {
  const missing = ERROR_CODE_PAGE.filter((code) => explain(code) === undefined);
  assert.deepEqual(missing, []);
});

test('every code on the error-code page is marked onErrorCodePage', () => {
  const unmarked = ERROR_CODE_PAGE.filter((code) => explain(code)?.onErrorCodePage !== true);
  assert.deepEqual(unmarked, []);
});

test('only codes on the error-code page are marked onErrorCodePage', () => {
  const page = new Set(ERROR_CODE_PAGE);
  const extra = ERROR_CODES.filter((entry) => entry.onErrorCodePage && !page.has(entry.code)).map((entry) => entry.code);
  assert.deepEqual(extra, []);
});

test('every catalogue entry has a non-empty description', () => {
  const blank = ERROR_CODES.filter((entry) => typeof entry.description !== 'string' || entry.description.trim() === '').map((entry) => entry.code);
  assert.deepEqual(blank, []);
});

test('every catalogue entry has a known module', () => {
  const invalid = ERROR_CODES.filter((entry) => !MODULES.includes(entry.module)).map((entry) => `${entry.code}: ${entry.module}`);
  assert.deepEqual(invalid, []);
});

test('every catalogue entry has a known family', () => {
  const invalid = ERROR_CODES.filter((entry) => !FAMILIES.includes(entry.family)).map((entry) => `${entry.code}: ${entry.family}`);
  assert.deepEqual(invalid, []);
});

test('every catalogue entry has known retry advice', () => {
  const invalid = ERROR_CODES.filter((entry) => !RETRY_ADVICE.includes(entry.retry)).map((entry) => `${entry.code}: ${entry.retry}`);
  assert.deepEqual(invalid, []);
});

test('every catalogue entry has a known message source', () => {
  const invalid = ERROR_CODES.filter((entry) => !MESSAGE_SOURCES.includes(entry.messageSource)).map((entry) => `${entry.code}: ${entry.messageSource}`);
  assert.deepEqual(invalid, []);
});

test('every catalogue message is a string', () => {
  const invalid = ERROR_CODES.filter((entry) => typeof entry.message !== 'string').map((entry) => entry.code);
  assert.deepEqual(invalid, []);
});

test('explain returns undefined for a code outside the catalogue', () => {
  assert.equal(explain(123456789), undefined);
});

test('formatErrmsg appends " rid: <rid>" to the message of each code with a rid', () => {
  const wrong = ERROR_CODES.filter((entry) => entry.rid !== false)
    .filter((entry) => formatErrmsg(entry.code, RID) !== `${entry.message} rid: ${RID}`)
    .map((entry) => entry.code);
  assert.deepEqual(wrong, []);
});

test('formatErrmsg returns the bare message for each code without a rid', () => {
  const withoutRid = ERROR_CODES.filter((entry) => entry.rid === false);
  assert.ok(withoutRid.length > 0, 'the catalogue has codes sent without a rid');
  const wrong = withoutRid.filter((entry) => formatErrmsg(entry.code, RID) !== entry.message).map((entry) => entry.code);
  assert.deepEqual(wrong, []);
});

test('formatErrmsg puts a replacement message before the rid', () => {
  assert.equal(formatErrmsg(1000005, RID, '请先申请[家装建材](1701):[装饰材料](1795):[窗](1801)类目通过后再提审此类目对应的商品。'),
    `请先申请[家装建材](1701):[装饰材料](1795):[窗](1801)类目通过后再提审此类目对应的商品。 rid: ${RID}`);
});

test('formatErrmsg keeps the comma of 40013 before the rid', () => {
  assert.equal(formatErrmsg(40013, RID), `invalid appid, rid: ${RID}`);
});

test('formatErrmsg gives 1070001 its captured Chinese text', () => {
  assert.equal(formatErrmsg(1070001, RID), `文件/图片为空 rid: ${RID}`);
});

test('the scan of sandbox sources finds at least 30 distinct codes', () => {
  const found = scanSandboxCodes();
  assert.ok(found.size >= 30, `found ${found.size} codes under ${SANDBOX_SRC}`);
});

test('every code the sandbox can emit is in the catalogue', () => {
  const missing = [...scanSandboxCodes()].filter(([code]) => explain(code) === undefined).map(([code, file]) => `${code} (${file})`);
  assert.deepEqual(missing, []);
});
