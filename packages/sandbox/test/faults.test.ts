import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { admin, APPID, call, getToken, productBody, RID_SUFFIX, startSandbox, uploadImage, type TestSandbox, type WireResponse } from './helpers.js';

const SYSTEM_ERROR = 'system error';
const SUBMIT_FAILED = '提交审核失败,请通过更新接口重新提交';
const BUSY = '系统繁忙,请稍后再试';

const LIST_BODY = { page: 1, page_size: 10, need_edit_spu: 1 };

function assertError(response: WireResponse, errcode: number, message: string): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, errcode, response.text);
  assert.ok((response.json.errmsg as string).startsWith(`${message} rid: `), response.text);
  assert.match(response.json.errmsg as string, RID_SUFFIX);
}

async function addFault(url: string, rule: unknown): Promise<string> {
  const response = await admin(url, 'POST', '/faults', rule);
  assert.equal(response.status, 201, JSON.stringify(response.json));
  return response.json.fault.id as string;
}

describe('fault injection', () => {
  let server: TestSandbox;
  let token: string;
  before(async () => {
    server = await startSandbox();
    token = await getToken(server.url);
  });
  afterEach(async () => {
    await admin(server.url, 'DELETE', '/faults');
  });
  after(async () => server.close());

  test('-1 for the next 2 calls of one path, then normal answers', async () => {
    await addFault(server.url, { appid: APPID, path: '/shop/spu/get_list', errcode: -1, count: 2 });
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token }), -1, SYSTEM_ERROR);
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token }), -1, SYSTEM_ERROR);
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token })).json.errcode, 0);
    const list = await admin(server.url, 'GET', '/faults');
    assert.equal(list.json.faults[0].remaining, 0);
  });

  test('1000017 on spu/add leaves no product behind', async () => {
    const image = await uploadImage(server.url, token);
    await addFault(server.url, { path: '/shop/spu/add', errcode: 1000017, count: 1 });
    const body = productBody('FAULT-1', image);
    assertError(await call(server.url, '/shop/spu/add', body, { token }), 1000017, SUBMIT_FAILED);
    const missing = await call(server.url, '/shop/spu/get', { out_product_id: 'FAULT-1', need_edit_spu: 1 }, { token });
    assert.equal(missing.json.errcode, 1000011, missing.text);
    assert.equal((await call(server.url, '/shop/spu/add', body, { token })).json.errcode, 0);
  });

  test('a rule for one app leaves other apps alone; a rule for "*" hits every app', async () => {
    const created = await admin(server.url, 'POST', '/apps', {});
    const other = await getToken(server.url, created.json.app.appid, created.json.app.secret);
    await addFault(server.url, { appid: APPID, path: '/shop/*', errcode: 990010 });
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token }), 990010, BUSY);
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: other })).json.errcode, 0);
    await admin(server.url, 'DELETE', '/faults');
    await addFault(server.url, { path: '*', errcode: 300000, count: 1 });
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: other })).json.errcode, 300000);
  });

  test('a forced errcode on /cgi-bin/token applies to calls without an app', async () => {
    await addFault(server.url, { path: '/cgi-bin/token', errcode: -1, count: 1 });
    const response = await call(server.url, '/cgi-bin/token?grant_type=client_credential&appid=x&secret=y', undefined, { method: 'GET' });
    assertError(response, -1, SYSTEM_ERROR);
  });

  test('a probability rule with a seed fires on the same calls in every run', async () => {
    const pattern = async () => {
      const id = await addFault(server.url, { path: '/shop/spu/get_list', errcode: 990010, probability: 0.5, seed: 42 });
      const codes: number[] = [];
      for (let i = 0; i < 16; i++) codes.push((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token })).json.errcode as number);
      assert.equal((await admin(server.url, 'DELETE', `/faults/${id}`)).status, 200);
      return codes;
    };
    const first = await pattern();
    const second = await pattern();
    assert.deepEqual(first, second);
    assert.ok(first.includes(0) && first.includes(990010), `both outcomes occur: ${first}`);
  });

  test('latency delays the answer, which still succeeds', async () => {
    await addFault(server.url, { path: '/shop/spu/get_list', action: 'latency', latency_ms: 50, count: 1 });
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token })).json.errcode, 0);
  });

  test('drop closes the connection without an answer', async () => {
    await addFault(server.url, { path: '/shop/spu/get_list', action: 'drop', count: 1 });
    await assert.rejects(call(server.url, '/shop/spu/get_list', LIST_BODY, { token }));
    assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token })).json.errcode, 0);
    const log = await admin(server.url, 'GET', `/apps/${APPID}/requests?limit=2`);
    assert.match(log.json.requests[1].rule, /^fault\..*\.drop$/);
  });

  test('the admin API lists, deletes and validates rules', async () => {
    const id = await addFault(server.url, { path: '/shop/spu/add', errcode: -1, errmsg: 'injected', seed: 7 });
    const list = await admin(server.url, 'GET', '/faults');
    assert.equal(list.json.faults.length, 1);
    assert.equal(list.json.faults[0].id, id);
    assert.equal(list.json.faults[0].errmsg, 'injected');
    assert.equal(list.json.faults[0].remaining, null);
    assert.equal((await admin(server.url, 'DELETE', `/faults/${id}`)).status, 200);
    assert.equal((await admin(server.url, 'DELETE', `/faults/${id}`)).status, 404);
    for (const bad of [
      { path: '/shop/spu/add', errcode: 12345 },
      { path: '/shop/spu/add', errcode: 0 },
      { path: 'shop/spu/add', errcode: -1 },
      { path: '/shop/spu/add' },
      { path: '/shop/spu/add', errcode: -1, probability: 0 },
      { path: '/shop/spu/add', errcode: -1, count: 0 },
      { path: '/shop/spu/add', action: 'latency', latency_ms: 600000 },
      { path: '/shop/spu/add', errcode: -1, colour: 'red' },
    ]) {
      assert.equal((await admin(server.url, 'POST', '/faults', bad)).status, 400, JSON.stringify(bad));
    }
  });

  test('errmsg replaces the catalogue message', async () => {
    await addFault(server.url, { path: '/shop/spu/get_list', errcode: -1, errmsg: 'system error 系统错误,请稍后重试', count: 1 });
    assertError(await call(server.url, '/shop/spu/get_list', LIST_BODY, { token }), -1, 'system error 系统错误,请稍后重试');
  });
});
