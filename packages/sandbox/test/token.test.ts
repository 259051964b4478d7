import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, APPID, call, getToken, productBody, RID_SUFFIX, SECRET, startSandbox, uploadImage, type TestSandbox, type WireResponse, clockNow, advanceClock } from './helpers.js';

const CONTENT_TYPE = 'application/json; encoding=utf-8';
const DAY_MS = 24 * 3600 * 1000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

// Catalogue messages, written out so that a changed catalogue entry also fails here.
const TOKEN_INVALID = 'invalid credential, access_token is invalid or not latest';
const INVALID_GRANT_TYPE = 'invalid grant_type';
const APPID_MISSING = 'appid missing';
const SECRET_MISSING = 'appsecret missing';
const INVALID_APPID = 'invalid appid,';
const INVALID_SECRET = 'invalid appsecret';
const DAILY_QUOTA = 'reach max api daily quota limit';
const EMPTY_BODY = 'empty post data';
const NOT_JSON = 'data format error';
const PRODUCT_NOT_FOUND = '商品id不存在';

interface Credentials {
  appid: string;
  secret: string;
}


/** Moves the clock to one minute past the next midnight in China time, where daily limits reset. */
async function advanceToNextChinaDay(url: string): Promise<void> {
  const now = await clockNow(url);
  const dayStart = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  await advanceClock(url, Math.ceil((dayStart + DAY_MS + 60_000 - now) / 1000));
}

/** Creates an onboarded app through the admin API, so each test starts with no tokens. */
async function createApp(url: string): Promise<Credentials> {
  const response = await admin(url, 'POST', '/apps', {});
  assert.equal(response.status, 201, JSON.stringify(response.json));
  return { appid: response.json.app.appid, secret: response.json.app.secret };
}

function requestToken(url: string, query: Record<string, string>): Promise<WireResponse> {
  return call(url, '/cgi-bin/token', undefined, { method: 'GET', query });
}

function requestStableToken(url: string, body: Record<string, unknown>): Promise<WireResponse> {
  return call(url, '/cgi-bin/stable_token', body);
}

/** Requests a stable token, checks that the response has no errcode and returns the token. */
async function stableToken(url: string, app: Credentials, forceRefresh?: boolean): Promise<string> {
  const body: Record<string, unknown> = { grant_type: 'client_credential', appid: app.appid, secret: app.secret };
  if (forceRefresh !== undefined) body.force_refresh = forceRefresh;
  const response = await requestStableToken(url, body);
  assert.equal(response.json.errcode, undefined, response.text);
  assert.equal(typeof response.json.access_token, 'string', response.text);
  return response.json.access_token as string;
}

/** Calls spu/get_list, which any token of an onboarded app may call. */
function listProducts(url: string, token: string): Promise<WireResponse> {
  return call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token });
}

function assertTokenWorks(response: WireResponse): void {
  assert.equal(response.json.errcode, 0, response.text);
}

/**
 * Sends a request and checks the error envelope: HTTP 200, exactly `errcode` and `errmsg`, the
 * catalogue message followed by ` rid: `, and a rid that starts with the sandbox clock's unix
 * seconds. The content type is left to the caller, which checks it once its other checks have run.
 */
async function checkError(url: string, send: () => Promise<WireResponse>, errcode: number, message: string): Promise<WireResponse> {
  const before = Math.floor((await clockNow(url)) / 1000);
  const response = await send();
  const after = Math.floor((await clockNow(url)) / 1000);

  assert.equal(response.status, 200, `HTTP status of ${response.text}`);
  assert.equal(response.json.errcode, errcode, response.text);
  assert.deepEqual(Object.keys(response.json).sort(), ['errcode', 'errmsg'], response.text);
  const errmsg = response.json.errmsg as string;
  assert.match(errmsg, RID_SUFFIX);
  assert.ok(errmsg.startsWith(`${message} rid: `), `errmsg ${JSON.stringify(errmsg)} starts with ${JSON.stringify(`${message} rid: `)}`);

  const ridSeconds = parseInt(errmsg.slice(`${message} rid: `.length, `${message} rid: `.length + 8), 16);
  assert.ok(ridSeconds >= before - 2, `rid of ${errmsg} encodes ${ridSeconds}, sandbox clock was ${before}..${after}`);
  assert.ok(ridSeconds <= after + 2, `rid of ${errmsg} encodes ${ridSeconds}, sandbox clock was ${before}..${after}`);
  return response;
}

/** Runs checkError and then checks the content type. Tests that check more after the call use checkError. */
async function expectError(url: string, send: () => Promise<WireResponse>, errcode: number, message: string): Promise<void> {
  assertContentType(await checkError(url, send, errcode, message));
}

function assertContentType(response: WireResponse): void {
  assert.equal(response.contentType, CONTENT_TYPE);
}

let sandbox: TestSandbox;
let url: string;

before(async () => {
  sandbox = await startSandbox();
  url = sandbox.url;
});

after(async () => {
  await sandbox.close();
});

describe('/cgi-bin/token', () => {
  test('success has only access_token and expires_in', async () => {
    const app = await createApp(url);
    const response = await requestToken(url, { grant_type: 'client_credential', appid: app.appid, secret: app.secret });

    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.json).sort(), ['access_token', 'expires_in'], response.text);
    assert.equal(typeof response.json.access_token, 'string');
    assert.notEqual(response.json.access_token, '');
    assert.equal(response.json.expires_in, 7200);
    assertTokenWorks(await listProducts(url, response.json.access_token as string));
    assertContentType(response);
  });

  test('missing grant_type answers 40002', async () => {
    await expectError(url, () => requestToken(url, { appid: APPID, secret: SECRET }), 40002, INVALID_GRANT_TYPE);
  });

  test('wrong grant_type answers 40002', async () => {
    await expectError(url, () => requestToken(url, { grant_type: 'authorization_code', appid: APPID, secret: SECRET }), 40002, INVALID_GRANT_TYPE);
  });

  test('missing appid answers 41002', async () => {
    await expectError(url, () => requestToken(url, { grant_type: 'client_credential', secret: SECRET }), 41002, APPID_MISSING);
  });

  test('missing secret answers 41004', async () => {
    await expectError(url, () => requestToken(url, { grant_type: 'client_credential', appid: APPID }), 41004, SECRET_MISSING);
  });

  test('unknown appid answers 40013', async () => {
    await expectError(url, () => requestToken(url, { grant_type: 'client_credential', appid: 'wx0000000000000000', secret: SECRET }), 40013, INVALID_APPID);
  });

  test('wrong secret answers 40125', async () => {
    await expectError(url, () => requestToken(url, { grant_type: 'client_credential', appid: APPID, secret: 'f'.repeat(32) }), 40125, INVALID_SECRET);
  });

  test('failed request leaves the token valid', async () => {
    const app = await createApp(url);
    const token = await getToken(url, app.appid, app.secret);
    const failed = await checkError(url, () => requestToken(url, { grant_type: 'client_credential', appid: app.appid, secret: 'f'.repeat(32) }), 40125, INVALID_SECRET);

    // A successful request would supersede the token, but a rejected one must not.
    await advanceClock(url, 310);
    assertTokenWorks(await listProducts(url, token));
    assertContentType(failed);
  });
});

describe('/cgi-bin/stable_token', () => {
  test('normal mode returns the same token', async () => {
    const app = await createApp(url);
    const first = await requestStableToken(url, { grant_type: 'client_credential', appid: app.appid, secret: app.secret });
    const second = await requestStableToken(url, { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: false });

    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.json).sort(), ['access_token', 'expires_in'], first.text);
    assert.equal(first.json.expires_in, 7200);
    assert.equal(second.json.access_token, first.json.access_token);
    assert.ok((second.json.expires_in as number) >= 300, `expires_in of ${second.text}`);
    assert.ok((second.json.expires_in as number) <= 7200, `expires_in of ${second.text}`);
    assertTokenWorks(await listProducts(url, first.json.access_token as string));
    assertContentType(first);
  });

  test('normal mode rotates in the last 5 minutes', async () => {
    const app = await createApp(url);
    const first = await stableToken(url, app);
    await advanceClock(url, 7200 - 250);

    const response = await requestStableToken(url, { grant_type: 'client_credential', appid: app.appid, secret: app.secret });
    assert.notEqual(response.json.access_token, first, response.text);
    assert.ok((response.json.expires_in as number) >= 300, `expires_in of ${response.text}`);
    // The rotated token stays valid until its own expiry.
    assertTokenWorks(await listProducts(url, first));
    assertTokenWorks(await listProducts(url, response.json.access_token as string));
  });

  test('stable token differs from /cgi-bin/token', async () => {
    const app = await createApp(url);
    const ordinary = await getToken(url, app.appid, app.secret);
    const stable = await stableToken(url, app);
    assert.notEqual(stable, ordinary);
  });

  test('/cgi-bin/token leaves the stable token valid', async () => {
    const app = await createApp(url);
    const stable = await stableToken(url, app);
    const older = await getToken(url, app.appid, app.secret);
    await getToken(url, app.appid, app.secret);
    await advanceClock(url, 310);

    const failed = await checkError(url, () => listProducts(url, older), 40001, TOKEN_INVALID);
    assertTokenWorks(await listProducts(url, stable));
    assert.equal(await stableToken(url, app), stable);
    assertContentType(failed);
  });

  test('forced refresh leaves /cgi-bin/token valid', async () => {
    const app = await createApp(url);
    const ordinary = await getToken(url, app.appid, app.secret);
    const stable = await stableToken(url, app);
    await advanceClock(url, 31);

    const refreshed = await stableToken(url, app, true);
    assert.notEqual(refreshed, stable);
    assertTokenWorks(await listProducts(url, ordinary));
  });

  test('forced refresh issues a new token', async () => {
    const app = await createApp(url);
    const first = await stableToken(url, app);
    await advanceClock(url, 31);

    const response = await requestStableToken(url, { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: true });
    assert.deepEqual(Object.keys(response.json).sort(), ['access_token', 'expires_in'], response.text);
    assert.notEqual(response.json.access_token, first);
    assert.equal(response.json.expires_in, 7200);
    assertTokenWorks(await listProducts(url, response.json.access_token as string));
    assert.equal(await stableToken(url, app), response.json.access_token);
  });

  test('replaced stable token answers 40001 at once', async () => {
    const app = await createApp(url);
    const first = await stableToken(url, app);
    await advanceClock(url, 31);
    await stableToken(url, app, true);

    await expectError(url, () => listProducts(url, first), 40001, TOKEN_INVALID);
  });

  test('forced refresh also ends a token a rotation left working', async () => {
    const app = await createApp(url);
    const first = await stableToken(url, app);
    await advanceClock(url, 7200 - 250);
    const rotated = await stableToken(url, app);
    assert.notEqual(rotated, first);
    assertTokenWorks(await listProducts(url, first));
    await advanceClock(url, 31);
    const forced = await stableToken(url, app, true);

    await expectError(url, () => listProducts(url, rotated), 40001, TOKEN_INVALID);
    await expectError(url, () => listProducts(url, first), 40001, TOKEN_INVALID);
    assertTokenWorks(await listProducts(url, forced));
  });

  test('forced refresh within 30 s changes nothing', async () => {
    const app = await createApp(url);
    const first = await stableToken(url, app);
    assert.equal(await stableToken(url, app, true), first);
    assertTokenWorks(await listProducts(url, first));

    await advanceClock(url, 31);
    const second = await stableToken(url, app, true);
    assert.notEqual(second, first);
    await advanceClock(url, 10);
    assert.equal(await stableToken(url, app, true), second);
    assertTokenWorks(await listProducts(url, second));
  });

  test('21st forced refresh in a day answers 45009', async () => {
    const app = await createApp(url);
    await advanceToNextChinaDay(url);

    const issued = new Set<string>();
    let last = '';
    for (let refresh = 1; refresh <= 20; refresh++) {
      const response = await requestStableToken(url, { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: true });
      assert.equal(response.json.errcode, undefined, `forced refresh ${refresh}: ${response.text}`);
      last = response.json.access_token as string;
      issued.add(last);
      await advanceClock(url, 31);
    }
    assert.equal(issued.size, 20);

    const body = { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: true };
    const failed = await checkError(url, () => requestStableToken(url, body), 45009, DAILY_QUOTA);
    // The rejected refresh leaves the last forced token in place.
    assert.equal(await stableToken(url, app), last);
    assertTokenWorks(await listProducts(url, last));

    await advanceToNextChinaDay(url);
    assert.notEqual(await stableToken(url, app, true), last);
    assertContentType(failed);
  });

  test('normal issue not counted as forced refresh', async () => {
    const app = await createApp(url);
    await advanceToNextChinaDay(url);
    await stableToken(url, app);
    await advanceClock(url, 31);

    // The daily limit counts forced refreshes only, so the normal-mode issue above must not count.
    for (let refresh = 1; refresh <= 20; refresh++) {
      const response = await requestStableToken(url, { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: true });
      assert.equal(response.json.errcode, undefined, `forced refresh ${refresh}: ${response.text}`);
      await advanceClock(url, 31);
    }
  });

  test('missing grant_type answers 40002', async () => {
    await expectError(url, () => requestStableToken(url, { appid: APPID, secret: SECRET }), 40002, INVALID_GRANT_TYPE);
  });

  test('wrong grant_type answers 40002', async () => {
    await expectError(url, () => requestStableToken(url, { grant_type: 'authorization_code', appid: APPID, secret: SECRET }), 40002, INVALID_GRANT_TYPE);
  });

  test('missing appid answers 41002', async () => {
    await expectError(url, () => requestStableToken(url, { grant_type: 'client_credential', secret: SECRET }), 41002, APPID_MISSING);
  });

  test('missing secret answers 41004', async () => {
    await expectError(url, () => requestStableToken(url, { grant_type: 'client_credential', appid: APPID }), 41004, SECRET_MISSING);
  });

  test('unknown appid answers 40013', async () => {
    await expectError(url, () => requestStableToken(url, { grant_type: 'client_credential', appid: 'wx0000000000000000', secret: SECRET }), 40013, INVALID_APPID);
  });

  test('wrong secret answers 40125', async () => {
    await expectError(url, () => requestStableToken(url, { grant_type: 'client_credential', appid: APPID, secret: 'f'.repeat(32) }), 40125, INVALID_SECRET);
  });

  test('non-JSON body answers 47001', async () => {
    const raw = `{"grant_type":"client_credential","appid":"${APPID}","secret":"${SECRET}",}`;
    await expectError(url, () => call(url, '/cgi-bin/stable_token', undefined, { raw }), 47001, NOT_JSON);
  });

  test('form-encoded body answers 47001', async () => {
    const raw = `grant_type=client_credential&appid=${APPID}&secret=${SECRET}`;
    await expectError(url, () => call(url, '/cgi-bin/stable_token', undefined, { raw, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 47001, NOT_JSON);
  });

  test('empty body answers 44002', async () => {
    await expectError(url, () => call(url, '/cgi-bin/stable_token', undefined, { raw: '' }), 44002, EMPTY_BODY);
  });
});

describe('app isolation', () => {
  let owner: string;
  let productId: number;

  before(async () => {
    owner = await getToken(url);
    const image = await uploadImage(url, owner);
    const added = await call(url, '/shop/spu/add', productBody('P-ISOLATED', image), { token: owner });
    assert.equal(added.json.errcode, 0, added.text);
    productId = (added.json.data as { product_id: number }).product_id;
  });

  test('token of another app cannot read products', async () => {
    const other = await createApp(url);
    const stranger = await getToken(url, other.appid, other.secret);

    const byProductId = await checkError(url, () => call(url, '/shop/spu/get', { product_id: productId }, { token: stranger }), 1000011, PRODUCT_NOT_FOUND);
    const byOutProductId = await checkError(url, () => call(url, '/shop/spu/get', { out_product_id: 'P-ISOLATED' }, { token: stranger }), 1000011, PRODUCT_NOT_FOUND);
    assert.equal((await listProducts(url, stranger)).json.total_num, 0);
    assertTokenWorks(await call(url, '/shop/spu/get', { product_id: productId }, { token: owner }));
    assertContentType(byProductId);
    assertContentType(byOutProductId);
  });

  test('stable token of another app cannot read products', async () => {
    const other = await createApp(url);
    const stranger = await stableToken(url, other);

    await expectError(url, () => call(url, '/shop/spu/get', { product_id: productId }, { token: stranger }), 1000011, PRODUCT_NOT_FOUND);
  });
});
