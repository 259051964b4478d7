// One app's token never reads or changes another app's data: app B aims every call it can at app
// A's ids, and app A's data must come out unchanged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestSandbox, APPID, SECRET, call, getToken, productBody, startSandbox, uploadImage } from '../helpers.js';

const OTHER_APPID = 'wx00000000000000b7';
const OTHER_SECRET = 'fedcba9876543210fedcba9876543210';

let server: TestSandbox;
let tokenA: string;
let tokenB: string;
let productId: string;

before(async () => {
  server = await startSandbox({ apps: [{ appid: APPID, secret: SECRET }, { appid: OTHER_APPID, secret: OTHER_SECRET }] });
  tokenA = await getToken(server.url);
  tokenB = await getToken(server.url, OTHER_APPID, OTHER_SECRET);
  const image = await uploadImage(server.url, tokenA);
  const add = await call(server.url, '/shop/spu/add', productBody('SHARED-ID', image), { token: tokenA });
  assert.equal(add.json.errcode, 0, add.text);
  productId = String((add.json.data as Record<string, unknown>).product_id);
});

after(async () => {
  await server?.close();
});

async function snapshotOfA() {
  const one = await call(server.url, '/shop/spu/get', { product_id: productId, need_edit_spu: 1 }, { token: tokenA });
  const list = await call(server.url, '/shop/spu/get_list', { page: 1, page_size: 100, need_edit_spu: 1 }, { token: tokenA });
  assert.equal(one.json.errcode, 0, one.text);
  return { spu: one.json.spu, list: list.json.spus, total: list.json.total_num };
}

test("app B can neither read nor change app A's product", async () => {
  const before = await snapshotOfA();
  const ids = [{ product_id: productId }, { out_product_id: 'SHARED-ID' }];
  for (const id of ids) {
    const read = await call(server.url, '/shop/spu/get', { ...id, need_edit_spu: 1 }, { token: tokenB });
    assert.notEqual(read.json.errcode, 0, `B read A's product by ${JSON.stringify(id)}: ${read.text}`);
    assert.equal(read.json.spu, undefined);
    for (const path of ['/shop/spu/del', '/shop/spu/listing', '/shop/spu/delisting', '/shop/spu/del_audit', '/shop/spu/update_without_audit']) {
      const write = await call(server.url, path, { ...id, skus: [] }, { token: tokenB });
      assert.notEqual(write.json.errcode, 0, `B changed A's product with ${path}: ${write.text}`);
    }
    const update = await call(server.url, '/shop/spu/update', { ...productBody('SHARED-ID', 'https://127.0.0.1/x.png'), ...id, title: 'B 改的标题' }, { token: tokenB });
    assert.notEqual(update.json.errcode, 0, `B updated A's product: ${update.text}`);
  }
  const list = await call(server.url, '/shop/spu/get_list', { page: 1, page_size: 100, need_edit_spu: 1 }, { token: tokenB });
  assert.equal(list.json.errcode, 0, list.text);
  assert.deepEqual(list.json.spus ?? [], []);
  assert.deepEqual(await snapshotOfA(), before);
});

test('the same merchant id in app B is a separate product', async () => {
  const before = await snapshotOfA();
  const image = await uploadImage(server.url, tokenB);
  const add = await call(server.url, '/shop/spu/add', productBody('SHARED-ID', image, { title: 'B 的商品' }), { token: tokenB });
  assert.equal(add.json.errcode, 0, add.text);
  assert.notEqual(String((add.json.data as Record<string, unknown>).product_id), productId);
  const removal = await call(server.url, '/shop/spu/del', { out_product_id: 'SHARED-ID' }, { token: tokenB });
  assert.equal(removal.json.errcode, 0, removal.text);
  assert.deepEqual(await snapshotOfA(), before);
});
