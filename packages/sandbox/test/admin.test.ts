import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, APPID, call, getToken, productBody, startSandbox, uploadImage, type TestSandbox } from './helpers.js';

describe('admin API', () => {
  let server: TestSandbox;

  before(async () => {
    server = await startSandbox();
  });

  after(async () => {
    await server.close();
  });

  test('opening the component lifts 48001', async () => {
    const created = await admin(server.url, 'POST', '/apps', { onboarded: false });
    assert.equal(created.status, 201);
    const { appid, secret } = created.json.app;
    const token = await getToken(server.url, appid, secret);

    const closed = await call(server.url, '/shop/spu/get', { out_product_id: 'X' }, { token });
    assert.equal(closed.json.errcode, 48001);

    const opened = await admin(server.url, 'PUT', `/apps/${appid}/access`, { state: 'accessed' });
    assert.equal(opened.status, 200);
    assert.equal(opened.json.app.access_state, 'accessed');

    const after = await call(server.url, '/shop/spu/get', { out_product_id: 'X' }, { token });
    assert.equal(after.json.errcode, 1000011);
  });

  test('access state rejects an unknown value', async () => {
    const response = await admin(server.url, 'PUT', `/apps/${APPID}/access`, { state: 'open' });
    assert.equal(response.status, 400);
    assert.equal(response.json.error.code, 'invalid_state');
  });

  test('creating an existing appid answers 409', async () => {
    const response = await admin(server.url, 'POST', '/apps', { appid: APPID });
    assert.equal(response.status, 409);
    assert.equal(response.json.error.code, 'app_exists');
  });

  test('unknown app answers 404', async () => {
    const response = await admin(server.url, 'GET', '/apps/wx0000000000000000');
    assert.equal(response.status, 404);
    assert.equal(response.json.error.code, 'app_not_found');
  });

  test('unknown setting is rejected with the valid list', async () => {
    const response = await admin(server.url, 'PATCH', `/apps/${APPID}/settings`, { colour: 'red' });
    assert.equal(response.status, 400);
    assert.match(response.json.error.message, /reviewer/);
  });

  test('malformed admin body answers 400', async () => {
    const response = await fetch(new URL(`/_sandbox/v1/apps/${APPID}/settings`, server.url), {
      method: 'PATCH',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 400);
  });

  test('switching to manual stops a scheduled review', async () => {
    const token = await getToken(server.url);
    const image = await uploadImage(server.url, token);
    const added = await call(server.url, '/shop/spu/add', productBody('MANUAL-1', image), { token });
    assert.equal(added.json.errcode, 0);

    const manual = await admin(server.url, 'PATCH', `/apps/${APPID}/settings`, { reviewer: { mode: 'manual' } });
    assert.equal(manual.status, 200);
    const advanced = await admin(server.url, 'POST', '/clock/advance', { seconds: 60 });
    assert.equal(advanced.json.audits_decided, 0);

    const pending = await call(server.url, '/shop/spu/get', { out_product_id: 'MANUAL-1' }, { token });
    assert.equal((pending.json.spu as any).edit_status, 2);

    const approved = await admin(server.url, 'POST', `/apps/${APPID}/products/audit`, { out_product_id: 'MANUAL-1', decision: 'approve' });
    assert.equal(approved.status, 200);
    assert.equal(approved.json.product.edit_status, 4);
    await admin(server.url, 'PATCH', `/apps/${APPID}/settings`, { reviewer: { mode: 'auto' } });
  });

  test('clock advance runs every timed job and reports each count', async () => {
    // A third-party platform gets a fresh verify ticket every 10 minutes by the sandbox clock, a
    // job clock/advance did not run before it shared the background job list.
    const componentAppid = 'wx00000000000c0a01';
    const created = await admin(server.url, 'POST', '/components', { component_appid: componentAppid, secret: 'c'.repeat(32) });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const advanced = await admin(server.url, 'POST', '/clock/advance', { seconds: 11 * 60 });
    assert.equal(advanced.status, 200, JSON.stringify(advanced.json));
    for (const field of ['audits_decided', 'onboarding_decided', 'user_coupons_expired', 'orders_expired', 'aftersale_timeouts', 'orders_settled', 'component_tickets_pushed']) {
      assert.equal(typeof advanced.json[field], 'number', `${field} in ${JSON.stringify(advanced.json)}`);
    }
    assert.equal(advanced.json.component_tickets_pushed, 1);
    const platform = await admin(server.url, 'GET', `/components/${componentAppid}`);
    assert.notEqual(platform.json.latest_ticket.component_verify_ticket, created.json.component_verify_ticket);
  });

  test('clock advance beyond ten years answers 400', async () => {
    const response = await admin(server.url, 'POST', '/clock/advance', { seconds: 1e12 });
    assert.equal(response.status, 400);
    assert.equal(response.json.error.code, 'invalid_seconds');
    const clock = await admin(server.url, 'GET', '/clock');
    assert.equal(clock.status, 200);
  });

  test('request log limit outside 1..1000 answers 400', async () => {
    for (const limit of ['0', 'abc', '-3', '1001']) {
      const response = await admin(server.url, 'GET', `/apps/${APPID}/requests?limit=${limit}`);
      assert.equal(response.status, 400, `limit=${limit}`);
    }
  });

  test('body with a byte order mark answers 47001', async () => {
    const token = await getToken(server.url);
    const response = await call(server.url, '/shop/spu/get', undefined, { token, raw: '\ufeff{"out_product_id":"X"}' });
    assert.equal(response.json.errcode, 47001);
  });

  test('empty product_id counts as absent', async () => {
    const token = await getToken(server.url);
    const image = await uploadImage(server.url, token);
    const added = await call(server.url, '/shop/spu/add', productBody('EMPTY-ID-1', image), { token });
    assert.equal(added.json.errcode, 0);
    const response = await call(server.url, '/shop/spu/get', { product_id: '', out_product_id: 'EMPTY-ID-1' }, { token });
    assert.equal(response.json.errcode, 0);
  });

  test('reset empties state and keeps declared apps', async () => {
    const token = await getToken(server.url);
    const reset = await admin(server.url, 'POST', '/reset');
    assert.equal(reset.status, 200);

    const apps = await admin(server.url, 'GET', '/apps');
    assert.deepEqual(apps.json.apps.map((app: any) => app.appid), [APPID]);
    const stale = await call(server.url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token });
    assert.equal(stale.json.errcode, 40001);
    const fresh = await call(server.url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token: await getToken(server.url) });
    assert.equal(fresh.json.total_num, 0);
  });
});
