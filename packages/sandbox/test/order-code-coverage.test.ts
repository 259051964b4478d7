import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { explain } from '@wxshop/api';

/** The codes of the error-code page's order section, filed under orders, delivery and after-sales. */
const ORDER_SECTION = [
  1000000,
  ...Array.from({ length: 27 }, (_, index) => 1010001 + index),
  1010056,
  1020002, 1020003, 1020004, 1020005,
  1030001, 1030002,
];

/** Codes the catalogue files under orders, delivery and after-sales from other docs and captures. */
const OTHER_ORDER_CODES = [
  -1, 990022,
  1010029, 1010039, 1010040, 1010042, 1010043, 1010044, 1010045, 1010047, 1010050, 1010051, 1010060, 1010061,
  2747002, 2747003, 2747006, 2747007, 2747008, 2747009, 2747010, 2747012, 2747013, 2747014, 2747016, 2747017,
  2747018, 2747020, 2747021, 2747024, 2747025, 2747026, 2747027, 9700206, 9700209,
];

/**
 * Codes of those modules that no HTTP request can receive: 100000 is the documentation's misprint
 * of 1000000 and is never sent; 1010048 belongs to the client payment API, not to an HTTP path.
 */
const NOT_ON_THE_WIRE = [100000, 1010048];

/** Test sources, found from the compiled file at packages/sandbox/dist-test/. */
const TEST_SRC = fileURLToPath(new URL('../test/', import.meta.url));

/**
 * Collects the codes the HTTP tests check in full, each with the file that checks it: the second
 * argument of assertError (errcode, message and rid) or of assertBareError (errcode and errmsg).
 */
function assertedCodes(): Map<number, string> {
  const found = new Map<number, string>();
  const files = readdirSync(TEST_SRC).filter((name) => name.endsWith('.test.ts'));
  for (const name of files) {
    const source = readFileSync(join(TEST_SRC, name), 'utf8');
    if (!/assert(?:Bare)?Error\(/.test(source)) continue;
    // Table-driven tests: `[name, change, errcode, message]` rows fed to assertError in a loop.
    for (const row of source.matchAll(/,\s*(-?\d{1,7}),\s*(?:'[^'\n]*'|MESSAGE\.\w+)\s*\]/g)) {
      const value = Number(row[1]);
      if (!found.has(value)) found.set(value, name);
    }
    for (const match of source.matchAll(/assert(?:Bare)?Error\(/g)) {
      const end = source.indexOf(';\n', match.index);
      const statement = source.slice(match.index, end < 0 ? undefined : end);
      for (const code of statement.matchAll(/,\s*(-?\d{1,7}),\s*(?=['"`\w])/g)) {
        const value = Number(code[1]);
        if (!found.has(value)) found.set(value, name);
      }
    }
  }
  return found;
}

test('every order, delivery and after-sale code has a catalogue entry with a module of its family', () => {
  const missing = [...ORDER_SECTION, ...OTHER_ORDER_CODES, ...NOT_ON_THE_WIRE].filter((code) => explain(code) === undefined);
  assert.deepEqual(missing, []);
  const foreign = ORDER_SECTION.filter((code) => !['order', 'delivery', 'aftersale'].includes(explain(code)!.module));
  assert.deepEqual(foreign, []);
});

test('every catalogue code of the order, delivery and after-sale modules is in the lists above', () => {
  const listed = new Set([...ORDER_SECTION, ...OTHER_ORDER_CODES, ...NOT_ON_THE_WIRE]);
  // Walk the catalogue through explain() over the ranges the three modules use.
  const ranges: [number, number][] = [[1000000, 1000000], [1010001, 1010099], [1020001, 1020099], [1030001, 1030099], [2747001, 2747099], [9700200, 9700299]];
  const unlisted: number[] = [];
  for (const [from, to] of ranges) {
    for (let code = from; code <= to; code++) {
      const entry = explain(code);
      if (entry && ['order', 'delivery', 'aftersale'].includes(entry.module) && !listed.has(code)) unlisted.push(code);
    }
  }
  assert.deepEqual(unlisted, []);
});

test('every code that can reach the wire is asserted in full by an HTTP test', () => {
  const asserted = assertedCodes();
  const missing = [...ORDER_SECTION, ...OTHER_ORDER_CODES].filter((code) => !asserted.has(code));
  assert.deepEqual(missing, []);
});
