import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { test } from 'node:test';
import { bannerJson, formatBanner } from './banner.js';
import { argumentErrorMessage, messages } from './messages.js';
import { runOpenApi } from './openapi.js';
import { runSnapshot } from './snapshot.js';
import { openStorage } from '../storage/database.js';
import type { Output } from './terminal.js';

// How the CLI's commands write: colour and progress lines only on a terminal, plain text in pipes,
// and JSON for scripts with --json. Outputs are captured, so the tests choose what is a terminal.

function capture(isTTY: boolean): Output & { text: string } {
  const output = { text: '', isTTY, write: (chunk: string) => void (output.text += chunk) };
  return output;
}

const ESCAPE = '\u001b[';

function withTempDir(run: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxshop-cli-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('openapi --out confirms in colour on a terminal', withTempDir((dir) => {
  const out = capture(true);
  assert.equal(runOpenApi(['--out', join(dir, 'a.json')], 'zh', out, capture(true), {}), 0);
  assert.ok(out.text.includes(ESCAPE), out.text);
  assert.match(out.text, /已把 OpenAPI 3\.1 文档 \(\d+ 个接口\) 写入/);
}));

test('openapi --out writes plain text into a pipe', withTempDir((dir) => {
  const out = capture(false);
  assert.equal(runOpenApi(['--out', join(dir, 'a.json')], 'en', out, capture(false), {}), 0);
  assert.ok(!out.text.includes(ESCAPE), out.text);
  assert.match(out.text, /^Wrote the OpenAPI 3\.1 document \(\d+ paths\) to /);
}));

test('openapi honours NO_COLOR on a terminal', withTempDir((dir) => {
  const out = capture(true);
  assert.equal(runOpenApi(['--out', join(dir, 'a.json')], 'zh', out, capture(true), { NO_COLOR: '1' }), 0);
  assert.ok(!out.text.includes(ESCAPE), out.text);
}));

test('openapi --out --json reports the file as JSON', withTempDir((dir) => {
  const file = join(dir, 'a.json');
  const out = capture(true);
  assert.equal(runOpenApi(['--out', file, '--json'], 'zh', out, capture(true), {}), 0);
  const report = JSON.parse(out.text);
  assert.equal(report.out, file);
  assert.equal(report.openapi, '3.1.0');
  assert.equal(report.paths, Object.keys(JSON.parse(readFileSync(file, 'utf8')).paths).length);
  assert.equal(report.bytes, readFileSync(file).length);
}));

test('openapi help follows the language', () => {
  const chinese = capture(false);
  assert.equal(runOpenApi(['--help'], 'zh', chinese, capture(false), {}), 0);
  assert.match(chinese.text, /^用法: wxshop openapi/);
  const english = capture(false);
  assert.equal(runOpenApi(['-h'], 'en', english, capture(false), {}), 0);
  assert.match(english.text, /^Usage: wxshop openapi/);
});

test('openapi rejects an unknown option in the language', () => {
  const err = capture(false);
  assert.equal(runOpenApi(['--yaml'], 'zh', capture(false), err, {}), 2);
  assert.match(err.text, /^wxshop openapi: 参数错误: .*--yaml/);
});

test('openapi reports a file it cannot write', withTempDir((dir) => {
  const err = capture(false);
  assert.equal(runOpenApi(['--out', join(dir, 'missing', 'a.json')], 'en', capture(false), err, {}), 1);
  assert.match(err.text, /^wxshop openapi: cannot write /);
  assert.ok(!err.text.includes(ESCAPE));
}));

test('snapshot shows progress only on a terminal', withTempDir(async (dir) => {
  const db = join(dir, 'shop.db');
  await (await openStorage({ url: db })).close();
  const onTerminal = capture(true);
  const out = capture(true);
  assert.equal(await runSnapshot(['export', join(dir, 'a.json'), '--db', db], 'zh', out, onTerminal, {}), 0);
  assert.ok(onTerminal.text.startsWith('正在导出…'), onTerminal.text);
  assert.ok(onTerminal.text.endsWith('\r\u001b[K'), 'the progress line is erased');
  assert.ok(out.text.includes(ESCAPE), 'the result is coloured on a terminal');
  assert.match(out.text, /已导出 \d+ 张表/);

  const inPipe = capture(false);
  const plain = capture(false);
  assert.equal(await runSnapshot(['import', join(dir, 'a.json'), '--db', db], 'en', plain, inPipe, {}), 0);
  assert.equal(inPipe.text, '');
  assert.match(plain.text, /^Imported \d+ rows from /);
  assert.ok(!plain.text.includes(ESCAPE));
}));

test('snapshot --json reports tables and rows', withTempDir(async (dir) => {
  const db = join(dir, 'shop.db');
  await (await openStorage({ url: db })).close();
  const file = join(dir, 'a.json');
  const out = capture(true);
  assert.equal(await runSnapshot(['export', file, '--db', db, '--json'], 'zh', out, capture(false), {}), 0);
  const report = JSON.parse(out.text);
  assert.equal(report.action, 'export');
  assert.equal(report.file, file);
  assert.equal(report.tables, Object.keys(JSON.parse(readFileSync(file, 'utf8')).tables).length);
  assert.equal(typeof report.rows, 'number');
  assert.match(report.storage, /SQLite/);
}));

test('snapshot export of a missing file fails', withTempDir(async (dir) => {
  const db = join(dir, 'typo.db');
  const err = capture(false);
  assert.equal(await runSnapshot(['export', join(dir, 'a.json'), '--db', db], 'en', capture(false), err, {}), 1);
  assert.match(err.text, /database file not found: .*typo\.db/);
  assert.equal(existsSync(db), false, 'no empty database is created');
  assert.equal(existsSync(join(dir, 'a.json')), false);
}));

test('snapshot help follows the language', async () => {
  const chinese = capture(false);
  assert.equal(await runSnapshot(['--help'], 'zh', chinese, capture(false), {}), 0);
  assert.match(chinese.text, /^用法: wxshop snapshot export/);
  assert.match(chinese.text, /--json/);
  const english = capture(false);
  assert.equal(await runSnapshot(['-h'], 'en', english, capture(false), {}), 0);
  assert.match(english.text, /^Usage: wxshop snapshot export/);
});

test('snapshot failure is red on a terminal only', withTempDir(async (dir) => {
  const terminal = capture(true);
  assert.equal(await runSnapshot(['import', join(dir, 'missing.json'), '--db', join(dir, 'shop.db')], 'en', capture(true), terminal, {}), 1);
  assert.ok(terminal.text.includes(`${ESCAPE}31m`), terminal.text);
  const pipe = capture(false);
  assert.equal(await runSnapshot(['import', join(dir, 'missing.json'), '--db', join(dir, 'shop.db')], 'en', capture(false), pipe, {}), 1);
  assert.match(pipe.text, /^Snapshot failed: /);
  assert.ok(!pipe.text.includes(ESCAPE));
}));

const INFO = { url: 'http://127.0.0.1:8930', storage: 'SQLite wxshop.db', apps: [{ appid: 'wx00000000000000a1', secret: 'a1'.repeat(16) }] };

test('serve banner is coloured only when asked', () => {
  const coloured = formatBanner(INFO, messages('zh'), true);
  assert.ok(coloured.includes(ESCAPE));
  const plain = formatBanner(INFO, messages('en'), false);
  assert.ok(!plain.includes(ESCAPE));
  assert.match(plain, /^wxshop sandbox listening on http:\/\/127\.0\.0\.1:8930\n/);
  assert.match(plain, /wx00000000000000a1 \/ a1a1/);
});

test('serve --json report is one JSON line', () => {
  const line = bannerJson(INFO);
  assert.equal(line.split('\n').length, 2, 'one line and its newline');
  assert.deepEqual(JSON.parse(line), {
    url: 'http://127.0.0.1:8930',
    storage: 'SQLite wxshop.db',
    apps: [{ appid: 'wx00000000000000a1', secret: 'a1'.repeat(16) }],
    console: 'http://127.0.0.1:8930/_sandbox/console/',
    admin: 'http://127.0.0.1:8930/_sandbox/v1',
  });
});

test('argument errors follow the language', () => {
  const parseError = (args: string[]) => {
    try {
      parseArgs({ args, options: { port: { type: 'string' } }, strict: true, allowPositionals: false });
    } catch (error) {
      return error;
    }
    throw new Error(`parseArgs accepted ${args.join(' ')}`);
  };
  assert.equal(argumentErrorMessage(parseError(['--bogus']), 'zh'), '未知选项 --bogus');
  assert.equal(argumentErrorMessage(parseError(['--port']), 'zh'), '选项 --port 缺少取值');
  assert.equal(argumentErrorMessage(parseError(['extra']), 'zh'), '多余的参数 extra');
  assert.match(argumentErrorMessage(parseError(['--bogus']), 'en'), /^Unknown option '--bogus'/);
  assert.equal(argumentErrorMessage(new Error('something else'), 'zh'), 'something else');
});
