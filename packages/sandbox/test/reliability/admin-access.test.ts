// The admin API changes platform state, so a caller from another machine needs the admin key.
// Requests are injected with a remote address, because every socket a test may open here is on
// loopback; the check under test reads the same address a socket would give.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestSandbox, admin, startSandbox } from '../helpers.js';

const KEY = 'k3y-for-remote-admin-callers';
const REMOTE = '203.0.113.9';
let server: TestSandbox;

before(async () => {
  server = await startSandbox({ adminKey: KEY });
});

after(async () => {
  await server?.close();
});

async function remote(method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}) {
  return server.sandbox.app.inject({ method, url: `/_sandbox/v1${url}`, remoteAddress: REMOTE, headers });
}

test('remote caller without key is refused', async () => {
  for (const [method, url] of [['GET', '/health'], ['GET', '/apps'], ['POST', '/reset'], ['POST', '/clock/advance'], ['GET', '/nowhere']] as const) {
    const response = await remote(method, url);
    assert.equal(response.statusCode, 403, `${method} ${url}: ${response.body}`);
  }
  // The refused reset changed nothing.
  assert.equal((await admin(server.url, 'GET', '/apps')).json.apps.length, 1);
});

test('wrong key or forged header is refused', async () => {
  assert.equal((await remote('GET', '/apps', { 'x-wxshop-admin-key': `${KEY}x` })).statusCode, 403);
  assert.equal((await remote('GET', '/apps', { 'x-wxshop-admin-key': '' })).statusCode, 403);
  assert.equal((await remote('GET', '/apps', { 'x-forwarded-for': '127.0.0.1' })).statusCode, 403);
});

test('remote key holder and loopback pass', async () => {
  const withKey = await remote('GET', '/apps', { 'x-wxshop-admin-key': KEY });
  assert.equal(withKey.statusCode, 200, withKey.body);
  assert.equal((await admin(server.url, 'GET', '/apps')).status, 200);
  const unknown = await admin(server.url, 'GET', '/nowhere');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'not_found');
});

test('no configured key refuses every remote', async () => {
  const open = await startSandbox();
  try {
    const response = await open.sandbox.app.inject({ method: 'GET', url: '/_sandbox/v1/apps', remoteAddress: REMOTE, headers: { 'x-wxshop-admin-key': '' } });
    assert.equal(response.statusCode, 403);
  } finally {
    await open.close();
  }
});
