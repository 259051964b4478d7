import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { ADMIN_KEY_HEADER, SandboxAdmin, SandboxAdminError } from '@wxshop/client';
import { APPID, startSandbox, type RunningSandbox } from './helpers.js';

let running: RunningSandbox;
let admin: SandboxAdmin;

before(async () => {
  running = await startSandbox();
  admin = new SandboxAdmin({ baseUrl: `${running.url}/` });
});
after(() => running.close());

test('admin request reads and changes sandbox state', async () => {
  const { apps } = await admin.request<{ apps: { appid: string }[] }>('GET', '/apps');
  assert.deepEqual(apps.map((app) => app.appid), [APPID]);

  const added = await admin.request<{ words: string[] }>('POST', `/apps/${APPID}/content-security/words`, { words: ['星际战舰'] });
  assert.deepEqual(added.words, ['星际战舰']);
  const listed = await admin.request<{ words: string[] }>('GET', `/apps/${APPID}/content-security/words`);
  assert.deepEqual(listed.words, ['星际战舰']);
});

test('admin request raises SandboxAdminError with status and code', async () => {
  const failure = await admin.request('GET', '/apps/wx0000000000000404').catch((error: unknown) => error);
  assert.ok(failure instanceof SandboxAdminError, String(failure));
  assert.equal(failure.status, 404);
  assert.equal(failure.code, 'app_not_found');
  assert.equal(failure.request, 'GET /apps/wx0000000000000404');
  assert.ok(failure.message.length > 0);
});

test('admin request keeps the whole error body', async () => {
  const failure = await admin.request('POST', '/clock/advance', { seconds: -1 }).catch((error: unknown) => error);
  assert.ok(failure instanceof SandboxAdminError);
  assert.equal(failure.status, 400);
  assert.equal(failure.code, 'invalid_seconds');
  assert.deepEqual(Object.keys(failure.body as object), ['error']);
});

test('admin request sends key, reads non-JSON reply', async () => {
  const seen: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers[ADMIN_KEY_HEADER] as string | undefined);
    response.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway from a proxy');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const keyed = new SandboxAdmin({ baseUrl: `http://127.0.0.1:${port}`, adminKey: 'k-123' });
    const failure = await keyed.request('GET', '/health').catch((error: unknown) => error);
    assert.ok(failure instanceof SandboxAdminError);
    assert.equal(failure.status, 502);
    assert.equal(failure.code, 'not_json');
    assert.equal(failure.message, 'Bad Gateway from a proxy');
    assert.deepEqual(seen, ['k-123']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
