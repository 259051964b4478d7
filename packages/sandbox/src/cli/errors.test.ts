import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runErrors, type Output } from './errors.js';
import { detectLanguage } from './messages.js';

function capture(isTTY: boolean): Output & { text: string } {
  const output = { text: '', isTTY, write: (chunk: string) => void (output.text += chunk) };
  return output;
}

const ESCAPE = '\u001b[';

test('errors colours its output on a terminal', () => {
  const out = capture(true);
  assert.equal(runErrors(['1000001'], 'zh', out, capture(true), {}), 0);
  assert.ok(out.text.includes(ESCAPE));
});

test('errors writes plain text when the output is not a terminal', () => {
  const out = capture(false);
  assert.equal(runErrors(['1000001'], 'zh', out, capture(false), {}), 0);
  assert.ok(!out.text.includes(ESCAPE));
});

test('errors honours NO_COLOR on a terminal', () => {
  const out = capture(true);
  assert.equal(runErrors(['1000001'], 'zh', out, capture(true), { NO_COLOR: '1' }), 0);
  assert.ok(!out.text.includes(ESCAPE));
});

test('errors --json never colours, even on a terminal', () => {
  const out = capture(true);
  assert.equal(runErrors(['40001', '--json'], 'zh', out, capture(true), {}), 0);
  assert.equal(JSON.parse(out.text).code, 40001);
});

test('language comes from --lang, then WXSHOP_LANG, then the locale, else Chinese', () => {
  assert.equal(detectLanguage(['errors', '--lang', 'en'], { LANG: 'zh_CN.UTF-8' }), 'en');
  assert.equal(detectLanguage(['errors', '--lang=zh'], { LANG: 'en_US.UTF-8' }), 'zh');
  assert.equal(detectLanguage(['errors'], { WXSHOP_LANG: 'en', LANG: 'zh_CN.UTF-8' }), 'en');
  assert.equal(detectLanguage(['errors'], { LANG: 'en_US.UTF-8' }), 'en');
  assert.equal(detectLanguage(['errors'], { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }), 'zh');
  assert.equal(detectLanguage(['errors'], { LANG: 'C.UTF-8' }), 'zh');
  assert.equal(detectLanguage(['errors'], {}), 'zh');
});
