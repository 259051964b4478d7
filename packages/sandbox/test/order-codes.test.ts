import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { explain } from '@wxshop/api';
import { admin, APPID, call, clockNow, getToken, PNG_BYTES, productBody, startSandbox, uploadImage, type TestSandbox, type WireResponse } from './helpers.js';
import { addOrder, assertBareError, assertError, buyers, chinaTime, getOrder, v1Order, v2Order } from './order-support.js';

/** The catalogue's wire messages of the codes below, written out to check the catalogue too. */
const MESSAGE = {
  productUnknown: '订单中部分商品不存在',
  notOnSale: '订单中部分商品未上架',
  duplicate: '订单已存在',
  displayFields: '订单商品缺少title、path或head_img',
  presale: '预售订单缺少定金或尾款金额',
  ticketOrderId: '订单id或appid缺失',
  ticketFailed: '生成ticket失败',
  updateFailed: '订单更新失败',
  paymentRefused: '受理关系不存在',
  paymentParams: '生成支付参数失败',
  uploadReply: '上传服务返回异常',
  encrypt: '文件加密失败',
  couponDelete: '优惠券删除失败',
  openidForeign: 'openid不属于当前appid',
  orderMissing: '订单不存在',
  linesWithoutParcel: '发货完成失败,存在物流未同步',
  zeroPrice: '订单金额为0,无需支付',
  imageConversion: ' 图片链接转换失败',
  busyOrder: ' 该订单有其他操作正在进行',
  empty: '',
} as const;

let sb: TestSandbox;
let token: string;
let buyer: string;
let image: string;
/** Platform ids of the catalogue products made in `before`, by out_product_id. */
const catalogue = new Map<string, { product_id: string; sku_id: string }>();

async function addProduct(outProductId: string, approve: boolean, overrides: Record<string, unknown> = {}): Promise<void> {
  const added = await call(sb.url, '/shop/spu/add', productBody(outProductId, image, overrides), { token });
  assert.equal(added.json.errcode, 0, added.text);
  const data = added.json.data as Record<string, any>;
  catalogue.set(outProductId, { product_id: String(data.product_id), sku_id: String(data.skus[0].sku_id) });
  if (approve) {
    const decided = await admin(sb.url, 'POST', `/apps/${APPID}/products/audit`, { out_product_id: outProductId, decision: 'approve' });
    assert.equal(decided.status, 200, JSON.stringify(decided.json));
  }
}

before(async () => {
  sb = await startSandbox();
  token = await getToken(sb.url);
  [buyer] = await buyers(sb.url);
  image = await uploadImage(sb.url, token);
  // On sale (5), delisted after approval (11), never approved (0), presale on sale (5).
  await addProduct('CAT-ON', true);
  await addProduct('CAT-OFF', true);
  assert.equal((await call(sb.url, '/shop/spu/delisting', { out_product_id: 'CAT-OFF' }, { token })).json.errcode, 0);
  await addProduct('CAT-NEW', false);
  await addProduct('CAT-PRE', true, { product_type: 1 });
});
after(() => sb.close());

/** Builds a 2022 order with one line (1000 fen, one unit, no freight). `line` overrides its members. */
async function oneLine(outOrderId: string, line: Record<string, unknown>, price: Record<string, unknown> = {}) {
  const body: Record<string, any> = await v2Order(sb.url, buyer, outOrderId);
  body.order_detail = {
    product_infos: [{ out_product_id: 'P-9', out_sku_id: 'S-9', product_cnt: 1, sale_price: 1000, sku_real_price: 1000, path: 'pages/goods?id=P-9', title: '积木', head_img: 'https://mmecimage.cn/p/x/9', ...line }],
    pay_info: { pay_method_type: 0 },
    price_info: { order_price: 1000, freight: 0, ...price },
  };
  return body;
}

/** Builds the ids of a catalogue product's line: merchant ids, optionally with platform ids. */
function catalogueLine(outProductId: string, withIds: boolean): Record<string, unknown> {
  const ids = catalogue.get(outProductId)!;
  return {
    out_product_id: outProductId,
    out_sku_id: `${outProductId}-S1`,
    ...(withIds ? { product_id: Number(ids.product_id), sku_id: Number(ids.sku_id) } : {}),
  };
}

/** Asserts that the order was not stored: order/get returns 1010011. */
async function assertNoOrder(outOrderId: string): Promise<void> {
  assertError(await call(sb.url, '/shop/order/get', { out_order_id: outOrderId, openid: buyer }, { token }), 1010011, MESSAGE.orderMissing);
}

async function addFault(rule: Record<string, unknown>): Promise<void> {
  const response = await admin(sb.url, 'POST', '/faults', rule);
  assert.equal(response.status, 201, JSON.stringify(response.json));
}

describe('order/add checks lines that name platform ids', () => {
  test('1010002: a product_id or sku_id the shop does not have', async () => {
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C2-1', { product_id: 999999 }), { token }), 1010002, MESSAGE.productUnknown);
    await assertNoOrder('C2-1');
    const unknownSku = { ...catalogueLine('CAT-ON', true), sku_id: 123 };
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C2-2', unknownSku), { token }), 1010002, MESSAGE.productUnknown);
    await assertNoOrder('C2-2');
    // A sku_id on a line whose product is not in the catalogue.
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C2-3', { sku_id: 777 }), { token }), 1010002, MESSAGE.productUnknown);
    await assertNoOrder('C2-3');
  });

  test('1010008: a named product that is not on sale, delisted or never approved', async () => {
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C8-1', catalogueLine('CAT-OFF', true)), { token }), 1010008, MESSAGE.notOnSale);
    await assertNoOrder('C8-1');
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C8-2', catalogueLine('CAT-NEW', true)), { token }), 1010008, MESSAGE.notOnSale);
    await assertNoOrder('C8-2');
    // The same product named only by merchant ids is not checked (orders may hold any product).
    await addOrder(sb.url, token, await oneLine('C8-3', catalogueLine('CAT-OFF', false)));
  });

  test('a line naming a product on sale is stored with its platform ids', async () => {
    await addOrder(sb.url, token, await oneLine('C8-4', catalogueLine('CAT-ON', true)));
    const line = (await getOrder(sb.url, token, 'C8-4', buyer)).order_detail.product_infos[0];
    assert.equal(String(line.product_id), catalogue.get('CAT-ON')!.product_id);
    assert.equal(String(line.sku_id), catalogue.get('CAT-ON')!.sku_id);
  });
});

describe('order/add display fields and presale amounts', () => {
  test('1010015: an empty title or head_img on a line without an approved product', async () => {
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C15-1', { title: '' }), { token }), 1010015, MESSAGE.displayFields);
    await assertNoOrder('C15-1');
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C15-2', { ...catalogueLine('CAT-NEW', false), head_img: '' }), { token }), 1010015, MESSAGE.displayFields);
    await assertNoOrder('C15-2');
  });

  test('empty display fields of an approved product come from its approved copy', async () => {
    await addOrder(sb.url, token, await oneLine('C15-3', { ...catalogueLine('CAT-ON', false), title: '', head_img: '' }));
    const line = (await getOrder(sb.url, token, 'C15-3', buyer)).order_detail.product_infos[0];
    assert.equal(line.title, productBody('CAT-ON', image).title);
    assert.equal(line.head_img, image);
  });

  test('1010025: a presale product needs deposit_price and balance_price', async () => {
    const presale = catalogueLine('CAT-PRE', false);
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C25-1', presale), { token }), 1010025, MESSAGE.presale);
    await assertNoOrder('C25-1');
    assertError(await call(sb.url, '/shop/order/add', await oneLine('C25-2', presale, { deposit_price: 100 }), { token }), 1010025, MESSAGE.presale);
    await assertNoOrder('C25-2');
    await addOrder(sb.url, token, await oneLine('C25-3', presale, { deposit_price: 100, balance_price: 900 }));
    assert.equal((await getOrder(sb.url, token, 'C25-3', buyer)).status, 10);
  });
});

describe('order/add field errors of the remaining top-level fields (sandbox-chosen codes)', () => {
  const fieldError = (field: string) => `${field}字段异常,请检查json及字段合法性`;

  test('1010010: order_detail that is not an object', async () => {
    for (const [index, value] of (['lines', [1, 2], 7] as const).entries()) {
      assertError(await call(sb.url, '/shop/order/add', await v2Order(sb.url, buyer, `C10-${index}`, { order_detail: value }), { token }), 1010010, fieldError('order_detail'));
      await assertNoOrder(`C10-${index}`);
    }
  });

  test('1010013: out_user_id that is not text', async () => {
    assertError(await call(sb.url, '/shop/order/add', await v2Order(sb.url, buyer, 'C13-1', { out_user_id: { id: 1 } }), { token }), 1010013, fieldError('out_user_id'));
    await assertNoOrder('C13-1');
    assertError(await call(sb.url, '/shop/order/add', await v2Order(sb.url, buyer, 'C13-2', { out_user_id: [1007] }), { token }), 1010013, fieldError('out_user_id'));
    await assertNoOrder('C13-2');
    // A number is written in decimal, as for the other merchant ids.
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'C13-3', { out_user_id: 1007 }));
  });

  test('1010016: scene that is not a number; "" and numeric text pass', async () => {
    for (const [index, value] of (['channels', true, [1177]] as const).entries()) {
      assertError(await call(sb.url, '/shop/order/add', await v1Order(sb.url, buyer, `C16-${index}`, { scene: value }), { token }), 1010016, fieldError('scene'));
      await assertNoOrder(`C16-${index}`);
    }
    await addOrder(sb.url, token, await v1Order(sb.url, buyer, 'C16-OK-1', { scene: '' }));
    await addOrder(sb.url, token, await v1Order(sb.url, buyer, 'C16-OK-2', { scene: '1195' }));
  });

  test('1010017: stringify_64bits_number that is not a boolean', async () => {
    for (const [index, value] of (['yes', 2, {}] as const).entries()) {
      assertError(await call(sb.url, '/shop/order/add', await v2Order(sb.url, buyer, `C17-${index}`, { stringify_64bits_number: value }), { token }), 1010017, fieldError('stringify_64bits_number'));
      await assertNoOrder(`C17-${index}`);
    }
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'C17-OK', { stringify_64bits_number: false }));
  });

  test('1010022: promotion_info that is not an object, or a member that is not text', async () => {
    const withPromotion = async (outOrderId: string, promotion: unknown) => {
      const body: Record<string, any> = await v2Order(sb.url, buyer, outOrderId);
      body.order_detail.promotion_info = promotion;
      return body;
    };
    assertError(await call(sb.url, '/shop/order/add', await withPromotion('C22-1', 'finder'), { token }), 1010022, fieldError('promotion_info'));
    await assertNoOrder('C22-1');
    assertError(await call(sb.url, '/shop/order/add', await withPromotion('C22-2', { finder_username: ['f'] }), { token }), 1010022, fieldError('promotion_info'));
    await assertNoOrder('C22-2');
    await addOrder(sb.url, token, await withPromotion('C22-OK', { finder_username: 'finder-1' }));
  });
});

describe('duplicates and the 2021 ticket flow', () => {
  afterEach(async () => {
    await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { strict_duplicates: false });
  });

  test('1010012 in strict_duplicates mode; the first version stays', async () => {
    const first = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'C12-1'));
    const set = await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { strict_duplicates: true });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.equal(set.json.app.settings.strict_duplicates, true);
    const changed = await v2Order(sb.url, buyer, 'C12-1', { path: 'pages/changed' });
    assertError(await call(sb.url, '/shop/order/add', changed, { token }), 1010012, MESSAGE.duplicate);
    // The 2021 flow, which overwrites by default, is refused as well.
    await addOrder(sb.url, token, await v1Order(sb.url, buyer, 'C12-2'));
    assertError(await call(sb.url, '/shop/order/add', await v1Order(sb.url, buyer, 'C12-2', { path: 'pages/changed' }), { token }), 1010012, MESSAGE.duplicate);
    assert.notEqual((await getOrder(sb.url, token, 'C12-2', buyer)).path, 'pages/changed');
    const kept = await getOrder(sb.url, token, 'C12-1', buyer);
    assert.equal(String(kept.order_id), first);
    assert.notEqual(kept.path, 'pages/changed');
    // Off again: the documented keep-first reply with the stored ids.
    await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { strict_duplicates: false });
    assert.equal(await addOrder(sb.url, token, changed), first);
    assert.equal((await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { strict_duplicates: 'yes' })).status, 400);
  });

  test('1030001: a 2021 add that names the order by an empty order_id', async () => {
    for (const [outOrderId, orderId] of [['C30-1', ''], ['C30-2', 0], ['C30-3', null]] as const) {
      assertError(await call(sb.url, '/shop/order/add', await v1Order(sb.url, buyer, outOrderId, { order_id: orderId }), { token }), 1030001, MESSAGE.ticketOrderId);
      await assertNoOrder(outOrderId);
    }
    // The 2022 flow issues no ticket and ignores the member.
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'C30-4', { order_id: '' }));
  });
});

describe('codes reached only through fault rules', () => {
  afterEach(async () => {
    await admin(sb.url, 'DELETE', '/faults');
  });

  test('1030002 on a 2021 add stores nothing; the next add gets its ticket', async () => {
    await addFault({ appid: APPID, path: '/shop/order/add', errcode: 1030002, count: 1 });
    const body = await v1Order(sb.url, buyer, 'F-TICKET');
    assertError(await call(sb.url, '/shop/order/add', body, { token }), 1030002, MESSAGE.ticketFailed);
    await assertNoOrder('F-TICKET');
    const retried = await call(sb.url, '/shop/order/add', body, { token });
    assert.equal(retried.json.errcode, 0, retried.text);
    assert.match(String((retried.json.data as any).ticket), /^ticket_/);
  });

  test('1010006 on a 2021 re-add leaves the stored order as it was', async () => {
    await addOrder(sb.url, token, await v1Order(sb.url, buyer, 'F-UPDATE'));
    await addFault({ appid: APPID, path: '/shop/order/add', errcode: 1010006, count: 1 });
    assertError(await call(sb.url, '/shop/order/add', await v1Order(sb.url, buyer, 'F-UPDATE', { path: 'pages/changed' }), { token }), 1010006, MESSAGE.updateFailed);
    assert.notEqual((await getOrder(sb.url, token, 'F-UPDATE', buyer)).path, 'pages/changed');
    await addFault({ appid: APPID, path: '/shop/order/pay', errcode: 1010006, count: 1 });
    const pay = { out_order_id: 'F-UPDATE', openid: buyer, action_type: 1, transaction_id: '4200000000000000000000000001', pay_time: chinaTime(await clockNow(sb.url)) };
    assertError(await call(sb.url, '/shop/order/pay', pay, { token }), 1010006, MESSAGE.updateFailed);
    assert.equal((await getOrder(sb.url, token, 'F-UPDATE', buyer)).status, 10);
    assert.equal((await call(sb.url, '/shop/order/pay', pay, { token })).json.errcode, 0);
  });

  test('1010044 and 1010045 on getpaymentparams; the order still waits for payment', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'F-PAY'));
    const request = { out_order_id: 'F-PAY', openid: buyer };
    await addFault({ appid: APPID, path: '/shop/order/getpaymentparams', errcode: 1010045, count: 1 });
    assertError(await call(sb.url, '/shop/order/getpaymentparams', request, { token }), 1010045, MESSAGE.paymentParams);
    await addFault({ appid: APPID, path: '/shop/order/getpaymentparams', errcode: 1010044, count: 1 });
    assertError(await call(sb.url, '/shop/order/getpaymentparams', request, { token }), 1010044, MESSAGE.paymentRefused);
    assert.equal((await getOrder(sb.url, token, 'F-PAY', buyer)).status, 10);
    assert.equal((await call(sb.url, '/shop/order/getpaymentparams', request, { token })).json.errcode, 0);
  });

  test('1010051 on getpaymentparams: order/add refuses a zero price, so only a fault rule reaches it', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'F-ZERO'));
    await addFault({ appid: APPID, path: '/shop/order/getpaymentparams', errcode: 1010051, count: 1 });
    assertError(await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'F-ZERO', openid: buyer }, { token }), 1010051, MESSAGE.zeroPrice);
    assert.equal((await getOrder(sb.url, token, 'F-ZERO', buyer)).status, 10);
  });

  test('2747003 and 2747026 on ecaftersale/add, sent without a rid; nothing is stored', async () => {
    const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'F-AS'));
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`)).status, 200);
    const body = { out_order_id: 'F-AS', openid: buyer, type: 1, product_info: { out_product_id: 'P-2', out_sku_id: 'S-2', product_cnt: 1 }, orderamt: 100, refund_reason: '不想要了', refund_reason_type: 2 };
    await addFault({ appid: APPID, path: '/shop/ecaftersale/add', errcode: 2747003, count: 1 });
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', body, { token }), 2747003, MESSAGE.imageConversion);
    await addFault({ appid: APPID, path: '/shop/ecaftersale/add', errcode: 2747026, count: 1 });
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', body, { token }), 2747026, MESSAGE.busyOrder);
    const list = await call(sb.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 50, out_order_id: 'F-AS' }, { token });
    assert.deepEqual(list.json.after_sales_orders, []);
  });

  test('1070003 and 1070004 on img/upload, 1090017 on a coupon write', async () => {
    const upload = () => {
      const form = new FormData();
      form.set('media', new Blob([PNG_BYTES], { type: 'image/png' }), 'pixel.png');
      return call(sb.url, '/shop/img/upload', undefined, { token, raw: form, query: { resp_type: '1', upload_type: '0' } });
    };
    await addFault({ appid: APPID, path: '/shop/img/upload', errcode: 1070003, count: 1 });
    assertError(await upload(), 1070003, MESSAGE.uploadReply);
    await addFault({ appid: APPID, path: '/shop/img/upload', errcode: 1070004, count: 1 });
    assertError(await upload(), 1070004, MESSAGE.encrypt);
    assert.equal((await upload()).json.errcode, 0);
    // No delete API exists; the rule sits on the coupon status write, the nearest to a delete.
    await addFault({ appid: APPID, path: '/shop/coupon/update_status', errcode: 1090017, count: 1 });
    assertError(await call(sb.url, '/shop/coupon/update_status', { out_coupon_id: 'NONE', status: 3 }, { token }), 1090017, MESSAGE.couponDelete);
  });
});

describe('observed answers', () => {
  test('getpaymentparams with a form-encoded body answers 1010014', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'FORM-1'));
    const form = `out_order_id=FORM-1&openid=${encodeURIComponent(buyer)}`;
    const response = await call(sb.url, '/shop/order/getpaymentparams', undefined, { token, raw: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assertError(response, 1010014, MESSAGE.openidForeign);
    assert.equal((await getOrder(sb.url, token, 'FORM-1', buyer)).status, 10);
  });

  test('acceptrefund with an out_order_id as out_aftersale_id answers 9700206 without a rid', async () => {
    const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'AS-ID-1'));
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`)).status, 200);
    const wrong = await call(sb.url, '/shop/ecaftersale/acceptrefund', { out_aftersale_id: 'AS-ID-1' }, { token });
    assert.equal(wrong.json.errcode, 9700206, wrong.text);
    assert.equal(wrong.json.errmsg, '外部售后单号不合法');
    const unknown = await call(sb.url, '/shop/ecaftersale/acceptrefund', { out_aftersale_id: 'NO-SUCH-AFTERSALE' }, { token });
    assert.equal(unknown.json.errcode, 2747007, unknown.text);
    assert.equal((await getOrder(sb.url, token, 'AS-ID-1', buyer)).status, 20);
  });

  test('10 concurrent identical 2022 adds all answer 0 with the stored ids', async () => {
    const body = await v2Order(sb.url, buyer, 'RACE-ADD-1');
    const responses: WireResponse[] = await Promise.all(Array.from({ length: 10 }, () => call(sb.url, '/shop/order/add', body, { token })));
    for (const response of responses) assert.equal(response.json.errcode, 0, response.text);
    const ids = new Set(responses.map((response) => String((response.json.data as any).order_id)));
    assert.equal(ids.size, 1, [...ids].join(', '));
    const stored = await admin(sb.url, 'GET', `/apps/${APPID}/orders?limit=100`);
    const matching = (stored.json.orders as any[]).filter((order) => order.out_order_id === 'RACE-ADD-1');
    assert.equal(matching.length, 1);
    assert.equal(String((await getOrder(sb.url, token, 'RACE-ADD-1', buyer)).order_id), [...ids][0]);
  });

  test('25 concurrent identical 2021 adds all answer 0 with one order', async () => {
    const body = await v1Order(sb.url, buyer, 'RACE-ADD-2');
    const responses: WireResponse[] = await Promise.all(Array.from({ length: 25 }, () => call(sb.url, '/shop/order/add', body, { token })));
    for (const response of responses) assert.equal(response.json.errcode, 0, response.text);
    const ids = new Set(responses.map((response) => String((response.json.data as any).order_id)));
    assert.equal(ids.size, 1, [...ids].join(', '));
    const order = await getOrder(sb.url, token, 'RACE-ADD-2', buyer);
    assert.equal(String(order.order_id), [...ids][0]);
    assert.equal(order.status, 10);
  });

  test('out_order_id of the wrong type matches no order', async () => {
    // A U+0000 in an id arrives as U+FFFD, so this order is stored under "\ufffd".
    const orderId = await addOrder(sb.url, token, await v1Order(sb.url, buyer, '\u0000'));
    for (const wrong of [{}, [], true, 1e300]) {
      const key = { out_order_id: wrong, openid: buyer };
      assertError(await call(sb.url, '/shop/order/get', key, { token }), 1010011, MESSAGE.orderMissing);
      assertError(await call(sb.url, '/shop/order/close', key, { token }), 1010011, MESSAGE.orderMissing);
    }
    const stored = await call(sb.url, '/shop/order/get', { order_id: orderId, openid: buyer }, { token });
    assert.equal(stored.json.errcode, 0, stored.text);
    assert.equal((stored.json.order as any).out_order_id, '\ufffd');
    assert.equal((stored.json.order as any).status, 10);
  });

  test('2747026 is advised as retryable after a wait', () => {
    assert.equal(explain(2747026)?.retry, 'backoff');
  });
});

describe('delivery/send treats an absent delivery_list like an empty one', () => {
  async function paid(outOrderId: string): Promise<void> {
    const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer, outOrderId));
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`)).status, 200);
  }
  const parcel = (waybill: string, lines: [string, string, number][]) => ({
    delivery_id: 'SF',
    waybill_id: waybill,
    product_info_list: lines.map(([p, s, n]) => ({ out_product_id: p, out_sku_id: s, product_cnt: n })),
  });

  test('a partial shipment needs parcels; the final call may bring none once every line is sent', async () => {
    await paid('DL-1');
    const base = { out_order_id: 'DL-1', openid: buyer };
    const done = chinaTime(await clockNow(sb.url));
    for (const list of [{}, { delivery_list: [] }]) {
      assertError(await call(sb.url, '/shop/delivery/send', { ...base, finish_all_delivery: 0, ...list }, { token }), 990007, MESSAGE.empty);
      assertError(await call(sb.url, '/shop/delivery/send', { ...base, finish_all_delivery: 1, ship_done_time: done, ...list }, { token }), 1010042, MESSAGE.linesWithoutParcel);
    }
    assert.equal((await getOrder(sb.url, token, 'DL-1', buyer)).status, 20);
    const part = await call(sb.url, '/shop/delivery/send', { ...base, finish_all_delivery: 0, delivery_list: [parcel('SF-DL-1', [['P-1', 'S-1', 2], ['P-2', 'S-2', 1]])] }, { token });
    assert.equal(part.json.errcode, 0, part.text);
    const finish = await call(sb.url, '/shop/delivery/send', { ...base, finish_all_delivery: 1, ship_done_time: done }, { token });
    assert.equal(finish.json.errcode, 0, finish.text);
    assert.equal((await getOrder(sb.url, token, 'DL-1', buyer)).status, 30);

    await paid('DL-2');
    const again = { out_order_id: 'DL-2', openid: buyer };
    assert.equal((await call(sb.url, '/shop/delivery/send', { ...again, finish_all_delivery: 0, delivery_list: [parcel('SF-DL-2', [['P-1', 'S-1', 2], ['P-2', 'S-2', 1]])] }, { token })).json.errcode, 0);
    const empty = await call(sb.url, '/shop/delivery/send', { ...again, finish_all_delivery: 1, ship_done_time: done, delivery_list: [] }, { token });
    assert.equal(empty.json.errcode, 0, empty.text);
    assert.equal((await getOrder(sb.url, token, 'DL-2', buyer)).status, 30);
  });
});
