import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSandbox, type Sandbox } from '@wxshop/sandbox';
import { APPID, call, getToken, productBody, SECRET, startSandbox, uploadImage, type TestSandbox } from './helpers.js';

// spu/get may be served from memory on SQLite. These tests check that it never returns data a
// write has replaced, whether the write came through the same sandbox or through another one on
// the same database, like a second process on the SQLite file or a second instance on PostgreSQL.

let first: TestSandbox;
let second: Sandbox;
let secondUrl: string;
let token: string;
let secondToken: string;
let image: string;

before(async () => {
  first = await startSandbox();
  second = await createSandbox({ storage: { url: first.dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
  secondUrl = await second.listen('127.0.0.1', 0);
  token = await getToken(first.url);
  secondToken = await getToken(secondUrl);
  image = await uploadImage(first.url, token);
});

after(async () => {
  await second.close();
  await first.close();
});

async function getSpu(outProductId: string) {
  return (await call(first.url, '/shop/spu/get', { out_product_id: outProductId, need_edit_spu: 1 }, { token })).json;
}

test('spu/get sees own writes', async () => {
  assert.equal((await call(first.url, '/shop/spu/add', productBody('READ-1', image), { token })).json.errcode, 0);
  const before = await getSpu('READ-1');
  assert.equal(before.errcode, 0);
  assert.equal((before.spu as Record<string, unknown>).edit_status, 2);
  // Asked twice, so a cached copy exists when the change comes.
  assert.deepEqual(await getSpu('READ-1'), before);

  assert.equal((await call(first.url, '/shop/spu/del_audit', { out_product_id: 'READ-1' }, { token })).json.errcode, 0);
  assert.equal(((await getSpu('READ-1')).spu as Record<string, unknown>).edit_status, 1);

  assert.equal((await call(first.url, '/shop/spu/del', { out_product_id: 'READ-1' }, { token })).json.errcode, 0);
  assert.equal((await getSpu('READ-1')).errcode, 1000011);
});

test('spu/get sees writes of other instances', async () => {
  assert.equal((await getSpu('READ-2')).errcode, 1000011);
  assert.equal((await call(secondUrl, '/shop/spu/add', productBody('READ-2', image), { token: secondToken })).json.errcode, 0);
  assert.equal((await getSpu('READ-2')).errcode, 0, 'a product added elsewhere is found at once');
  assert.equal(((await getSpu('READ-2')).spu as Record<string, unknown>).edit_status, 2);

  assert.equal((await call(secondUrl, '/shop/spu/del_audit', { out_product_id: 'READ-2' }, { token: secondToken })).json.errcode, 0);
  assert.equal(((await getSpu('READ-2')).spu as Record<string, unknown>).edit_status, 1);

  assert.equal((await call(secondUrl, '/shop/spu/del', { out_product_id: 'READ-2' }, { token: secondToken })).json.errcode, 0);
  assert.equal((await getSpu('READ-2')).errcode, 1000011);
});
