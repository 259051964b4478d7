import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESCRIPTIONS_ZH, describeInChinese, ERROR_CODES, explain } from '../index.js';

test('every Chinese explanation belongs to a catalogue code', () => {
  const stale = Object.keys(DESCRIPTIONS_ZH).map(Number).filter((code) => explain(code) === undefined);
  assert.deepEqual(stale, []);
});

test('every Chinese explanation is a Chinese sentence', () => {
  for (const [code, text] of Object.entries(DESCRIPTIONS_ZH)) {
    assert.match(text, /[\u4e00-\u9fff]/, `code ${code}`);
    assert.match(text, /[。)]$/, `code ${code} ends with a full stop`);
  }
});

test('catalogue codes have a Chinese explanation', (t) => {
  const missing = ERROR_CODES.map((entry) => entry.code).filter((code) => describeInChinese(code) === undefined);
  // A new code without one falls back to its English description. The diagnostic lists the codes to write.
  if (missing.length > 0) t.diagnostic(`codes without a Chinese explanation: ${missing.join(', ')}`);
  assert.ok(missing.length <= ERROR_CODES.length / 4, `more than a quarter of the codes lack a Chinese explanation: ${missing.join(', ')}`);
});

test('describeInChinese explains 1000001', () => {
  assert.match(describeInChinese(1000001) ?? '', /out_product_id/);
  assert.equal(describeInChinese(123), undefined);
});
