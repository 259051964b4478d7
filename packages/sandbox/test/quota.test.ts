import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, advanceClock, call, clockNow, getToken, RID_SUFFIX, startSandbox, type TestSandbox, type WireResponse } from './helpers.js';

const DAY_MS = 24 * 3600 * 1000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

// Catalogue messages, written out so that a changed catalogue entry also fails here.
const DAILY_QUOTA = 'reach max api daily quota limit';
const MINUTE_QUOTA = 'api minute-quota reach limit must slower retry next minute';
const CLEAR_LIMIT = 'forbid to clear quota because of reaching the limit';
const INVALID_APPID = 'invalid appid,';
const INVALID_SECRET = 'invalid appsecret';
const APPID_MISSING = 'appid missing';
const SECRET_MISSING = 'appsecret missing';
const CGI_PATH_UNKNOWN = 'cgi_path not found, please check';
const CGI_PATH_NO_PERMISSION = 'could not use this cgi_path,no permission';
const TOO_FREQUENT = '请求过于频繁,请稍后重试';
const CGI_PATH_MALFORMED = 'could not query this rid,no permission';

const LIST_BODY = { page: 1, page_size: 10, need_edit_spu: 1 };

interface TestApp {
  appid: string;
  secret: string;
  token: string;
}

/** Creates an onboarded app with its own token, so each test counts from zero. */
async function createApp(url: string): Promise<TestApp> {
  const response = await admin(url, 'POST', '/apps', {});
  assert.equal(response.status, 201, JSON.stringify(response.json));
  const { appid, secret } = response.json.app as { appid: string; secret: string };
  return { appid, secret, token: await getToken(url, appid, secret) };
}

async function setQuota(url: string, appid: string, settings: unknown): Promise<void> {
  const response = await admin(url, 'PUT', `/apps/${appid}/quota`, settings);
  assert.equal(response.status, 200, JSON.stringify(response.json));
}

function assertError(response: WireResponse, errcode: number, message: string): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, errcode, response.text);
  assert.deepEqual(Object.keys(response.json).sort(), ['errcode', 'errmsg'], response.text);
  const errmsg = response.json.errmsg as string;
  assert.ok(errmsg.startsWith(`${message} rid: `), `errmsg ${JSON.stringify(errmsg)} starts with ${JSON.stringify(message)}`);
  assert.match(errmsg, RID_SUFFIX);
}

function assertOk(response: WireResponse): void {
  assert.equal(response.json.errcode, 0, response.text);
}

async function listProducts(url: string, token: string): Promise<WireResponse> {
  return call(url, '/shop/spu/get_list', LIST_BODY, { token });
}

/** Moves the clock to one minute past the next midnight in China time, where daily quotas reset. */
async function advanceToNextChinaDay(url: string): Promise<void> {
  const now = await clockNow(url);
  const dayStart = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  await advanceClock(url, Math.ceil((dayStart + DAY_MS + 60_000 - now) / 1000));
}

describe('daily quotas', () => {
  let server: TestSandbox;
  before(async () => {
    server = await startSandbox();
  });
  after(async () => server.close());

  test('the call after the daily limit gets 45009 and is not counted', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 3 } });
    for (let i = 0; i < 3; i++) assertOk(await listProducts(server.url, app.token));
    assertError(await listProducts(server.url, app.token), 45009, DAILY_QUOTA);
    const quota = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/get_list' }, { token: app.token });
    assertOk(quota);
    assert.deepEqual(quota.json.quota, { daily_limit: 3, used: 3, remain: 0 });
  });

  test('each API has its own quota', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 1 } });
    assertOk(await listProducts(server.url, app.token));
    assertError(await listProducts(server.url, app.token), 45009, DAILY_QUOTA);
    const other = await call(server.url, '/shop/spu/get', { out_product_id: 'none' }, { token: app.token });
    assert.equal(other.json.errcode, 1000011, other.text);
  });

  test('"*" sets the limit of every API of the app, and an app limit only binds that app', async () => {
    const limited = await createApp(server.url);
    const free = await createApp(server.url);
    await setQuota(server.url, limited.appid, { daily_limits: { '*': 1 } });
    assertOk(await listProducts(server.url, limited.token));
    assertError(await listProducts(server.url, limited.token), 45009, DAILY_QUOTA);
    // Every API gets the limit of its own: the first spu/get call passes the quota check.
    assert.equal((await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token: limited.token })).json.errcode, 1000011);
    assertError(await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token: limited.token }), 45009, DAILY_QUOTA);
    assertOk(await listProducts(server.url, free.token));
    assertOk(await listProducts(server.url, free.token));
  });

  test('the sandbox-wide default applies to apps without their own limit', async () => {
    const app = await createApp(server.url);
    const set = await admin(server.url, 'PUT', '/quota', { daily_limits: { '/shop/spu/del': 1 } });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    try {
      const first = await call(server.url, '/shop/spu/del', { out_product_id: 'x' }, { token: app.token });
      assert.notEqual(first.json.errcode, 45009, first.text);
      assertError(await call(server.url, '/shop/spu/del', { out_product_id: 'x' }, { token: app.token }), 45009, DAILY_QUOTA);
    } finally {
      await admin(server.url, 'PUT', '/quota', { daily_limits: { '/shop/spu/del': null } });
    }
  });

  test('concurrent calls: exactly the limit succeed', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 7 } });
    const responses = await Promise.all(Array.from({ length: 20 }, () => listProducts(server.url, app.token)));
    const codes = responses.map((response) => response.json.errcode);
    assert.equal(codes.filter((code) => code === 0).length, 7, JSON.stringify(codes));
    assert.equal(codes.filter((code) => code === 45009).length, 13, JSON.stringify(codes));
  });

  test('quotas start again at midnight China time', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 1 } });
    assertOk(await listProducts(server.url, app.token));
    assertError(await listProducts(server.url, app.token), 45009, DAILY_QUOTA);
    await advanceToNextChinaDay(server.url);
    // The token lived 2 hours; a new day needs a new token.
    const token = await getToken(server.url, app.appid, app.secret);
    assertOk(await listProducts(server.url, token));
    assertError(await listProducts(server.url, token), 45009, DAILY_QUOTA);
  });

  test('token calls count against the named app', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/cgi-bin/token': 2, '/cgi-bin/stable_token': 1 } });
    // createApp already fetched one token.
    await getToken(server.url, app.appid, app.secret);
    const url = `/cgi-bin/token?grant_type=client_credential&appid=${app.appid}&secret=${app.secret}`;
    assertError(await call(server.url, url, undefined, { method: 'GET' }), 45009, DAILY_QUOTA);
    const stable = { grant_type: 'client_credential', appid: app.appid, secret: app.secret };
    assert.equal(typeof (await call(server.url, '/cgi-bin/stable_token', stable)).json.access_token, 'string');
    assertError(await call(server.url, '/cgi-bin/stable_token', stable), 45009, DAILY_QUOTA);
    const quota = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/token' }, { token: app.token });
    assert.deepEqual(quota.json.quota, { daily_limit: 2, used: 2, remain: 0 });
    // An unknown appid is not counted and still gets its own error.
    const unknown = await call(server.url, '/cgi-bin/token?grant_type=client_credential&appid=wx0000000000000404&secret=x', undefined, { method: 'GET' });
    assert.equal(unknown.json.errcode, 40013);
  });

  test('the admin API shows settings and usage, and rejects bad settings', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 5 }, rate_limit: { call_count: 100, refresh_second: 60 } });
    assertOk(await listProducts(server.url, app.token));
    const view = await admin(server.url, 'GET', `/apps/${app.appid}/quota`);
    assert.equal(view.status, 200);
    assert.deepEqual(view.json.settings, { daily_limits: { '/shop/spu/get_list': 5 }, minute_limits: {}, rate_limit: { call_count: 100, refresh_second: 60 } });
    assert.equal(view.json.usage['/shop/spu/get_list'], 1);
    assert.equal((await admin(server.url, 'PUT', `/apps/${app.appid}/quota`, { daily_limits: { '/shop/nope': 1 } })).status, 400);
    assert.equal((await admin(server.url, 'PUT', `/apps/${app.appid}/quota`, { daily_limits: { '/shop/spu/get_list': -1 } })).status, 400);
    assert.equal((await admin(server.url, 'PUT', `/apps/${app.appid}/quota`, { rate_limit: { call_count: 'x' } })).status, 400);
    assert.equal((await admin(server.url, 'PUT', `/apps/${app.appid}/quota`, { minute_limits: { '/shop/nope': 1 } })).status, 400);
    assert.equal((await admin(server.url, 'PUT', `/apps/${app.appid}/quota`, { minute_limits: { '*': 1.5 } })).status, 400);
    assert.equal((await admin(server.url, 'PUT', `/apps/${app.appid}/quota`, { limits: {} })).status, 400);
    assert.equal((await admin(server.url, 'PUT', '/apps/wx0000000000000404/quota', {})).status, 404);
    const reset = await admin(server.url, 'DELETE', `/apps/${app.appid}/quota/usage`);
    assert.equal(reset.status, 200);
    assert.deepEqual((await admin(server.url, 'GET', `/apps/${app.appid}/quota`)).json.usage, {});
  });
});

describe('frequency limit', () => {
  let server: TestSandbox;
  before(async () => {
    server = await startSandbox();
  });
  after(async () => server.close());

  test('rate limit: 300000 beyond the window rate', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { rate_limit: { call_count: 3, refresh_second: 3600 } });
    // Start at the beginning of a window so that all calls fall into one.
    const now = await clockNow(server.url);
    await advanceClock(server.url, Math.ceil((3_600_000 - (now % 3_600_000)) / 1000) + 1);
    const token = await getToken(server.url, app.appid, app.secret);
    for (let i = 0; i < 3; i++) assertOk(await listProducts(server.url, token));
    assertError(await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token }), 300000, TOO_FREQUENT);
    await advanceClock(server.url, 3600);
    assertOk(await listProducts(server.url, await getToken(server.url, app.appid, app.secret)));
  });

  test('quota/get reports the per-minute limit, not the burst limit', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { rate_limit: { call_count: 50, refresh_second: 60 }, minute_limits: { '/shop/spu/add': 70 } });
    const quota = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/add' }, { token: app.token });
    assertOk(quota);
    assert.deepEqual(quota.json.rate_limit, { call_count: 70, refresh_second: 60 });
    assert.deepEqual(Object.keys(quota.json.component_rate_limit as object).sort(), ['call_count', 'refresh_second']);
  });
});

describe('per-minute limit (45011)', () => {
  let server: TestSandbox;
  before(async () => {
    server = await startSandbox();
  });
  after(async () => server.close());

  /** Moves the clock to the start of the next sandbox minute, so that the calls after it fall into one. */
  async function startOfMinute(): Promise<void> {
    const now = await clockNow(server.url);
    await advanceClock(server.url, Math.ceil((60_000 - (now % 60_000)) / 1000));
  }

  test('minute limit of a path gives 45011', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { minute_limits: { '/shop/spu/get_list': 3 } });
    await startOfMinute();
    const token = await getToken(server.url, app.appid, app.secret);
    for (let i = 0; i < 3; i++) assertOk(await listProducts(server.url, token));
    assertError(await listProducts(server.url, token), 45011, MINUTE_QUOTA);
    // The limit is per path: another path of the same app is not limited.
    assert.notEqual((await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token })).json.errcode, 45011);
    const view = await admin(server.url, 'GET', `/apps/${app.appid}/quota`);
    assert.equal(view.json.minute_usage['/shop/spu/get_list'], 3);
    assert.equal(view.json.usage['/shop/spu/get_list'], 4, 'the refused call counted toward the day');
    await advanceClock(server.url, 60);
    assertOk(await listProducts(server.url, await getToken(server.url, app.appid, app.secret)));
  });

  test('the daily quota is checked first', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 2 }, minute_limits: { '/shop/spu/get_list': 1 } });
    await startOfMinute();
    const token = await getToken(server.url, app.appid, app.secret);
    assertOk(await listProducts(server.url, token));
    assertError(await listProducts(server.url, token), 45011, MINUTE_QUOTA);
    assertError(await listProducts(server.url, token), 45009, DAILY_QUOTA);
  });

  test('sandbox-wide minute limit and its override', async () => {
    const app = await createApp(server.url);
    const other = await createApp(server.url);
    assert.equal((await admin(server.url, 'PUT', '/quota', { minute_limits: { '*': 2 } })).status, 200);
    try {
      await setQuota(server.url, other.appid, { minute_limits: { '*': 100 } });
      await startOfMinute();
      const token = await getToken(server.url, app.appid, app.secret);
      const otherToken = await getToken(server.url, other.appid, other.secret);
      for (let i = 0; i < 2; i++) assertOk(await listProducts(server.url, token));
      assertError(await listProducts(server.url, token), 45011, MINUTE_QUOTA);
      for (let i = 0; i < 3; i++) assertOk(await listProducts(server.url, otherToken));
      const quota = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/add' }, { token: otherToken });
      assert.deepEqual(quota.json.rate_limit, { call_count: 100, refresh_second: 60 });
    } finally {
      assert.equal((await admin(server.url, 'PUT', '/quota', { minute_limits: { '*': null } })).status, 200);
    }
  });

  test('default minute limits', async () => {
    const app = await createApp(server.url);
    const spu = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/add' }, { token: app.token });
    assert.deepEqual(spu.json.rate_limit, { call_count: 1_000_000, refresh_second: 60 });
    const stable = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/stable_token' }, { token: app.token });
    assert.deepEqual(stable.json.rate_limit, { call_count: 10_000, refresh_second: 60 });
    const platform = await admin(server.url, 'GET', '/quota');
    assert.equal(platform.json.platform.default_minute_limit, 1_000_000);
    assert.deepEqual(platform.json.platform.documented_minute_limits, { '/cgi-bin/stable_token': 10_000 });
  });

  test('token calls count per named appid', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { minute_limits: { '/cgi-bin/token': 1 } });
    await startOfMinute();
    const path = `/cgi-bin/token?grant_type=client_credential&appid=${app.appid}&secret=${app.secret}`;
    assert.equal(typeof (await call(server.url, path, undefined, { method: 'GET' })).json.access_token, 'string');
    assertError(await call(server.url, path, undefined, { method: 'GET' }), 45011, MINUTE_QUOTA);
  });
});

describe('quota resets and quota/get', () => {
  let server: TestSandbox;
  before(async () => {
    server = await startSandbox();
  });
  after(async () => server.close());

  test('clear_quota resets every API of the app, 10 times a month, then 48006', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 1 } });
    for (let i = 0; i < 10; i++) {
      assertOk(await listProducts(server.url, app.token));
      assertError(await listProducts(server.url, app.token), 45009, DAILY_QUOTA);
      const cleared = await call(server.url, '/cgi-bin/clear_quota', { appid: app.appid }, { token: app.token });
      assert.deepEqual(cleared.json, { errcode: 0, errmsg: 'ok' });
    }
    assertOk(await listProducts(server.url, app.token));
    assertError(await call(server.url, '/cgi-bin/clear_quota', { appid: app.appid }, { token: app.token }), 48006, CLEAR_LIMIT);
    assertError(await listProducts(server.url, app.token), 45009, DAILY_QUOTA);
    // v2 shares the monthly allowance.
    assertError(await call(server.url, '/cgi-bin/clear_quota/v2', { appid: app.appid, appsecret: app.secret }), 48006, CLEAR_LIMIT);
  });

  test('clear_quota: wrong or missing appid', async () => {
    const app = await createApp(server.url);
    const other = await createApp(server.url);
    assertError(await call(server.url, '/cgi-bin/clear_quota', { appid: other.appid }, { token: app.token }), 40013, INVALID_APPID);
    assertError(await call(server.url, '/cgi-bin/clear_quota', {}, { token: app.token }), 41002, APPID_MISSING);
  });

  test('clear_quota/v2 authenticates by appid and appsecret, from the body or the query', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 1 } });
    assertOk(await listProducts(server.url, app.token));
    assertError(await listProducts(server.url, app.token), 45009, DAILY_QUOTA);
    assert.deepEqual((await call(server.url, '/cgi-bin/clear_quota/v2', { appid: app.appid, appsecret: app.secret })).json, { errcode: 0, errmsg: 'ok' });
    assertOk(await listProducts(server.url, app.token));
    assertError(await listProducts(server.url, app.token), 45009, DAILY_QUOTA);
    const byQuery = await call(server.url, '/cgi-bin/clear_quota/v2', {}, { query: { appid: app.appid, appsecret: app.secret } });
    assertOk(byQuery);
    assertOk(await listProducts(server.url, app.token));

    assertError(await call(server.url, '/cgi-bin/clear_quota/v2', { appsecret: app.secret }), 41002, APPID_MISSING);
    assertError(await call(server.url, '/cgi-bin/clear_quota/v2', { appid: app.appid }), 41004, SECRET_MISSING);
    assertError(await call(server.url, '/cgi-bin/clear_quota/v2', { appid: 'wx0000000000000404', appsecret: app.secret }), 40013, INVALID_APPID);
    assertError(await call(server.url, '/cgi-bin/clear_quota/v2', { appid: app.appid, appsecret: 'f'.repeat(32) }), 40125, INVALID_SECRET);
  });

  test('quota/clear resets one API only', async () => {
    const app = await createApp(server.url);
    await setQuota(server.url, app.appid, { daily_limits: { '/shop/spu/get_list': 1, '/shop/spu/get': 1 } });
    assertOk(await listProducts(server.url, app.token));
    await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token: app.token });
    const cleared = await call(server.url, '/cgi-bin/openapi/quota/clear', { cgi_path: '/shop/spu/get_list' }, { token: app.token });
    assert.deepEqual(cleared.json, { errcode: 0, errmsg: 'ok' });
    assertOk(await listProducts(server.url, app.token));
    assertError(await call(server.url, '/shop/spu/get', { out_product_id: 'x' }, { token: app.token }), 45009, DAILY_QUOTA);
  });

  test('quota/get reports the default limit and rejects bad cgi_path values', async () => {
    const app = await createApp(server.url);
    const quota = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/add' }, { token: app.token });
    assertOk(quota);
    const { daily_limit, used, remain } = quota.json.quota as { daily_limit: number; used: number; remain: number };
    assert.equal(used, 0);
    assert.equal(remain, daily_limit);
    assert.ok(daily_limit > 0);
    const clearQuota = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/clear_quota' }, { token: app.token });
    assert.equal((clearQuota.json.quota as { daily_limit: number }).daily_limit, 100);

    const get = (cgi_path: unknown) => call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path }, { token: app.token });
    assertError(await get('/shop/spu/nope'), 76021, CGI_PATH_UNKNOWN);
    assertError(await get('shop/spu/add'), 76003, CGI_PATH_MALFORMED);
    assertError(await get('https://api.weixin.qq.com/shop/spu/add'), 76003, CGI_PATH_MALFORMED);
    assertError(await get(undefined), 76003, CGI_PATH_MALFORMED);
    assertError(await get('/sns/jscode2session'), 76022, CGI_PATH_NO_PERMISSION);
    assertError(await get('/cgi-bin/component/api_query_auth'), 76022, CGI_PATH_NO_PERMISSION);
  });
});
