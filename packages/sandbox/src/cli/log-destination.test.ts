import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LineBuffer } from './log-destination.js';

function tempLog(): { file: string; fd: number; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wxshop-log-'));
  const file = join(dir, 'log.txt');
  const fd = openSync(file, 'w');
  return { file, fd, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('line buffer holds short output', () => {
  const log = tempLog();
  try {
    const buffer = new LineBuffer(log.fd);
    buffer.write('{"msg":"one"}\n');
    buffer.write('{"msg":"two"}\n');
    assert.equal(readFileSync(log.file, 'utf8'), '', 'nothing is written before 4 KiB gather');
    buffer.flushSync();
    assert.equal(readFileSync(log.file, 'utf8'), '{"msg":"one"}\n{"msg":"two"}\n');
  } finally {
    closeSync(log.fd);
    log.remove();
  }
});

test('line buffer writes at 4 KiB', async () => {
  const log = tempLog();
  try {
    const buffer = new LineBuffer(log.fd);
    const line = `{"msg":"${'x'.repeat(90)}","text":"日志"}\n`;
    const lines = Array.from({ length: 50 }, () => line);
    for (const entry of lines) buffer.write(entry);
    // The write runs in the background; wait for it instead of flushing.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (readFileSync(log.file, 'utf8') !== '') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const written = readFileSync(log.file, 'utf8');
    assert.ok(written.length >= 4096, `${written.length} characters were written without a flush`);
    assert.ok(lines.join('').startsWith(written), 'lines are written whole and in order');
    buffer.flushSync();
    assert.equal(readFileSync(log.file, 'utf8'), lines.join(''));
  } finally {
    closeSync(log.fd);
    log.remove();
  }
});

test('line buffer flushSync writes before returning', async () => {
  const log = tempLog();
  const write = fs.write;
  // An asynchronous write still running when flushSync returns, as on a slow disk or a full pipe.
  fs.write = ((...args: unknown[]) => void setTimeout(() => (write as (...values: unknown[]) => void)(...args), 50)) as typeof fs.write;
  try {
    const buffer = new LineBuffer(log.fd);
    buffer.write('{"msg":"last"}\n');
    buffer.flushSync();
    assert.equal(readFileSync(log.file, 'utf8'), '{"msg":"last"}\n');
  } finally {
    fs.write = write;
    // A write started before the descriptor is closed must not fail on it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    closeSync(log.fd);
    log.remove();
  }
});

test('line buffer writes lines on crash', () => {
  const log = tempLog();
  try {
    const script = `
      import { LineBuffer } from ${JSON.stringify(new URL('./log-destination.js', import.meta.url).href)};
      const buffer = new LineBuffer(3);
      buffer.write('{"msg":"before the crash"}\\n');
      setImmediate(() => { throw new Error('crash'); });
    `;
    // The log file is the child's descriptor 3.
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe', log.fd], encoding: 'utf8' });
    assert.equal(child.status, 1, child.stderr);
    assert.equal(readFileSync(log.file, 'utf8'), '{"msg":"before the crash"}\n');
  } finally {
    closeSync(log.fd);
    log.remove();
  }
});
