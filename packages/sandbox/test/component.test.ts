import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, advanceClock, APPID, call, getToken, RID_SUFFIX, startSandbox, type TestSandbox, type WireResponse } from './helpers.js';

const COMPONENT_APPID = 'wx00000000000000c1';
const COMPONENT_SECRET = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';

const IP_NOT_WHITELISTED = 'access clientip is not registered, not in ip-white-list';
const NOT_AUTHORIZED = 'api is unauthorized to component';
const TICKET_INVALID = 'component ticket is invalid';
const TICKET_EXPIRED = 'component ticket is expired';
const INVALID_COMPONENT = 'invalid component';
const INVALID_SECRET = 'invalid appsecret';
const SECRET_MISSING = 'appsecret missing';
const REFRESH_INVALID = 'refresh_token is invalid';
const CODE_INVALID = 'code is invalid';
const TOKEN_INVALID = 'invalid credential, access_token is invalid or not latest';
const TOKEN_EXPIRED = 'access_token expired';

const LIST_BODY = { page: 1, page_size: 10, need_edit_spu: 1 };

function assertError(response: WireResponse, errcode: number, message: string): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, errcode, response.text);
  assert.ok((response.json.errmsg as string).startsWith(`${message} rid: `), response.text);
  assert.match(response.json.errmsg as string, RID_SUFFIX);
}

async function latestTicket(url: string): Promise<string> {
  const response = await admin(url, 'POST', `/components/${COMPONENT_APPID}/ticket`);
  assert.equal(response.status, 201, JSON.stringify(response.json));
  return response.json.component_verify_ticket as string;
}

async function componentToken(url: string): Promise<string> {
  const response = await call(url, '/cgi-bin/component/api_component_token', {
    component_appid: COMPONENT_APPID,
    component_appsecret: COMPONENT_SECRET,
    component_verify_ticket: await latestTicket(url),
  });
  assert.equal(typeof response.json.component_access_token, 'string', response.text);
  assert.equal(response.json.expires_in, 7200);
  assert.equal(response.json.errcode, undefined, 'success is the bare token');
  return response.json.component_access_token as string;
}

/** Runs the whole consent flow for APPID with the given permission sets; returns the query_auth answer. */
async function authorize(url: string, token: string, funcInfo: number[]): Promise<Record<string, any>> {
  const preauth = await call(url, '/cgi-bin/component/api_create_preauthcode', { component_appid: COMPONENT_APPID }, { query: { component_access_token: token } });
  assert.equal(typeof preauth.json.pre_auth_code, 'string', preauth.text);
  assert.equal(preauth.json.expires_in, 1800);
  const consent = await admin(url, 'POST', `/components/${COMPONENT_APPID}/authorizations`, {
    authorizer_appid: APPID,
    func_info: funcInfo,
    pre_auth_code: preauth.json.pre_auth_code,
  });
  assert.equal(consent.status, 201, JSON.stringify(consent.json));
  const auth = await call(url, '/cgi-bin/component/api_query_auth', { component_appid: COMPONENT_APPID, authorization_code: consent.json.authorization_code }, { query: { component_access_token: token } });
  assert.ok(auth.json.authorization_info, auth.text);
  return auth.json.authorization_info as Record<string, any>;
}

describe('third-party platform mode', () => {
  let server: TestSandbox;
  before(async () => {
    server = await startSandbox();
    const created = await admin(server.url, 'POST', '/components', { component_appid: COMPONENT_APPID, secret: COMPONENT_SECRET, name: '测试第三方平台' });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(typeof created.json.component_verify_ticket, 'string');
  });
  after(async () => server.close());

  test('an authorizer token with set 85 calls /shop/* as the authorized app', async () => {
    const token = await componentToken(server.url);
    const info = await authorize(server.url, token, [85, 17]);
    assert.equal(info.authorizer_appid, APPID);
    assert.equal(info.expires_in, 7200);
    assert.deepEqual(info.func_info, [{ funcscope_category: { id: 17 } }, { funcscope_category: { id: 85 } }]);
    const listed = await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: info.authorizer_access_token });
    assert.equal(listed.json.errcode, 0, listed.text);
    // The request is logged under the authorized app.
    const log = await admin(server.url, 'GET', `/apps/${APPID}/requests?limit=1`);
    assert.equal(log.json.requests[0].path, '/shop/spu/get_list');
  });

  test('without set 85 the authorizer token gets 61007 on /shop/* and still works on /cgi-bin/*', async () => {
    const token = await componentToken(server.url);
    const info = await authorize(server.url, token, [17, 18]);
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: info.authorizer_access_token }), 61007, NOT_AUTHORIZED);
    const quota = await call(server.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/get_list' }, { token: info.authorizer_access_token });
    assert.equal(quota.json.errcode, 0, quota.text);
  });

  test('api_authorizer_token refreshes the authorizer token; a wrong refresh token gets 61023', async () => {
    const token = await componentToken(server.url);
    const info = await authorize(server.url, token, [85]);
    const refreshed = await call(
      server.url,
      '/cgi-bin/component/api_authorizer_token',
      { component_appid: COMPONENT_APPID, authorizer_appid: APPID, authorizer_refresh_token: info.authorizer_refresh_token },
      { query: { component_access_token: token } },
    );
    assert.equal(typeof refreshed.json.authorizer_access_token, 'string', refreshed.text);
    assert.notEqual(refreshed.json.authorizer_access_token, info.authorizer_access_token);
    assert.equal(refreshed.json.authorizer_refresh_token, info.authorizer_refresh_token);
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: refreshed.json.authorizer_access_token as string })).json.errcode, 0);
    // SKIT sends the component token as access_token; that works too.
    const wrong = await call(
      server.url,
      '/cgi-bin/component/api_authorizer_token',
      { component_appid: COMPONENT_APPID, authorizer_appid: APPID, authorizer_refresh_token: 'refreshtoken@@@nope' },
      { token },
    );
    assertError(wrong, 61023, REFRESH_INVALID);
  });

  test('api_get_authorizer_info lists the granted permission sets', async () => {
    const token = await componentToken(server.url);
    await authorize(server.url, token, [85]);
    const info = await call(server.url, '/cgi-bin/component/api_get_authorizer_info', { component_appid: COMPONENT_APPID, authorizer_appid: APPID }, { token });
    const authorization = info.json.authorization_info as Record<string, unknown>;
    assert.deepEqual(authorization.func_info, [{ funcscope_category: { id: 85 } }]);
    assert.equal(authorization.authorizer_appid, APPID);
  });

  test('an authorization code works once; an unknown one gets 61009', async () => {
    const token = await componentToken(server.url);
    const consent = await admin(server.url, 'POST', `/components/${COMPONENT_APPID}/authorizations`, { authorizer_appid: APPID, func_info: [85] });
    assert.equal(consent.status, 201);
    const query = { component_appid: COMPONENT_APPID, authorization_code: consent.json.authorization_code };
    assert.ok((await call(server.url, '/cgi-bin/component/api_query_auth', query, { token })).json.authorization_info);
    assertError(await call(server.url, '/cgi-bin/component/api_query_auth', query, { token }), 61009, CODE_INVALID);
    assertError(await call(server.url, '/cgi-bin/component/api_query_auth', { ...query, authorization_code: 'nope' }, { token }), 61009, CODE_INVALID);
  });

  test('a caller IP off the whitelist gets 61004 with component and authorizer tokens', async () => {
    const token = await componentToken(server.url);
    const info = await authorize(server.url, token, [85]);
    const set = await admin(server.url, 'PUT', `/components/${COMPONENT_APPID}/ip-whitelist`, { ip_whitelist: ['203.0.113.7'] });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    try {
      assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: info.authorizer_access_token }), 61004, IP_NOT_WHITELISTED);
      assertError(await call(server.url, '/cgi-bin/component/api_create_preauthcode', { component_appid: COMPONENT_APPID }, { token }), 61004, IP_NOT_WHITELISTED);
      const ticket = await latestTicket(server.url);
      assertError(
        await call(server.url, '/cgi-bin/component/api_component_token', { component_appid: COMPONENT_APPID, component_appsecret: COMPONENT_SECRET, component_verify_ticket: ticket }),
        61004,
        IP_NOT_WHITELISTED,
      );
    } finally {
      await admin(server.url, 'PUT', `/components/${COMPONENT_APPID}/ip-whitelist`, { ip_whitelist: ['127.0.0.1', '::1'] });
    }
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: info.authorizer_access_token })).json.errcode, 0);
    assert.equal((await admin(server.url, 'PUT', `/components/${COMPONENT_APPID}/ip-whitelist`, { ip_whitelist: ['not an ip'] })).status, 400);
  });

  test('api_component_token checks the appid, secret and ticket', async () => {
    const ticket = await latestTicket(server.url);
    const get = (body: unknown) => call(server.url, '/cgi-bin/component/api_component_token', body);
    assertError(await get({ component_appid: 'wx0000000000000404', component_appsecret: COMPONENT_SECRET, component_verify_ticket: ticket }), 61011, INVALID_COMPONENT);
    assertError(await get({ component_appid: COMPONENT_APPID, component_verify_ticket: ticket }), 41004, SECRET_MISSING);
    assertError(await get({ component_appid: COMPONENT_APPID, component_appsecret: 'f'.repeat(32), component_verify_ticket: ticket }), 40125, INVALID_SECRET);
    assertError(await get({ component_appid: COMPONENT_APPID, component_appsecret: COMPONENT_SECRET, component_verify_ticket: 'ticket@@@forged' }), 61006, TICKET_INVALID);
  });

  test('a revoked authorization makes its authorizer tokens invalid', async () => {
    const token = await componentToken(server.url);
    const info = await authorize(server.url, token, [85]);
    assert.equal((await admin(server.url, 'DELETE', `/components/${COMPONENT_APPID}/authorizations/${APPID}`)).status, 200);
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: info.authorizer_access_token }), 40001, TOKEN_INVALID);
    // A new consent issues new tokens; the cancelled one stays dead.
    const renewed = await authorize(server.url, token, [85]);
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: info.authorizer_access_token }), 40001, TOKEN_INVALID);
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: renewed.authorizer_access_token })).json.errcode, 0);
  });

  test('a ticket expires after 12 hours and tokens after 2 hours', async () => {
    const token = await componentToken(server.url);
    const info = await authorize(server.url, token, [85]);
    const ticket = await latestTicket(server.url);
    await advanceClock(server.url, 12 * 3600 + 1);
    assertError(
      await call(server.url, '/cgi-bin/component/api_component_token', { component_appid: COMPONENT_APPID, component_appsecret: COMPONENT_SECRET, component_verify_ticket: ticket }),
      61005,
      TICKET_EXPIRED,
    );
    assertError(await call(server.url, '/cgi-bin/component/api_create_preauthcode', { component_appid: COMPONENT_APPID }, { token }), 42001, TOKEN_EXPIRED);
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: info.authorizer_access_token }), 42001, TOKEN_EXPIRED);
  });

  test('component clear_quota/v2 resets an authorized app and shares its monthly allowance', async () => {
    const token = await componentToken(server.url);
    await authorize(server.url, token, [85]);
    const set = await admin(server.url, 'PUT', `/apps/${APPID}/quota`, { daily_limits: { '/shop/spu/get_list': 1 } });
    assert.equal(set.status, 200);
    const own = await admin(server.url, 'POST', '/apps', {});
    const appToken = await getToken(server.url);
    await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: appToken });
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: appToken })).json.errcode, 45009);
    const reset = await call(server.url, '/cgi-bin/component/clear_quota/v2', { component_appid: COMPONENT_APPID, appsecret: COMPONENT_SECRET, appid: APPID });
    assert.deepEqual(reset.json, { errcode: 0, errmsg: 'ok' });
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: appToken })).json.errcode, 0);
    assertError(
      await call(server.url, '/cgi-bin/component/clear_quota/v2', { component_appid: COMPONENT_APPID, appsecret: COMPONENT_SECRET, appid: own.json.app.appid }),
      40013,
      'invalid appid,',
    );
    assertError(await call(server.url, '/cgi-bin/component/clear_quota/v2', { component_appid: COMPONENT_APPID, appsecret: 'f'.repeat(32) }), 40125, INVALID_SECRET);
    await admin(server.url, 'DELETE', `/apps/${APPID}/quota/usage`);
    await admin(server.url, 'PUT', `/apps/${APPID}/quota`, { daily_limits: { '/shop/spu/get_list': null } });
  });

  test('api_start_push_ticket pushes a fresh ticket', async () => {
    const before = await admin(server.url, 'GET', `/components/${COMPONENT_APPID}`);
    const started = await call(server.url, '/cgi-bin/component/api_start_push_ticket', { component_appid: COMPONENT_APPID, component_secret: COMPONENT_SECRET });
    assert.deepEqual(started.json, { errcode: 0, errmsg: 'ok' });
    const afterwards = await admin(server.url, 'GET', `/components/${COMPONENT_APPID}`);
    assert.notEqual(afterwards.json.latest_ticket.component_verify_ticket, before.json.latest_ticket.component_verify_ticket);
    assertError(await call(server.url, '/cgi-bin/component/api_start_push_ticket', { component_appid: COMPONENT_APPID, component_secret: 'f'.repeat(32) }), 40125, INVALID_SECRET);
  });
});
