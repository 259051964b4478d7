import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseJson } from '@wxshop/api';
import { admin, APPID, call, clockNow, getToken, startSandbox, type TestSandbox } from './helpers.js';
import { addOrder, assertError, buyers, chinaTime, getOrder, v1Order, v2Order } from './order-support.js';

const MESSAGE = {
  statusFlow: '订单状态流转异常',
  timeFormat: '时间格式错误,请确认交易组件所有接口(包括创建订单接口)传输了正确时间格式 yyyy-MM-dd HH:mm:ss',
  tooManyParcels: '物流信息数量超过上限',
  notInOrder: '发货商品不存在于订单中',
  waybillEmpty: '请到https://mmbizurl.cn/s/WSt1v0yIe查找',
  linesWithoutParcel: '发货完成失败,存在物流未同步',
  orderMissing: '订单不存在',
  openidForeign: 'openid不属于当前appid',
} as const;

let sb: TestSandbox;
let token: string;
let buyer: string;

before(async () => {
  sb = await startSandbox();
  token = await getToken(sb.url);
  [buyer] = await buyers(sb.url);
});
after(() => sb.close());

async function paidOrder(outOrderId: string): Promise<string> {
  const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer!, outOrderId));
  const paid = await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`);
  assert.equal(paid.status, 200, JSON.stringify(paid.json));
  return orderId;
}

function parcel(waybill: string, lines: [string, string, number][]) {
  return { delivery_id: 'SF', waybill_id: waybill, product_info_list: lines.map(([p, s, n]) => ({ out_product_id: p, out_sku_id: s, product_cnt: n })) };
}

describe('delivery', () => {
  test('concurrent partial shipments of one order all succeed', async () => {
    await paidOrder('PART-RACE-1');
    const units: [string, string, number][] = [['P-1', 'S-1', 1], ['P-1', 'S-1', 1], ['P-2', 'S-2', 1]];
    const responses = await Promise.all(
      units.map((unit, index) => call(sb.url, '/shop/delivery/send', { out_order_id: 'PART-RACE-1', openid: buyer, finish_all_delivery: 0, delivery_list: [parcel(`SF-RACE-${index}`, [unit])] }, { token })),
    );
    for (const response of responses) assert.equal(response.json.errcode, 0, response.text);
    const order = await getOrder(sb.url, token, 'PART-RACE-1', buyer!);
    assert.equal(order.delivery_detail.delivery_list.length, 3);
  });

  test('get_company_list returns company_list at the top level with SF and OTHERS', async () => {
    const response = await call(sb.url, '/shop/delivery/get_company_list', {}, { token });
    assert.equal(response.json.errcode, 0);
    const list = response.json.company_list as { delivery_id: string; delivery_name: string }[];
    assert.ok(list.length >= 30);
    assert.deepEqual(list.find((company) => company.delivery_id === 'SF'), { delivery_id: 'SF', delivery_name: '顺丰速运' });
    assert.ok(list.some((company) => company.delivery_id === 'OTHERS'));
    assert.equal(response.json.data, undefined);
  });

  test('full flow: add, pay, partial and final shipment, recieve, then an aftersale', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer!, 'FLOW-1'));
    const params = await call(sb.url, '/shop/order/getpaymentparams', { out_order_id: 'FLOW-1', openid: buyer }, { token });
    assert.equal(params.json.errcode, 0, params.text);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/FLOW-1/pay`)).json.order.status, 20);

    const base = { out_order_id: 'FLOW-1', openid: buyer };
    const partial = await call(sb.url, '/shop/delivery/send', { ...base, finish_all_delivery: 0, delivery_list: [parcel('SF001', [['P-1', 'S-1', 2]])] }, { token });
    assert.equal(partial.json.errcode, 0, partial.text);
    assert.equal((await getOrder(sb.url, token, 'FLOW-1', buyer!)).status, 21);

    // The final parcel needs ship_done_time; the platform's message blames the order's times.
    const noTime = { ...base, finish_all_delivery: 1, delivery_list: [parcel('SF002', [['P-2', 'S-2', 1]])] };
    assertError(await call(sb.url, '/shop/delivery/send', noTime, { token }), 990018, MESSAGE.timeFormat);
    assert.equal((await getOrder(sb.url, token, 'FLOW-1', buyer!)).status, 21, 'nothing stored');

    const shipped = await call(sb.url, '/shop/delivery/send', { ...noTime, ship_done_time: chinaTime(await clockNow(sb.url)) }, { token });
    assert.equal(shipped.json.errcode, 0, shipped.text);
    const order = await getOrder(sb.url, token, 'FLOW-1', buyer!);
    assert.equal(order.status, 30);
    assert.equal(order.delivery_detail.finish_all_delivery, 1);
    assert.deepEqual(order.delivery_detail.delivery_list.map((item: any) => item.waybill_id), ['SF001', 'SF002']);
    assert.equal(order.order_detail.delivery_detail.delivery_list[0].delivery_name, '顺丰速运');

    const received = await call(sb.url, '/shop/delivery/recieve', base, { token });
    assert.equal(received.json.errcode, 0, received.text);
    const done = await getOrder(sb.url, token, 'FLOW-1', buyer!);
    assert.equal(done.status, 100);
    assert.equal(typeof done.receive_time, 'number');
    assertError(await call(sb.url, '/shop/delivery/recieve', base, { token }), 1000000, MESSAGE.statusFlow);

    const aftersale = await call(sb.url, '/shop/ecaftersale/add', {
      ...base,
      type: 2,
      product_info: { out_product_id: 'P-2', out_sku_id: 'S-2', product_cnt: 1 },
      refund_reason: '不想要了',
      refund_reason_type: 2,
      orderamt: 500,
    }, { token });
    assert.equal(aftersale.json.errcode, 0, aftersale.text);
    const rows = await sb.sandbox.services.storage.db.selectFrom('outbox').select('event').where('appid', '=', APPID).orderBy('id').execute();
    const names = rows.map((row) => row.event);
    for (const name of ['open_product_order_pay', 'open_product_order_confirm', 'aftersale_new_order']) assert.ok(names.includes(name), name);
    const confirm = await sb.sandbox.services.storage.db.selectFrom('outbox').select('payload').where('event', '=', 'open_product_order_confirm').executeTakeFirstOrThrow();
    assert.equal((parseJson(confirm.payload) as any).order_info.out_order_id, 'FLOW-1');
  });

  test('send rejects invalid shipments', async () => {
    await addOrder(sb.url, token, await v2Order(sb.url, buyer!, 'UNPAID-1'));
    const unpaid = { out_order_id: 'UNPAID-1', openid: buyer, finish_all_delivery: 0, delivery_list: [parcel('W1', [['P-1', 'S-1', 1]])] };
    assertError(await call(sb.url, '/shop/delivery/send', unpaid, { token }), 1000000, MESSAGE.statusFlow);

    await paidOrder('SEND-ERR');
    const base = { out_order_id: 'SEND-ERR', openid: buyer, finish_all_delivery: 0 };
    assertError(await call(sb.url, '/shop/delivery/send', { ...base, delivery_list: [parcel('W1', [['P-9', 'S-9', 1]])] }, { token }), 1010019, MESSAGE.notInOrder);
    assertError(await call(sb.url, '/shop/delivery/send', { ...base, delivery_list: [parcel('W1', [['P-1', 'S-1', 3]])] }, { token }), 1010019, MESSAGE.notInOrder);
    assertError(await call(sb.url, '/shop/delivery/send', { ...base, delivery_list: [parcel(' ', [['P-1', 'S-1', 1]])] }, { token }), 1010029, MESSAGE.waybillEmpty);
    const many = Array.from({ length: 21 }, (_, index) => parcel(`W${index}`, [['P-1', 'S-1', 1]]));
    assertError(await call(sb.url, '/shop/delivery/send', { ...base, delivery_list: many }, { token }), 1010018, MESSAGE.tooManyParcels);
    const incomplete = { ...base, finish_all_delivery: 1, ship_done_time: chinaTime(await clockNow(sb.url)), delivery_list: [parcel('W1', [['P-1', 'S-1', 2]])] };
    assertError(await call(sb.url, '/shop/delivery/send', incomplete, { token }), 1010042, MESSAGE.linesWithoutParcel);
    assertError(await call(sb.url, '/shop/delivery/send', { ...base, openid: undefined, delivery_list: [] }, { token }), 1010014, MESSAGE.openidForeign);
    assertError(await call(sb.url, '/shop/delivery/send', { ...base, out_order_id: 'NOPE', delivery_list: [] }, { token }), 1010011, MESSAGE.orderMissing);
    const order = await getOrder(sb.url, token, 'SEND-ERR', buyer!);
    assert.equal(order.status, 20);
    assert.deepEqual(order.delivery_detail.delivery_list, [], 'no refused parcel was stored');
  });

  /** Adds a 2021-flow order with delivery_type 2 (no logistics) and pays it. */
  async function paidNoLogisticsOrder(outOrderId: string, transactionId: string): Promise<void> {
    const body = await v1Order(sb.url, buyer!, outOrderId, { delivery_detail: { delivery_type: 2 } });
    delete (body as any).address_info;
    await addOrder(sb.url, token, body);
    await admin(sb.url, 'POST', `/apps/${APPID}/orders/${outOrderId}/pay`);
    const paid = await call(sb.url, '/shop/order/pay', { out_order_id: outOrderId, openid: buyer, action_type: 1, transaction_id: transactionId, pay_time: chinaTime(Date.now()) }, { token });
    assert.equal(paid.json.errcode, 0, paid.text);
  }

  test('an order that needs no logistics completes on the final send without parcels', async () => {
    await paidNoLogisticsOrder('NOLOG-1', '4200000000000000000000000002');
    const sent = await call(sb.url, '/shop/delivery/send', { out_order_id: 'NOLOG-1', openid: buyer, finish_all_delivery: 1, ship_done_time: chinaTime(Date.now()) }, { token });
    assert.equal(sent.json.errcode, 0, sent.text);
    assert.equal((await getOrder(sb.url, token, 'NOLOG-1', buyer!)).status, 100);
  });

  test('a no-logistics order completes without ship_done_time', async () => {
    await paidNoLogisticsOrder('NOLOG-2', '4200000000000000000000000003');
    const badTime = await call(sb.url, '/shop/delivery/send', { out_order_id: 'NOLOG-2', openid: buyer, finish_all_delivery: 1, ship_done_time: 'soon' }, { token });
    assert.equal(badTime.json.errcode, 990018, 'a ship_done_time that is given must still parse');
    const sent = await call(sb.url, '/shop/delivery/send', { out_order_id: 'NOLOG-2', openid: buyer, finish_all_delivery: 1 }, { token });
    assert.equal(sent.json.errcode, 0, sent.text);
    const order = await getOrder(sb.url, token, 'NOLOG-2', buyer!);
    assert.equal(order.status, 100);
  });
});
