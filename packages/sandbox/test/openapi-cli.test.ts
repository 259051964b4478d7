import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ENDPOINTS, toOpenApi } from '@wxshop/api';
import { admin, call, getToken, productBody, startSandbox, tempDir, uploadImage } from './helpers.js';

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

test('wxshop openapi ends quietly when the reader closes the pipe', async () => {
  const child = spawn(process.execPath, [BIN, 'openapi'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // Like `wxshop openapi | head -c 10`: read a little, then close the reading end.
  child.stdout.once('data', () => child.stdout.destroy());
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  assert.ok(!stderr.includes('EPIPE'), stderr);
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

test('sandbox replies match the OpenAPI response schemas', async () => {
  const document = toOpenApi() as Record<string, any>;
  const ajv = new Ajv2020({ strict: false, logger: false });
  ajv.addSchema(document.components.schemas.ErrorEnvelope, 'ErrorEnvelope');
  const running = await startSandbox();
  try {
    const token = await getToken(running.url);
    const image = await uploadImage(running.url, token);
    // Successes of several modules, and one error reply (coupon paths before coupon/confirm).
    const cases: [string, unknown, number][] = [
      ['/shop/spu/add', productBody('P-OPENAPI', image), 0],
      ['/shop/spu/get', { out_product_id: 'P-OPENAPI', need_edit_spu: 1 }, 0],
      ['/shop/spu/get_list', { page: 1, page_size: 10, need_edit_spu: 1 }, 0],
      ['/shop/cat/get', {}, 0],
      ['/shop/account/get_info', {}, 0],
      ['/shop/delivery/get_company_list', {}, 0],
      ['/shop/register/check', {}, 0],
      ['/shop/sharer/get_sharer_list', { page: 1, page_size: 10 }, 0],
      ['/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/add' }, 0],
      ['/shop/coupon/get_list', { page_size: 10, offset: 0 }, 1090028],
    ];
    for (const [path, body, errcode] of cases) {
      const operation = Object.values(document.paths[path] as Record<string, any>)[0];
      const schema = JSON.stringify(operation.responses['200'].content['application/json'].schema).replaceAll('#/components/schemas/ErrorEnvelope', 'ErrorEnvelope');
      const validate = ajv.compile(JSON.parse(schema));
      const reply = await call(running.url, path, body, { token });
      assert.equal(reply.json.errcode, errcode, `${path}: ${reply.text}`);
      assert.equal(validate(reply.json), true, `${path}: ${ajv.errorsText(validate.errors)}`);
    }
  } finally {
    await running.close();
  }
});
