import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ERROR_CODES } from '@wxshop/api';

const BIN = fileURLToPath(new URL('../bin/wxshop.js', import.meta.url));

/** Runs `wxshop errors …` with a neutral locale unless the test sets one. */
function errors(args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
  delete base.WXSHOP_LANG;
  return spawnSync(process.execPath, [BIN, 'errors', ...args], { encoding: 'utf8', env: { ...base, ...env }, timeout: 15000 });
}

test('errors CODE explains the code in Chinese and English', () => {
  const result = errors(['1000001']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /错误码 1000001/);
  assert.match(result.stdout, /平台返回: 未上传商品out_product_id,请检查json及字段合法性/);
  assert.match(result.stdout, /中文说明: 缺少 out_product_id/);
  assert.match(result.stdout, /English: The out_product_id is missing/);
  assert.match(result.stdout, /重试建议: 不要重试/);
});

test('errors accepts a negative code', () => {
  const result = errors(['-1']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /平台返回: system error/);
});

test('errors --lang en puts the English explanation first', () => {
  const result = errors(['40001', '--lang', 'en']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Code 40001/);
  assert.ok(result.stdout.indexOf('English:') < result.stdout.indexOf('中文说明:'));
  assert.match(result.stdout, /Retry: fetch a new access_token, then retry once/);
});

test('errors without a code lists every catalogue code', () => {
  const result = errors([]);
  assert.equal(result.status, 0, result.stderr);
  for (const entry of ERROR_CODES) assert.match(result.stdout, new RegExp(`^ *${entry.code}  `, 'm'), `code ${entry.code} listed`);
  assert.match(result.stdout, new RegExp(`共 ${ERROR_CODES.length} 个错误码`));
});

test('errors --json prints the whole catalogue for scripts', () => {
  const result = errors(['--json']);
  assert.equal(result.status, 0, result.stderr);
  const entries = JSON.parse(result.stdout) as { code: number; message: string; description: string; description_zh: string | null }[];
  assert.deepEqual(entries.map((entry) => entry.code), ERROR_CODES.map((entry) => entry.code));
  assert.ok(!result.stdout.includes('\u001b['));
});

test('errors CODE --json prints one entry', () => {
  const result = errors(['1000001', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const entry = JSON.parse(result.stdout);
  assert.equal(entry.code, 1000001);
  assert.equal(entry.message, '未上传商品out_product_id,请检查json及字段合法性');
  assert.equal(entry.module, 'product');
  assert.equal(entry.retry, 'no');
  assert.match(entry.description, /out_product_id/);
  assert.match(entry.description_zh, /out_product_id/);
});

test('errors with a code missing from the catalogue exits 1', () => {
  const result = errors(['123']);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /错误码表中没有 123/);
});

test('errors with something that is not a code exits 2', () => {
  const result = errors(['abc']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /"abc" 不是错误码/);
});

test('errors rejects an unknown option', () => {
  const result = errors(['--colour']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /wxshop errors --help/);
});

test('errors --help is Chinese by default and English under an English locale', () => {
  const chinese = errors(['--help']);
  assert.equal(chinese.status, 0);
  assert.match(chinese.stdout, /用法: wxshop errors/);
  const english = errors(['--help'], { LANG: 'en_US.UTF-8' });
  assert.match(english.stdout, /Usage: wxshop errors/);
  const flag = errors(['--help', '--lang', 'zh'], { LANG: 'en_US.UTF-8' });
  assert.match(flag.stdout, /用法: wxshop errors/);
});

test('help lists the errors command', () => {
  const result = spawnSync(process.execPath, [BIN, 'help'], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' }, timeout: 15000 });
  assert.match(result.stdout, /errors +说明错误码的含义/);
});
