import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { LineBuffer, wireLogLine } from './log-destination.js';

interface TempLog {
  file: string;
  fd: number;
}

/** Runs `check` with a new log file open for writing, then closes and deletes the file. */
async function withTempLog(check: (log: TempLog) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wxshop-log-'));
  const file = join(dir, 'log.txt');
  const fd = openSync(file, 'w');
  try {
    await check({ file, fd });
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('line buffer holds short output', () =>
  withTempLog((log) => {
    const buffer = new LineBuffer(log.fd);
    buffer.write('{"msg":"one"}\n');
    buffer.write('{"msg":"two"}\n');
    assert.equal(readFileSync(log.file, 'utf8'), '', 'nothing is written before 4 KiB gather');
    buffer.flushSync();
    assert.equal(readFileSync(log.file, 'utf8'), '{"msg":"one"}\n{"msg":"two"}\n');
  }));

test('line buffer writes at 4 KiB', () =>
  withTempLog(async (log) => {
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
  }));

test('line buffer flushSync writes before returning', () =>
  withTempLog(async (log) => {
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
    }
  }));

test('line buffer writes lines on crash', () =>
  withTempLog((log) => {
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
  }));

test('wire line matches pino output', () =>
  withTempLog((log) => {
    const fromPino: string[] = [];
    const reference = pino({ level: 'info' }, { write: (line: string) => void fromPino.push(line) });
    const buffer = new LineBuffer(log.fd);
    const write = wireLogLine(reference, buffer);
    const entries: [string, string | null, string, number, string, number][] = [
      ['674f3a10-00000001-9abcdef0', 'wx0000000000bench1', '/shop/spu/get', 0, 'ok', 3],
      ['674f3a10-00000002-9abcdef0', null, '/cgi-bin/token', 41001, 'token.missing', 0],
      ['674f3a10-00000003-9abcdef0', 'wx1', '/shop/"quoted"\\path\u0001/商品', -1, 'internal', 120],
    ];
    for (const entry of entries) {
      const [rid, appid, path, errcode, rule, ms] = entry;
      reference.info({ rid, appid, path, errcode, rule, ms }, 'wire request');
      write(...entry);
    }
    buffer.flushSync();
    const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');
    const written = readFileSync(log.file, 'utf8').split(/(?<=\n)/);
    assert.deepEqual(written.map(withoutTime), fromPino.map(withoutTime));
  }));

test('wire line follows the logger level', () =>
  withTempLog((log) => {
    const logger = pino({ level: 'warn' }, { write: () => undefined });
    const buffer = new LineBuffer(log.fd);
    const write = wireLogLine(logger, buffer);
    write('674f3a10-00000001-9abcdef0', 'wx1', '/shop/spu/get', 0, 'ok', 1);
    logger.level = 'info';
    write('674f3a10-00000002-9abcdef0', 'wx1', '/shop/spu/get', 0, 'ok', 1);
    buffer.flushSync();
    const lines = readFileSync(log.file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1, 'only the line written at info level');
    assert.match(lines[0]!, /"rid":"674f3a10-00000002-9abcdef0"/);
  }));
