import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, APPID, call, getToken, startSandbox, type TestSandbox } from './helpers.js';
import { addOrder, assertError, buyers, v2Order } from './order-support.js';

let sb: TestSandbox;
let token: string;

before(async () => {
  sb = await startSandbox();
  token = await getToken(sb.url);
});
after(() => sb.close());

describe('buyers and scene check', () => {
  test('buyers are distinct per app', async () => {
    const list = await buyers(sb.url);
    assert.equal(list.length, 3);
    for (const openid of list) assert.match(openid, /^o[A-Za-z0-9_-]{27}$/);
    await admin(sb.url, 'POST', '/reset');
    token = await getToken(sb.url);
    assert.deepEqual(await buyers(sb.url), list, 'built-in buyers keep their openids across a reset');
    const created = await admin(sb.url, 'POST', `/apps/${APPID}/buyers`, { nickname: '新买家', person: 'alice' });
    assert.equal(created.status, 201);
    const other = await admin(sb.url, 'POST', '/apps', {});
    const elsewhere = await admin(sb.url, 'POST', `/apps/${other.json.app.appid}/buyers`, { person: 'alice' });
    assert.notEqual(elsewhere.json.buyer.openid, created.json.buyer.openid);
    assert.ok((await buyers(sb.url)).includes(created.json.buyer.openid));
    await addOrder(sb.url, token, await v2Order(sb.url, created.json.buyer.openid, 'NEW-BUYER-1'));
  });

  test('scene/check matches Channels scenes only', async () => {
    const matched = await call(sb.url, '/shop/scene/check', { scene: 1177 }, { token });
    assert.equal(matched.json.errcode, 0);
    assert.equal(matched.json.is_matched, 1);
    const other = await call(sb.url, '/shop/scene/check', { scene: 1001 }, { token });
    assert.equal(other.json.is_matched, 0);
    assertError(await call(sb.url, '/shop/scene/check', {}, { token }), 990007, '');
    await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { opened_scene_groups: [] });
    const closed = await call(sb.url, '/shop/scene/check', { scene: 1177 }, { token });
    assert.equal(closed.json.is_matched, 0, 'the Channels scene group is not opened');
    await admin(sb.url, 'PUT', `/apps/${APPID}/access`, { state: 'not_applied' });
    assertError(await call(sb.url, '/shop/scene/check', { scene: 1177 }, { token }), 48001, 'api unauthorized');
  });
});
