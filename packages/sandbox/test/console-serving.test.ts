import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSandbox, tempDir } from './helpers.js';

test('console path answers a helpful page when the console is not built', async () => {
  const dir = tempDir();
  const { url, close } = await startSandbox({ consoleDir: join(dir.path, 'missing') });
  try {
    const response = await fetch(`${url}/_sandbox/console/`);
    assert.equal(response.status, 503);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    const page = await response.text();
    assert.match(page, /npm run build/);
    assert.match(page, /控制台尚未构建/);
    // The admin API keeps working.
    assert.equal((await fetch(`${url}/_sandbox/v1/health`)).status, 200);
  } finally {
    await close();
    dir.remove();
  }
});

test('console serves its files, index.html for page paths, and nothing outside its folder', async () => {
  const dir = tempDir();
  mkdirSync(join(dir.path, 'assets'));
  writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir.path, 'assets', 'app-1.js'), 'console.log(1);');
  const { url, close } = await startSandbox({ consoleDir: dir.path });
  try {
    const bare = await fetch(`${url}/_sandbox/console`, { redirect: 'manual' });
    assert.equal(bare.status, 302);
    assert.equal(bare.headers.get('location'), '/_sandbox/console/');

    const index = await fetch(`${url}/_sandbox/console/`);
    assert.equal(index.status, 200);
    assert.equal(await index.text(), '<!doctype html><title>console</title>');

    const script = await fetch(`${url}/_sandbox/console/assets/app-1.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /text\/javascript/);
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);

    assert.equal((await fetch(`${url}/_sandbox/console/assets/missing.js`)).status, 404);
    assert.equal(await (await fetch(`${url}/_sandbox/console/orders`)).text(), '<!doctype html><title>console</title>');
    const escape = await fetch(`${url}/_sandbox/console/..%2F..%2Fetc%2Fpasswd`);
    assert.equal(escape.status, 404);
  } finally {
    await close();
    dir.remove();
  }
});

test('the built console is served by default', async (t) => {
  const { url, close } = await startSandbox();
  try {
    const response = await fetch(`${url}/_sandbox/console/`);
    if (response.status === 503) {
      t.skip('packages/console/dist is missing; `npm run build` builds it');
      return;
    }
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<div id="root">/);
  } finally {
    await close();
  }
});
