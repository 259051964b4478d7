import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, advanceClock, call, getToken, RID_SUFFIX, startSandbox, type TestSandbox, type WireResponse } from './helpers.js';

const RID_NOT_FOUND = 'rid not found';
const RID_MALFORMED = 'rid is error';
const RID_OTHER_ACCOUNT = 'could not query this rid,no permission';

function assertError(response: WireResponse, errcode: number, message: string): void {
  assert.equal(response.json.errcode, errcode, response.text);
  assert.ok((response.json.errmsg as string).startsWith(`${message} rid: `), response.text);
  assert.match(response.json.errmsg as string, RID_SUFFIX);
}

function ridOf(response: WireResponse): string {
  const match = / rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})$/.exec(response.json.errmsg as string);
  assert.ok(match, response.text);
  return match[1]!;
}

async function createApp(url: string): Promise<{ appid: string; token: string }> {
  const response = await admin(url, 'POST', '/apps', {});
  assert.equal(response.status, 201);
  const { appid, secret } = response.json.app as { appid: string; secret: string };
  return { appid, token: await getToken(url, appid, secret) };
}

describe('rid/get', () => {
  let server: TestSandbox;
  before(async () => {
    server = await startSandbox();
  });
  after(async () => server.close());

  test('returns a request the app made a moment ago, with its body and response', async () => {
    const app = await createApp(server.url);
    const failed = await call(server.url, '/shop/spu/get', { out_product_id: 'RID-1' }, { token: app.token });
    assert.equal(failed.json.errcode, 1000011);
    const rid = ridOf(failed);
    const lookup = await call(server.url, '/cgi-bin/openapi/rid/get', { rid }, { token: app.token });
    assert.equal(lookup.json.errcode, 0, lookup.text);
    assert.equal(lookup.json.errmsg, 'ok');
    const request = lookup.json.request as Record<string, unknown>;
    assert.deepEqual(Object.keys(request).sort(), ['client_ip', 'cost_in_ms', 'invoke_time', 'request_body', 'request_url', 'response_body']);
    assert.equal(request.invoke_time, parseInt(rid.slice(0, 8), 16));
    assert.equal(request.request_body, JSON.stringify({ out_product_id: 'RID-1' }));
    assert.equal(request.response_body, failed.text);
    assert.match(request.request_url as string, /^access_token=[^&]{10}xxxx$/);
    assert.ok(!(request.request_url as string).includes(app.token), 'the token is shortened');
    assert.equal(typeof request.cost_in_ms, 'number');
    assert.match(request.client_ip as string, /127\.0\.0\.1|::1/);
  });

  test('another account gets 76003 for the rid', async () => {
    const owner = await createApp(server.url);
    const other = await createApp(server.url);
    const rid = ridOf(await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token: owner.token }));
    assertError(await call(server.url, '/cgi-bin/openapi/rid/get', { rid }, { token: other.token }), 76003, RID_OTHER_ACCOUNT);
  });

  test('a token request refused before its app was known belongs to that app', async () => {
    const app = await createApp(server.url);
    const other = await createApp(server.url);
    const wrongSecret = await call(server.url, `/cgi-bin/token?grant_type=client_credential&appid=${app.appid}&secret=${'0'.repeat(32)}`, undefined, { method: 'GET' });
    assert.notEqual(wrongSecret.json.errcode, 0, wrongSecret.text);
    const rid = ridOf(wrongSecret);
    const found = await call(server.url, '/cgi-bin/openapi/rid/get', { rid }, { token: app.token });
    assert.equal(found.json.errcode, 0, found.text);
    assertError(await call(server.url, '/cgi-bin/openapi/rid/get', { rid }, { token: other.token }), 76003, RID_OTHER_ACCOUNT);

    const stable = await call(server.url, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: app.appid, secret: '0'.repeat(32) });
    assert.notEqual(stable.json.errcode, 0, stable.text);
    const stableLookup = await call(server.url, '/cgi-bin/openapi/rid/get', { rid: ridOf(stable) }, { token: app.token });
    assert.equal(stableLookup.json.errcode, 0, stableLookup.text);
  });

  test('a request with a bad token belongs to no account', async () => {
    const app = await createApp(server.url);
    const rid = ridOf(await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token: 'not-a-token' }));
    assertError(await call(server.url, '/cgi-bin/openapi/rid/get', { rid }, { token: app.token }), 76001, RID_NOT_FOUND);
  });

  test('an unknown rid gets 76001 and a malformed or missing one 76002', async () => {
    const app = await createApp(server.url);
    const rid = (body: unknown) => call(server.url, '/cgi-bin/openapi/rid/get', body, { token: app.token });
    assertError(await rid({ rid: '00000000-00000000-00000000' }), 76001, RID_NOT_FOUND);
    assertError(await rid({ rid: 'not-a-rid' }), 76002, RID_MALFORMED);
    assertError(await rid({ rid: '' }), 76002, RID_MALFORMED);
    assertError(await rid({ rid: 12 }), 76002, RID_MALFORMED);
    assertError(await rid({}), 76002, RID_MALFORMED);
  });

  test('a rid older than 7 days of sandbox time gets 76001', async () => {
    const response = await admin(server.url, 'POST', '/apps', {});
    const { appid, secret } = response.json.app as { appid: string; secret: string };
    const token = await getToken(server.url, appid, secret);
    const rid = ridOf(await call(server.url, '/shop/spu/get', { out_product_id: 'old' }, { token }));
    await advanceClock(server.url, 6 * 24 * 3600);
    const fresh = await getToken(server.url, appid, secret);
    assert.equal((await call(server.url, '/cgi-bin/openapi/rid/get', { rid }, { token: fresh })).json.errcode, 0);
    await advanceClock(server.url, 2 * 24 * 3600);
    const later = await getToken(server.url, appid, secret);
    assertError(await call(server.url, '/cgi-bin/openapi/rid/get', { rid }, { token: later }), 76001, RID_NOT_FOUND);
  });
});
