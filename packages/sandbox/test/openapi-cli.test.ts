import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ENDPOINTS } from '@wxshop/api';
import { admin, startSandbox, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/wxshop.js', import.meta.url));

function runCli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 15000 });
}

test('wxshop openapi --out writes an OpenAPI 3.1 document with every endpoint', async () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, 'openapi.json');
    const result = runCli(['openapi', '--out', file]);
    assert.equal(result.status, 0, result.stderr);
    const document = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(document.openapi, '3.1.0');
    assert.equal(Object.keys(document.paths).length, ENDPOINTS.length);
    const validation = await new Validator().validate(document);
    assert.deepEqual(validation.errors ?? [], [], 'valid against the OpenAPI 3.1 schema');
    assert.equal(validation.valid, true);
  } finally {
    dir.remove();
  }
});

test('wxshop openapi prints the document to stdout without --out', () => {
  const result = runCli(['openapi', '--server', 'http://127.0.0.1:8930']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).servers[0].url, 'http://127.0.0.1:8930');
});

test('wxshop openapi rejects an unknown option', () => {
  const result = runCli(['openapi', '--yaml']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /wxshop openapi:/);
});

test('wxshop openapi --out --json reports the written file', () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, 'openapi.json');
    const result = runCli(['openapi', '--out', file, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.out, file);
    assert.equal(report.paths, ENDPOINTS.length);
  } finally {
    dir.remove();
  }
});

test('admin GET /openapi.json serves the document for this host', async () => {
  const running = await startSandbox();
  try {
    const response = await admin(running.url, 'GET', '/openapi.json');
    assert.equal(response.status, 200);
    assert.equal(response.json.openapi, '3.1.0');
    assert.equal(response.json.servers[0].url, running.url);
    assert.equal(Object.keys(response.json.paths).length, ENDPOINTS.length);
  } finally {
    await running.close();
  }
});
