import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const BIN = fileURLToPath(new URL('../bin/wxshop.js', import.meta.url));
const REDIS_URL = process.env.WXSHOP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 15000 });
}

test('serve --redis keeps the counters in Redis', async () => {
  const prefix = `wxshop-test-cli:${process.pid}:${Date.now()}:`;
  const child = spawn(process.execPath, [BIN, 'serve', '--db', ':memory:', '--port', '0', '--redis', REDIS_URL, '--redis-prefix', prefix], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no start-up banner within 20 s: ${output}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match && /管理接口/.test(output)) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const response = await fetch(`${url}/_sandbox/v1/quota`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { counters: string }).counters, 'redis');
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

test('serve rejects a --redis value that is not a redis:// URL', () => {
  const result = runCli(['serve', '--db', ':memory:', '--port', '0', '--redis', 'localhost:6379']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /Invalid Redis URL "localhost:6379"/);
});

test('serve stops when WXSHOP_REDIS names a Redis that does not answer', () => {
  const result = runCli(['serve', '--db', ':memory:', '--port', '0'], { WXSHOP_REDIS: 'redis://127.0.0.1:1' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /Cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
});
