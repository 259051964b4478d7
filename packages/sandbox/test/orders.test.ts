import assert from 'node:assert/strict';
import { parseJson, stringifyJson } from '@wxshop/api';
import { after, before, describe, test } from 'node:test';
import { admin, advanceClock, APPID, call, clockNow, getToken, productBody, startSandbox, uploadImage, type TestSandbox } from './helpers.js';
import { addOrder, assertError, buyers, chinaTime, getOrder, v1Order, v2Order } from './order-support.js';

const MESSAGE = {
  outOrderIdEmpty: 'expecting order_info.out_order_id.size >= 1, actually 0',
  timeFormat: '时间格式错误,请确认交易组件所有接口(包括创建订单接口)传输了正确时间格式 yyyy-MM-dd HH:mm:ss',
  expireInvalid: '订单过期时间非法',
  productInfos: 'product_infos字段异常,请检查json及字段合法性',
  payInfo: 'pay_info字段异常,请检查json及字段合法性',
  priceInfo: 'price_info字段异常,请检查json及字段合法性',
  address: '订单中的address_info字段异常,',
  amounts: '订单金额计算错误',
  traceId: '订单trace_id无效',
  openidForeign: 'openid不属于当前appid',
  orderMissing: '订单不存在',
  idMissing: '订单id缺失',
  statusFlow: '订单状态流转异常',
  fundTypeNot1: '当前订单禁止获取支付参数,请检查fund_type',
  notAwaitingPayment: '订单状态不允许支付',
  payForbidden: '资金受控(fund_type=1)订单不需要同步支付结果',
  transactionId: 'transaction_id异常',
  openidInvalid: 'OPENID非法',
  closeNotUnpaid: '订单非待支付状态',
  pageSize: 'page_size超过上限',
  timeRange: '开始时间不能晚于结束时间',
  empty: '',
} as const;

let sb: TestSandbox;
let token: string;
let buyer: string;
let otherBuyer: string;

before(async () => {
  sb = await startSandbox();
  token = await getToken(sb.url);
  [buyer, otherBuyer] = await buyers(sb.url);
});
after(() => sb.close());

async function outbox(): Promise<{ event: string; payload: any }[]> {
  const rows = await sb.sandbox.services.storage.db.selectFrom('outbox').select(['event', 'payload']).where('appid', '=', APPID).orderBy('id').execute();
  return rows.map((row) => ({ event: row.event, payload: parseJson(row.payload) as any }));
}

describe('order/add (2022 flow)', () => {
  test('19-digit order_id round-trips exactly', async () => {
    const response = await call(sb.url, '/shop/order/add', await v2Order(sb.url, buyer, 'BIG-1'), { token });
    assert.equal(response.json.errcode, 0, response.text);
    const data = response.json.data as Record<string, unknown>;
    assert.equal(typeof data.order_id, 'bigint', 'order_id is parsed as a bigint, so it is above 2^53');
    const orderId = data.order_id as bigint;
    assert.equal(orderId.toString().length, 19);
    assert.match(response.text, new RegExp(`"order_id":${orderId}[,}]`), 'emitted as a bare JSON number');

    const byId = await call(sb.url, '/shop/order/get', undefined, { token, raw: stringifyJson({ order_id: orderId, openid: buyer }) });
    assert.equal(byId.json.errcode, 0, byId.text);
    const order = byId.json.order as Record<string, any>;
    assert.equal(order.order_id, orderId);
    assert.equal(order.status, 10);
    assert.equal(order.fund_type, 1);
    assert.equal(order.order_detail.product_infos[0].sku_real_price, 1800);

    const list = await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 10, sort_order: 1 }, { token });
    assert.equal(list.json.errcode, 0, list.text);
    assert.ok((list.json.orders as any[]).some((item) => item.order_id === orderId));
  });

  test('stringify_64bits_number returns order_id as a string', async () => {
    const response = await call(sb.url, '/shop/order/add', await v2Order(sb.url, buyer, 'STR-1', { stringify_64bits_number: true }), { token });
    assert.equal(response.json.errcode, 0, response.text);
    assert.match(String((response.json.data as any).order_id), /^\d{19}$/);
    assert.equal(typeof (response.json.data as any).order_id, 'string');
  });

  test('a repeated out_order_id keeps the first version', async () => {
    const first = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'KEEP-1'));
    const body = await v2Order(sb.url, buyer, 'KEEP-1', { path: 'pages/changed' });
    const second = await addOrder(sb.url, token, body);
    assert.equal(second, first);
    assert.equal((await getOrder(sb.url, token, 'KEEP-1', buyer)).path, 'pages/order/detail?id=KEEP-1');
  });

  test('when order_id and out_order_id are both given they must name the same order', async () => {
    const first = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'PAIR-1'));
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'PAIR-2'));
    const mismatched = await call(sb.url, '/shop/order/get', undefined, { token, raw: stringifyJson({ order_id: BigInt(first), out_order_id: 'PAIR-2', openid: buyer }) });
    assertError(mismatched, 1010011, MESSAGE.orderMissing);
    // A client that lost precision sends a rounded order_id.
    const rounded = await call(sb.url, '/shop/order/get', { order_id: Number(first), out_order_id: 'PAIR-1', openid: buyer }, { token });
    assertError(rounded, 1010011, MESSAGE.orderMissing);
    const matched = await call(sb.url, '/shop/order/get', undefined, { token, raw: stringifyJson({ order_id: BigInt(first), out_order_id: 'PAIR-1', openid: buyer }) });
    assert.equal(matched.json.errcode, 0);
  });

  const cases: [string, (body: any) => void, number, string][] = [
    ['empty out_order_id', (body) => (body.out_order_id = ''), 990013, MESSAGE.outOrderIdEmpty],
    ['an out_order_id of 128 characters', (body) => (body.out_order_id = 'X'.repeat(128)), 990008, MESSAGE.empty],
    ['no create_time', (body) => delete body.create_time, 1010020, 'create_time缺失'],
    ['no path', (body) => delete body.path, 1010021, '订单path缺失'],
    ['a line without path', (body) => delete body.order_detail.product_infos[0].path, 1010024, '商品path缺失'],
    ['pay_method_type 3', (body) => (body.order_detail.pay_info.pay_method_type = 3), 1010026, 'pay_method_type非法'],
    ['delivery_type 5', (body) => (body.delivery_detail.delivery_type = 5), 1010023, 'delivery_detail字段异常'],
    ['no logistics on a fund_type 1 order', (body) => (body.delivery_detail.delivery_type = 2), 1010023, 'delivery_detail字段异常'],
    ['create_time as a timestamp', (body) => (body.create_time = 1650000000), 990018, MESSAGE.timeFormat],
    ['create_time without seconds', (body) => (body.create_time = body.create_time.slice(0, 16)), 1010039, MESSAGE.expireInvalid],
    ['expire_time equal to create_time', (body) => (body.expire_time = Math.floor(Date.parse(body.create_time.replace(' ', 'T') + '+08:00') / 1000)), 1010039, MESSAGE.expireInvalid],
    ['expire_time 25 days after create_time', (body) => (body.expire_time += 25 * 86400), 1010039, MESSAGE.expireInvalid],
    ['no product_infos', (body) => delete body.order_detail.product_infos, 1010003, MESSAGE.productInfos],
    ['a line without sku_real_price', (body) => delete body.order_detail.product_infos[0].sku_real_price, 1010003, MESSAGE.productInfos],
    ['pay_info absent', (body) => delete body.order_detail.pay_info, 1010004, MESSAGE.payInfo],
    ['price_info spelt price_Info', (body) => ((body.order_detail.price_Info = body.order_detail.price_info), delete body.order_detail.price_info), 1010005, MESSAGE.priceInfo],
    ['a zero-price order', (body) => {
      body.order_detail.product_infos = [{ ...body.order_detail.product_infos[0], product_cnt: 1, sale_price: 0, sku_real_price: 0 }];
      body.order_detail.price_info = { order_price: 0, freight: 0 };
    }, 1010005, MESSAGE.priceInfo],
    ['address_info inside order_detail', (body) => ((body.order_detail.address_info = body.address_info), delete body.address_info), 1010009, MESSAGE.address],
    ['an unknown trace_id', (body) => (body.trace_id = 'not-issued'), 1010061, MESSAGE.traceId],
    ['sku_real_price per unit instead of per line', (body) => (body.order_detail.product_infos[0].sku_real_price = 900), 1010040, MESSAGE.amounts],
    ['a discount outside the lines', (body) => (body.order_detail.product_infos[0].sku_real_price = 2000), 1010040, MESSAGE.amounts],
    ['an openid of no buyer', (body) => (body.openid = 'oAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 1010014, MESSAGE.openidForeign],
    ['a malformed openid', (body) => (body.openid = 'not-an-openid'), 1010014, MESSAGE.openidForeign],
  ];
  for (const [name, mutate, errcode, message] of cases) {
    test(`refuses ${name} with ${errcode} and stores nothing`, async () => {
      const outOrderId = `BAD-${errcode}-${name.replace(/\W+/g, '-')}`;
      const body = await v2Order(sb.url, buyer, outOrderId);
      mutate(body);
      const stored = () => sb.sandbox.services.storage.db.selectFrom('orders').select('order_id').where('out_order_id', '=', String(body.out_order_id)).execute();
      assertError(await call(sb.url, '/shop/order/add', body, { token }), errcode, message);
      assert.equal((await stored()).length, 0);
    });
  }

  test('the documentation sample fails the second equation (1010040)', async () => {
    const body: any = await v2Order(sb.url, buyer, 'DOC-SAMPLE');
    body.order_detail.product_infos = [{ ...body.order_detail.product_infos[0], product_cnt: 10, sale_price: 100, sku_real_price: 1000 }];
    body.order_detail.price_info = { order_price: 1600, freight: 500, discounted_price: 100, additional_price: 200 };
    assertError(await call(sb.url, '/shop/order/add', body, { token }), 1010040, MESSAGE.amounts);
  });

  test('a non-JSON body is reported as the price_info error, as on the platform', async () => {
    assertError(await call(sb.url, '/shop/order/add', undefined, { token, raw: '{"out_order_id": "X",}' }), 1010005, MESSAGE.priceInfo);
  });

  test('an openid of another app is refused with 1010014', async () => {
    const created = await admin(sb.url, 'POST', '/apps', {});
    const foreign = (await buyers(sb.url, created.json.app.appid))[0]!;
    assert.notEqual(foreign, buyer, 'the same person has another openid in another app');
    assertError(await call(sb.url, '/shop/order/add', await v2Order(sb.url, foreign, 'FOREIGN-1'), { token }), 1010014, MESSAGE.openidForeign);
  });

  test('numeric strings are accepted and a trace_id issued to the buyer passes', async () => {
    const issued = await admin(sb.url, 'POST', `/apps/${APPID}/buyers/${buyer}/trace_id`);
    const body: any = await v2Order(sb.url, buyer, 'LENIENT-1', { fund_type: '1', trace_id: issued.json.trace_id });
    body.expire_time = String(body.expire_time);
    body.order_detail.product_infos[1].product_cnt = '1';
    body.order_detail.price_info.order_price = '2800';
    await addOrder(sb.url, token, body);
    assert.ok((await outboxEvents()).includes('open_product_order_analyze'));
    // The same trace_id used by another buyer is refused.
    const other = await v2Order(sb.url, otherBuyer, 'LENIENT-2', { trace_id: issued.json.trace_id });
    assertError(await call(sb.url, '/shop/order/add', other, { token }), 1010061, MESSAGE.traceId);
  });
});

async function outboxEvents(): Promise<string[]> {
  return (await outbox()).map((item) => item.event);
}

describe('payment', () => {
  test('getpaymentparams, the buyer pays, and the pay event carries the spec fields', async () => {
    const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'PAY-1'));
    const params = await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'PAY-1', openid: buyer }, { token });
    assert.equal(params.json.errcode, 0, params.text);
    const payment = params.json.payment_params as Record<string, unknown>;
    assert.equal(typeof payment.timeStamp, 'number');
    assert.match(String(payment.package), /^prepay_id=wx\w+$/);
    for (const key of ['nonceStr', 'paySign', 'signType']) assert.equal(typeof payment[key], 'string');

    const paid = await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`);
    assert.equal(paid.status, 200, JSON.stringify(paid.json));
    assert.equal(paid.json.order.status, 20);
    const event = (await outbox()).filter((item) => item.event === 'open_product_order_pay').at(-1)!;
    const info = event.payload.order_info;
    assert.equal(info.out_order_id, 'PAY-1');
    assert.equal(String(info.order_id), orderId, 'the event carries the exact 19-digit id');
    assert.match(info.transaction_id, /^4200\d{24}$/);
    assert.equal(info.amount, 2800);
    assert.equal(info.sp_openid, buyer);
    assert.match(info.pay_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    assertError(await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'PAY-1', openid: buyer }, { token }), 1010043, MESSAGE.notAwaitingPayment);
    assertError(await call(sb.url, '/shop/order/pay', { out_order_id: 'PAY-1', openid: buyer, action_type: 1, transaction_id: 'x', pay_time: chinaTime(Date.now()) }, { token }), 1010050, MESSAGE.payForbidden);
    assert.equal((await getOrder(sb.url, token, 'PAY-1', buyer)).status, 20);
  });

  test('getpaymentparams checks ids, openid and fund_type', async () => {
    await addOrder(sb.url, token, await v1Order(sb.url, buyer, 'V1-GPP'));
    assertError(await call(sb.url, '/shop/order/getpaymentparams', { openid: buyer }, { token }), 1010001, MESSAGE.idMissing);
    assertError(await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'V1-GPP' }, { token }), 1010014, MESSAGE.openidForeign);
    assertError(await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'V1-GPP', openid: otherBuyer }, { token }), 1010011, MESSAGE.orderMissing);
    assertError(await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'V1-GPP', openid: buyer }, { token }), 1010047, MESSAGE.fundTypeNot1);
  });

  test('the 2021 flow: ticket, cashier, order/pay with every action_type', async () => {
    const response = await call(sb.url, '/shop/order/add', await v1Order(sb.url, buyer, 'V1-1'), { token });
    assert.equal(response.json.errcode, 0, response.text);
    const data = response.json.data as Record<string, unknown>;
    assert.match(String(data.ticket), /^ticket_/);
    assert.equal(data.final_price, 2800);
    assert.match(String(data.ticket_expire_time), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const noPrepay = await v1Order(sb.url, buyer, 'V1-NOPREPAY');
    delete (noPrepay.order_detail.pay_info as any).prepay_id;
    assertError(await call(sb.url, '/shop/order/add', noPrepay, { token }), 1010004, MESSAGE.payInfo);

    const paid = await admin(sb.url, 'POST', `/apps/${APPID}/orders/V1-1/pay`);
    assert.equal(paid.json.order.status, 11, 'paid at the cashier, waiting for order/pay');
    const base = { out_order_id: 'V1-1', openid: buyer };
    assertError(await call(sb.url, '/shop/order/pay', { ...base, action_type: 1, pay_time: chinaTime(Date.now()) }, { token }), 1010007, MESSAGE.transactionId);
    assertError(await call(sb.url, '/shop/order/pay', { ...base, action_type: 1, transaction_id: '4200000000000000000000000001', pay_time: 'yesterday' }, { token }), 990018, MESSAGE.timeFormat);
    const ok = await call(sb.url, '/shop/order/pay', { ...base, action_type: 1, transaction_id: '4200000000000000000000000001', pay_time: chinaTime(Date.now()) }, { token });
    assert.equal(ok.json.errcode, 0, ok.text);
    const order = await getOrder(sb.url, token, 'V1-1', buyer);
    assert.equal(order.status, 20);
    assert.equal(order.order_detail.pay_info.transaction_id, '4200000000000000000000000001');
    assertError(await call(sb.url, '/shop/order/pay', { ...base, action_type: 3 }, { token }), 1000000, MESSAGE.statusFlow);

    for (const actionType of [2, 3, 4, 5, 10]) {
      const outOrderId = `V1-CANCEL-${actionType}`;
      await addOrder(sb.url, token, await v1Order(sb.url, buyer, outOrderId));
      const cancelled = await call(sb.url, '/shop/order/pay', { out_order_id: outOrderId, openid: buyer, action_type: actionType, action_remark: '测试' }, { token });
      assert.equal(cancelled.json.errcode, 0, cancelled.text);
      assert.equal((await getOrder(sb.url, token, outOrderId, buyer)).status, 250);
    }
    assertError(await call(sb.url, '/shop/order/pay', undefined, { token, raw: 'action_type=1' }), 990001, MESSAGE.openidInvalid);
  });

  test('order/close cancels an unpaid order and emits open_product_order_cancel; a second close is 1010027', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'CLOSE-1'));
    const closed = await call(sb.url, '/shop/order/close', { out_order_id: 'CLOSE-1', openid: buyer }, { token });
    assert.equal(closed.json.errcode, 0, closed.text);
    assert.equal((await getOrder(sb.url, token, 'CLOSE-1', buyer)).status, 250);
    assert.equal((await outbox()).at(-1)!.event, 'open_product_order_cancel');
    assertError(await call(sb.url, '/shop/order/close', { out_order_id: 'CLOSE-1', openid: buyer }, { token }), 1010027, MESSAGE.closeNotUnpaid);
  });
});

describe('expiry by the sandbox clock', () => {
  test('unpaid order expires to 181', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'EXPIRE-1'));
    await advanceClock(sb.url, 3601);
    const order = await getOrder(sb.url, token, 'EXPIRE-1', buyer);
    assert.equal(order.status, 181);
    const cancel = (await outbox()).filter((item) => item.event === 'open_product_order_cancel').at(-1)!;
    assert.equal(cancel.payload.order_info.out_order_id, 'EXPIRE-1');
    assertError(await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'EXPIRE-1', openid: buyer }, { token }), 1010043, MESSAGE.notAwaitingPayment);
    const paid = await admin(sb.url, 'POST', `/apps/${APPID}/orders/EXPIRE-1/pay`);
    assert.equal(paid.status, 409);
  });
});

describe('order lists', () => {
  test('get_list pages, sorts and filters by create_time; refuses oversized pages and reversed ranges', async () => {
    const first = await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 2, sort_order: 2 }, { token });
    assert.equal(first.json.errcode, 0, first.text);
    const total = first.json.total_num as number;
    assert.ok(total >= 4);
    assert.equal((first.json.orders as any[]).length, 2);
    const descending = await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 100, sort_order: 1 }, { token });
    const ascending = await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 100, sort_order: 2 }, { token });
    assert.deepEqual((descending.json.orders as any[]).map((order) => order.out_order_id), (ascending.json.orders as any[]).map((order) => order.out_order_id).reverse());
    const future = chinaTime((await clockNow(sb.url)) + 2 * 86400 * 1000);
    const none = await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 10, sort_order: 1, start_create_time: future }, { token });
    assert.equal(none.json.total_num, 0);
    assertError(await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 101, sort_order: 1 }, { token }), 990005, MESSAGE.pageSize);
    assertError(await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 10, start_create_time: future, end_create_time: chinaTime(Date.now() - 86400000) }, { token }), 990009, MESSAGE.timeRange);
    assertError(await call(sb.url, '/shop/order/get_list', { page: 0, page_size: 10 }, { token }), 990007, MESSAGE.empty);
  });

  test('get_list total_num matches the rows', async () => {
    const totals = async () => {
      const all = await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 1 }, { token });
      assert.equal(all.json.errcode, 0, all.text);
      // A time range is counted on the rows themselves, not on the kept count.
      const range = { start_create_time: '2000-01-01 00:00:00', end_create_time: chinaTime((await clockNow(sb.url)) + 30 * 86400 * 1000) };
      const counted = await call(sb.url, '/shop/order/get_list', { page: 1, page_size: 1, ...range }, { token });
      assert.equal(counted.json.errcode, 0, counted.text);
      assert.equal(all.json.total_num, counted.json.total_num, 'the kept count and the rows disagree');
      return all.json.total_num as number;
    };
    const start = await totals();
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'COUNT-1'));
    assert.equal(await totals(), start + 1);
    // A repeated 2022 add keeps the first order; a repeated unpaid 2021 add overwrites it.
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'COUNT-1'));
    await addOrder(sb.url, token, await v1Order(sb.url, buyer, 'COUNT-2'));
    await addOrder(sb.url, token, await v1Order(sb.url, buyer, 'COUNT-2'));
    assert.equal(await totals(), start + 2);
    // A rejected add (a buyer of no app) counts nothing.
    const refused = await call(sb.url, '/shop/order/add', await v2Order(sb.url, 'oNOBODY0000000000000000000000', 'COUNT-3'), { token });
    assert.notEqual(refused.json.errcode, 0);
    assert.equal(await totals(), start + 2);
  });

  test('get_list_by_sharer and get_list_by_finder return paid orders of that promoter', async () => {
    const body: any = await v2Order(sb.url, buyer, 'SHARED-1');
    body.order_detail.promotion_info = { sharer_openid: otherBuyer, promoter_id: 'promoter-1', finder_username: 'finder-1' };
    const orderId = await addOrder(sb.url, token, body);
    const before = await call(sb.url, '/shop/order/get_list_by_sharer', { sharer_openid: otherBuyer, page: 1, page_size: 10 }, { token });
    assert.equal(before.json.total_num, 0, 'unpaid orders are not listed');
    await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`);
    const bySharer = await call(sb.url, '/shop/order/get_list_by_sharer', { sharer_openid: otherBuyer, page: 1, page_size: 10 }, { token });
    assert.equal(bySharer.json.total_num, 1, bySharer.text);
    const byFinder = await call(sb.url, '/shop/order/get_list_by_finder', { promoter_id: 'promoter-1', page: 1, page_size: 10 }, { token });
    assert.equal(byFinder.json.total_num, 1, byFinder.text);
    assertError(await call(sb.url, '/shop/order/get_list_by_sharer', { page: 1, page_size: 10 }, { token }), 990004, '缺少openid');
    assertError(await call(sb.url, '/shop/order/get_list_by_sharer', { sharer_openid: 'bad', page: 1, page_size: 10 }, { token }), 990001, MESSAGE.openidInvalid);
    assertError(await call(sb.url, '/shop/order/get_list_by_finder', { page: 1, page_size: 101 }, { token }), 990005, MESSAGE.pageSize);
  });
});

describe('order lines and products', () => {
  test('lines of shop products get platform ids', async () => {
    const image = await uploadImage(sb.url, token);
    const product = await call(sb.url, '/shop/spu/add', productBody('SHOP-P1', image), { token });
    assert.equal(product.json.errcode, 0, product.text);
    const data = product.json.data as any;
    const body: any = await v2Order(sb.url, buyer, 'WITH-PRODUCT');
    body.order_detail.product_infos[0].out_product_id = 'SHOP-P1';
    body.order_detail.product_infos[0].out_sku_id = 'SHOP-P1-S1';
    await addOrder(sb.url, token, body);
    const lines = (await getOrder(sb.url, token, 'WITH-PRODUCT', buyer)).order_detail.product_infos;
    assert.equal(String(lines[0].product_id), String(data.product_id));
    assert.equal(String(lines[0].sku_id), String(data.skus[0].sku_id));
    assert.equal(lines[1].product_id, 0, 'a line of a product the shop never uploaded keeps 0');
  });
});

describe('order/update_address', () => {
  test('changes the address before shipment', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'ADDR-1'));
    const address = { receiver_name: '收件人B', detailed_address: '新地址2号', tel_number: '13900000000' };
    const changed = await call(sb.url, '/shop/order/update_address', { out_order_id: 'ADDR-1', openid: buyer, address_info: address }, { token });
    assert.equal(changed.json.errcode, 0, changed.text);
    assert.equal((await getOrder(sb.url, token, 'ADDR-1', buyer)).address_info.receiver_name, '收件人B');
    assertError(await call(sb.url, '/shop/order/update_address', { out_order_id: 'ADDR-1', openid: buyer, address_info: { receiver_name: 'x' } }, { token }), 1010009, MESSAGE.address);
    await call(sb.url, '/shop/order/close', { out_order_id: 'ADDR-1', openid: buyer }, { token });
    assertError(await call(sb.url, '/shop/order/update_address', { out_order_id: 'ADDR-1', openid: buyer, address_info: address }, { token }), 1000000, MESSAGE.statusFlow);
    assert.equal((await getOrder(sb.url, token, 'ADDR-1', buyer)).address_info.receiver_name, '收件人B');
  });
});
