// Runs calls that carry every kind of credential, with the most verbose logging, then searches
// every log line and every request-log row for the credentials in full.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { APPID, SECRET, admin, call, getToken, productBody, startSandbox, uploadImage } from '../helpers.js';

test('logs and request log hold no credentials', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const server = await startSandbox({ logger: pino({ level: 'trace' }, sink) });
  try {
    const tokens: string[] = [];
    tokens.push(await getToken(server.url));
    // A wrong secret, a stable token with the secret in the body, and a forced refresh.
    await call(server.url, `/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET.replace(/.$/, '0')}`, undefined, { method: 'GET' });
    const stable = await call(server.url, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: APPID, secret: SECRET });
    tokens.push(String(stable.json.access_token));
    const forced = await call(server.url, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: APPID, secret: SECRET, force_refresh: true });
    if (typeof forced.json.access_token === 'string') tokens.push(forced.json.access_token);
    tokens.push(await getToken(server.url));

    // Ordinary and failing calls with each token in the query string.
    for (const token of tokens) {
      const image = await uploadImage(server.url, token);
      await call(server.url, '/shop/spu/add', productBody(`SECRET-${tokens.indexOf(token)}`, image), { token });
      await call(server.url, '/shop/spu/get', { out_product_id: 'missing' }, { token });
      await call(server.url, '/shop/spu/get', 'not json', { token, raw: `{"access_token":"${token}"` });
    }
    await admin(server.url, 'GET', `/apps/${APPID}`);
    await server.sandbox.services.requestLog.flush();

    // Every row, including token requests, which belong to no app in the admin listing.
    const rows = await server.sandbox.services.requestLog.db.selectFrom('request_log').selectAll().execute();
    assert.ok(rows.length >= 10, 'the request log should hold the calls');
    const logged = [...lines, ...rows.map((row) => JSON.stringify(row))];
    assert.ok(lines.length > 0, 'trace logging should write lines');
    for (const secret of [SECRET, ...tokens]) {
      const leaks = logged.filter((line) => line.includes(secret));
      assert.deepEqual(leaks, [], `a credential (${secret.slice(0, 6)}…) was logged`);
    }
  } finally {
    await server.close();
  }
});
