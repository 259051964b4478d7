import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, advanceClock, APPID, getToken, startSandbox, type TestSandbox } from './helpers.js';

let sandbox: TestSandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox.close();
});

interface ListedToken {
  token: string;
  kind: string;
  state: string;
  issued_at: number;
  expires_at: number;
}

async function listTokens(query = ''): Promise<ListedToken[]> {
  const response = await admin(sandbox.url, 'GET', `/apps/${APPID}/tokens${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json.tokens as ListedToken[];
}

test('tokens lists issued tokens with their state', async () => {
  const first = await getToken(sandbox.url);
  await advanceClock(sandbox.url, 1);
  const second = await getToken(sandbox.url);

  let tokens = await listTokens();
  assert.deepEqual(tokens.map((token) => token.token), [second, first], 'newest first');
  assert.equal(tokens[0]!.kind, 'ordinary');
  assert.equal(tokens[0]!.state, 'valid');
  assert.equal(tokens[1]!.state, 'overlap', 'the superseded token is accepted for 5 minutes');
  assert.equal(tokens[0]!.expires_at - tokens[0]!.issued_at, 7200 * 1000);

  await advanceClock(sandbox.url, 6 * 60);
  tokens = await listTokens();
  assert.equal(tokens[1]!.state, 'superseded');
  assert.equal(tokens[0]!.state, 'valid');

  await advanceClock(sandbox.url, 7200);
  tokens = await listTokens();
  assert.equal(tokens[0]!.state, 'expired');
});

test('tokens honours limit', async () => {
  const tokens = await listTokens('?limit=1');
  assert.equal(tokens.length, 1);
});

test('tokens rejects an invalid limit', async () => {
  const response = await admin(sandbox.url, 'GET', `/apps/${APPID}/tokens?limit=0`);
  assert.equal(response.status, 400);
  assert.equal(response.json.error.code, 'invalid_limit');
});

test('tokens of an unknown app is 404', async () => {
  const response = await admin(sandbox.url, 'GET', '/apps/wx0000000000000000/tokens');
  assert.equal(response.status, 404);
  assert.equal(response.json.error.code, 'app_not_found');
});
