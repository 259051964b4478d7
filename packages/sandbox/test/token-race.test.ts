import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSandbox, type Sandbox } from '@wxshop/sandbox';
import { advanceClock, APPID, call, SECRET, startSandbox, TEST_DB, type TestSandbox } from './helpers.js';

// Concurrent forced refreshes of the stable token, on one instance and on two sharing a database.

let server: TestSandbox;

before(async () => {
  server = await startSandbox();
});

after(async () => {
  await server.close();
});

async function stableToken(url: string, force: boolean): Promise<string> {
  const response = await call(url, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: APPID, secret: SECRET, force_refresh: force });
  const token = response.json.access_token;
  assert.equal(typeof token, 'string', response.text);
  return token as string;
}

async function works(url: string, token: string): Promise<boolean> {
  const response = await call(url, '/shop/account/get_info', {}, { token });
  return response.json.errcode === 0;
}

/** Fires 20 forced refreshes at once, spread over the given servers, and checks the outcome. */
async function refreshTogether(urls: string[]): Promise<void> {
  const previous = await stableToken(urls[0]!, false);
  await advanceClock(urls[0]!, 31);
  const issued = await Promise.all(Array.from({ length: 20 }, (_, index) => stableToken(urls[index % urls.length]!, true)));
  const distinct = [...new Set(issued)];
  assert.equal(distinct.length, 1, `one token for 20 concurrent forced refreshes, got ${distinct.length}`);
  assert.notEqual(distinct[0], previous);
  assert.equal(await works(urls[0]!, distinct[0]!), true);
  assert.equal(await works(urls[0]!, previous), false, 'the replaced token stops working at once');
}

test('20 concurrent forced refreshes on one instance issue one token', async () => {
  await refreshTogether([server.url]);
});

test('20 concurrent forced refreshes over two instances issue one token', { skip: TEST_DB !== 'postgres' && 'SQLite instances share a file through one process here; runs in the PostgreSQL pass' }, async () => {
  await advanceClock(server.url, 31);
  // Started after the clock moved, so it loads the same offset from the database.
  const second: Sandbox = await createSandbox({ storage: { url: server.dbUrl }, apps: [], backgroundIntervalMs: 0 });
  try {
    const secondUrl = await second.listen('127.0.0.1', 0);
    await refreshTogether([server.url, secondUrl]);
  } finally {
    await second.close();
  }
});
