// One app's token never reads or changes another app's data: app B aims every call it can at app
// A's ids (products, orders, after-sales, coupons, sharers), and app A's data must come out unchanged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestSandbox, APPID, SECRET, admin, call, clockNow, getToken, productBody, startSandbox, uploadImage } from '../helpers.js';
import { confirmCoupons, couponBody } from '../coupon-helpers.js';
import { addOrder, buyers, v2Order } from '../order-support.js';

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

test("app B aims order, after-sale, coupon and sharer calls at app A's ids and changes nothing", async () => {
  const url = server.url;
  const [buyerA] = await buyers(url);
  const [buyerB] = await buyers(url, OTHER_APPID);
  // App A: a paid order with an after-sale, an active coupon held by its buyer, a bound sharer.
  const orderId = await addOrder(url, tokenA, await v2Order(url, buyerA!, 'ISO-ORDER'));
  assert.equal((await admin(url, 'POST', `/apps/${APPID}/orders/ISO-ORDER/pay`)).status, 200);
  const aftersale = await admin(url, 'POST', `/apps/${APPID}/orders/ISO-ORDER/aftersales`, {
    type: 1,
    product_info: { out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 },
    orderamt: 900,
    refund_reason: '不想要了',
    refund_reason_type: 7,
  });
  assert.equal(aftersale.status, 201, JSON.stringify(aftersale.json));
  const aftersaleId = String(aftersale.json.aftersale.aftersale_id);
  for (const appid of [APPID, OTHER_APPID]) await confirmCoupons(url, appid);
  const now = Math.floor((await clockNow(url)) / 1000);
  assert.equal((await call(url, '/shop/coupon/add', couponBody('ISO-COUPON', now), { token: tokenA })).json.errcode, 0);
  assert.equal((await call(url, '/shop/coupon/update_status', { out_coupon_id: 'ISO-COUPON', status: 2 }, { token: tokenA })).json.errcode, 0);
  const userCoupon = { out_user_coupon_id: 'ISO-UC', out_coupon_id: 'ISO-COUPON', status: 100 };
  assert.equal((await call(url, '/shop/coupon/add_user_coupon', { openid: buyerA, user_coupon: userCoupon, recv_time: now }, { token: tokenA })).json.errcode, 0);
  assert.equal((await call(url, '/shop/sharer/bind', { openids: [buyerA] }, { token: tokenA })).json.errcode, 0);
  assert.equal((await admin(url, 'POST', `/apps/${APPID}/sharers/respond`, { openid: buyerA, decision: 'accept' })).status, 200);

  const snapshot = async () => {
    const read = async (path: string, body: unknown) => {
      const response = await call(url, path, body, { token: tokenA });
      assert.equal(response.json.errcode, 0, `${path}: ${response.text}`);
      const { errmsg: _errmsg, ...rest } = response.json;
      return rest;
    };
    return {
      order: await read('/shop/order/get', { out_order_id: 'ISO-ORDER', openid: buyerA }),
      aftersale: await read('/shop/ecaftersale/get', { aftersale_id: Number(aftersaleId) }),
      coupon: await read('/shop/coupon/get', { out_coupon_id: 'ISO-COUPON' }),
      userCoupons: await read('/shop/coupon/get_usercoupon_list', { openid: buyerA, offset: 0, page_size: 10 }),
      sharer: await read('/shop/sharer/search_sharer', { openid: buyerA }),
      sales: await read('/shop/sharer/get_sharer_data_summary', { openid: buyerA }),
    };
  };
  const before = await snapshot();

  const address = { receiver_name: 'B', detailed_address: 'B 路 1 号', tel_number: '13900000000', province: '广东省', city: '深圳市', town: '南山区' };
  const attempts: [string, Record<string, unknown>][] = [];
  for (const key of [{ order_id: orderId }, { out_order_id: 'ISO-ORDER' }]) {
    for (const openid of [buyerA, buyerB]) {
      const order = { ...key, openid };
      attempts.push(
        ['/shop/order/get', order],
        ['/shop/order/getpaymentparams', order],
        ['/shop/order/pay', { ...order, action_type: 1, transaction_id: '4200000000000000000000000000', pay_time: '2026-01-01 00:00:00' }],
        ['/shop/order/close', order],
        ['/shop/order/update_address', { ...order, address_info: address }],
        ['/shop/delivery/send', { ...order, finish_all_delivery: 1, delivery_list: [{ delivery_id: 'SF', waybill_id: 'SF-B-1' }] }],
        ['/shop/delivery/recieve', order],
        ['/shop/ecaftersale/add', { ...order, out_aftersale_id: 'B-AS', type: 1, product_info: { out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 }, orderamt: 100, refund_reason: 'B', refund_reason_type: 7 }],
      );
    }
  }
  for (const id of [Number(aftersaleId), aftersaleId]) {
    for (const path of ['get', 'acceptrefund', 'reject', 'cancel', 'update', 'upload_certificates']) {
      attempts.push([`/shop/ecaftersale/${path}`, { aftersale_id: id, orderamt: 1, refund_desc: 'B', certificates: ['https://mmecimage.cn/p/x/b'] }]);
    }
  }
  for (const openid of [buyerA, buyerB]) {
    attempts.push(
      ['/shop/coupon/get', { out_coupon_id: 'ISO-COUPON' }],
      ['/shop/coupon/update_status', { out_coupon_id: 'ISO-COUPON', status: 4 }],
      ['/shop/coupon/update_coupon_stock', { coupon_stock: { out_coupon_id: 'ISO-COUPON', stock_info: { issued_num: 1, receive_num: 0 } } }],
      ['/shop/coupon/update', couponBody('ISO-COUPON', now, { info: { name: 'B 改的券' } })],
      ['/shop/coupon/update_usercoupon_status', { openid, out_coupon_id: 'ISO-COUPON', out_user_coupon_id: 'ISO-UC', status: 102 }],
      ['/shop/coupon/update_user_coupon', { openid, user_coupon: { out_user_coupon_id: 'ISO-UC', out_coupon_id: 'ISO-COUPON' }, recv_time: now }],
      ['/shop/sharer/search_sharer', { openid: buyerA }],
      ['/shop/sharer/get_sharer_data_summary', { openid: buyerA }],
      ['/shop/sharer/unbind', { openids: [buyerA] }],
    );
  }
  for (const [path, body] of attempts) {
    const response = await call(url, path, body, { token: tokenB });
    assert.notEqual(response.json.errcode, 0, `B reached A's data with ${path} ${JSON.stringify(body)}: ${response.text}`);
  }
  // B's own lists show nothing of A.
  const list = await call(url, '/shop/order/get_list', { page: 1, page_size: 100, sort_order: 1 }, { token: tokenB });
  assert.equal(list.json.errcode, 0, list.text);
  assert.equal(list.json.total_num, 0);
  const coupons = await call(url, '/shop/coupon/get_list', { offset: 0, page_size: 100 }, { token: tokenB });
  assert.equal(coupons.json.total_num, 0, coupons.text);
  const sharers = await call(url, '/shop/sharer/get_sharer_list', { page: 1, page_size: 100 }, { token: tokenB });
  assert.equal(sharers.json.total_num, 0, sharers.text);
  const sales = await call(url, '/shop/order/get_list_by_sharer', { sharer_openid: buyerA, page: 1, page_size: 100 }, { token: tokenB });
  assert.equal(sales.json.total_num ?? 0, 0, sales.text);

  assert.deepEqual(await snapshot(), before);
});
