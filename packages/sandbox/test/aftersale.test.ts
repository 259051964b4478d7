import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseJson, stringifyJson } from '@wxshop/api';
import { admin, advanceClock, APPID, call, clockNow, getToken, startSandbox, type TestSandbox, type WireResponse } from './helpers.js';
import { addOrder, assertBareError, assertError, buyers, chinaTime, getOrder, v1Order, v2Order } from './order-support.js';

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

/** A paid fund_type 1 order; `ship` sends every line and confirms receipt. */
async function paidOrder(outOrderId: string, stage: 'paid' | 'shipped' | 'received' = 'paid'): Promise<string> {
  const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer!, outOrderId));
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`)).status, 200);
  if (stage === 'paid') return orderId;
  const sent = await call(sb.url, '/shop/delivery/send', {
    out_order_id: outOrderId,
    openid: buyer,
    finish_all_delivery: 1,
    ship_done_time: chinaTime(await clockNow(sb.url)),
    delivery_list: [{ delivery_id: 'YTO', waybill_id: `YT${outOrderId}`, product_info_list: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 2 }, { out_product_id: 'P-2', out_sku_id: 'S-2', product_cnt: 1 }] }],
  }, { token });
  assert.equal(sent.json.errcode, 0, sent.text);
  if (stage === 'received') assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/confirm`)).status, 200);
  return orderId;
}

function aftersaleBody(outOrderId: string, type: number, orderamt: number, line: 1 | 2 = 1, extra: Record<string, unknown> = {}) {
  return {
    out_order_id: outOrderId,
    openid: buyer,
    type,
    product_info: { out_product_id: `P-${line}`, out_sku_id: `S-${line}`, product_cnt: 1 },
    refund_reason: '质量问题',
    refund_reason_type: 8,
    orderamt,
    ...extra,
  };
}

async function addAftersale(body: unknown): Promise<bigint | number> {
  const response = await call(sb.url, '/shop/ecaftersale/add', body, { token });
  assert.equal(response.json.errcode, 0, response.text);
  return response.json.aftersale_id as number;
}

async function aftersaleStatus(aftersaleId: bigint | number): Promise<number> {
  const response = await call(sb.url, '/shop/ecaftersale/get', { aftersale_id: aftersaleId }, { token });
  assert.equal(response.json.errcode, 0, response.text);
  return (response.json.after_sales_order as any).status;
}

describe('ecaftersale (v2)', () => {
  test('refund only: acceptrefund, 15, then 13; order closes (200)', async () => {
    await paidOrder('RF-1');
    const first = await addAftersale(aftersaleBody('RF-1', 1, 1800));
    const got = await call(sb.url, '/shop/ecaftersale/get', { aftersale_id: first }, { token });
    const info = got.json.after_sales_order as any;
    assert.equal(info.status, 2);
    assert.equal(info.orderamt, 1800);
    assert.match(info.create_time, /^\d{13}$/, 'create_time is a millisecond string');
    assert.equal(String(info.order_id).length, 19);
    const eventsBefore = (await outbox()).length;
    assert.equal((await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: first }, { token })).json.errcode, 0);
    // The platform is refunding (15) until the default delay of 5 sandbox seconds has passed.
    const refunding = (await call(sb.url, '/shop/ecaftersale/get', { aftersale_id: first }, { token })).json.after_sales_order as any;
    assert.equal(refunding.status, 15);
    assert.notEqual(refunding.refund_pay_detail.refund_id, '', 'the refund id exists once the refund starts');
    assert.equal((await outbox()).length, eventsBefore, 'no event until the refund finishes');
    assertError(await call(sb.url, '/shop/ecaftersale/cancel', { aftersale_id: first, openid: buyer }, { token }), 2747008, ' 状态流转失败, detail: 当前状态为(平台退款中),不允许执行操作(用户取消申请).');
    await advanceClock(sb.url, 4);
    assert.equal(await aftersaleStatus(first), 15);
    await advanceClock(sb.url, 1);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(first), 13);
    const done = (await outbox()).slice(eventsBefore);
    assert.deepEqual(done.map((item) => item.event), ['aftersale_refund_success']);
    assert.equal(String(done[0]!.payload.aftersale_info.aftersale_id), String(first));
    assert.equal((await getOrder(sb.url, token, 'RF-1', buyer!)).status, 20);

    // With a refund delay of 0 the refund finishes within acceptrefund, as the sandbox did before.
    assert.equal((await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { refund_delay_seconds: 0 })).status, 200);
    try {
      // The last line of an unshipped order may take the freight back too: 500 + 500.
      const second = await addAftersale(aftersaleBody('RF-1', 1, 1000, 2));
      assert.equal((await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: second }, { token })).json.errcode, 0);
      assert.equal(await aftersaleStatus(second), 13);
      assert.equal((await getOrder(sb.url, token, 'RF-1', buyer!)).status, 200);
    } finally {
      await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { refund_delay_seconds: 5 });
    }
    const names = (await outbox()).map((item) => item.event);
    for (const name of ['aftersale_new_order', 'aftersale_refund_success', 'open_product_order_refund']) assert.ok(names.includes(name), name);
  });

  test('order closes (200) once the last refund completes', async () => {
    await paidOrder('RF-2');
    const first = await addAftersale(aftersaleBody('RF-2', 1, 1800));
    // The first refund has not completed, so this line is not yet the last one: no freight back.
    const second = await addAftersale(aftersaleBody('RF-2', 1, 500, 2));
    for (const id of [first, second]) assert.equal((await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: id }, { token })).json.errcode, 0);
    assert.equal(await aftersaleStatus(first), 15);
    assert.equal(await aftersaleStatus(second), 15);
    assert.equal((await getOrder(sb.url, token, 'RF-2', buyer!)).status, 20, 'no money went back yet');
    const eventsBefore = (await outbox()).length;
    await advanceClock(sb.url, 5);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(first), 13);
    assert.equal(await aftersaleStatus(second), 13);
    assert.equal((await getOrder(sb.url, token, 'RF-2', buyer!)).status, 200);
    const names = (await outbox()).slice(eventsBefore).map((item) => item.event);
    assert.deepEqual(names.filter((name) => name === 'aftersale_refund_success').length, 2);
    assert.ok(names.includes('open_product_order_refund'), names.join(', '));
  });

  test('refund_delay_seconds is a number from 0 to 30 days', async () => {
    for (const wrong of [-1, 'soon', 30 * 86400 + 1, null]) {
      const response = await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { refund_delay_seconds: wrong });
      assert.equal(response.status, 400, JSON.stringify(response.json));
      assert.equal(response.json.error.code, 'invalid_refund_delay_seconds');
    }
    const set = await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { refund_delay_seconds: 5 });
    assert.equal(set.json.app.settings.refund_delay_seconds, 5);
  });

  test('a fractional refund delay is kept to whole milliseconds', async () => {
    // The refund's due time is an integer in the database, and 0.0005 s used to reach PostgreSQL as a fraction.
    assert.equal((await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { refund_delay_seconds: 0.0005 })).status, 200);
    try {
      await paidOrder('RF-FRACTION');
      const id = await addAftersale(aftersaleBody('RF-FRACTION', 1, 1800));
      const accepted = await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: id }, { token });
      assert.equal(accepted.json.errcode, 0, accepted.text);
      await advanceClock(sb.url, 1);
      token = await getToken(sb.url);
      assert.equal(await aftersaleStatus(id), 13);
    } finally {
      await admin(sb.url, 'PATCH', `/apps/${APPID}/settings`, { refund_delay_seconds: 5 });
    }
  });

  test('return and refund: acceptreturn, buyer ships back, acceptrefund confirms receipt (14)', async () => {
    await paidOrder('RT-1', 'received');
    const id = await addAftersale(aftersaleBody('RT-1', 2, 1800));
    // acceptrefund before acceptreturn on a return request.
    assertError(await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: id }, { token }), 9700209, '同意退款失败');
    assertError(await call(sb.url, '/shop/ecaftersale/acceptreturn', { aftersale_id: id }, { token }), 2747017, '没有默认退货地址,需要在接口中传入');
    assertBareError(await call(sb.url, '/shop/ecaftersale/acceptreturn', { aftersale_id: id, address_info: { receiver_name: '仓库' } }, { token }), 2747025, ' 退货地址不合法');
    const address = { receiver_name: '退货仓', detailed_address: '仓库路1号', tel_number: '02000000000', province: '广东省', city: '广州市', town: '白云区' };
    assert.equal((await call(sb.url, '/shop/ecaftersale/acceptreturn', { aftersale_id: id, address_info: address }, { token })).json.errcode, 0);
    assert.equal(await aftersaleStatus(id), 6);
    const shipped = await call(sb.url, '/shop/ecaftersale/uploadreturninfo', { aftersale_id: id, openid: buyer, delivery_id: 'SF', waybill_id: 'SF-BACK-1', delivery_name: '顺丰速运' }, { token });
    assert.equal(shipped.json.errcode, 0, shipped.text);
    assert.equal(await aftersaleStatus(id), 8);
    assert.equal((await outbox()).at(-1)!.event, 'aftersale_wait_merchant_confirm_receipt');
    assert.equal((await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: id }, { token })).json.errcode, 0);
    assert.equal(await aftersaleStatus(id), 15);
    await advanceClock(sb.url, 5);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(id), 14);
    assert.equal((await outbox()).at(-1)!.event, 'aftersale_refund_success');
  });

  test('a refused transition is 2747008 with the state and operation in the detail', async () => {
    await paidOrder('ST-1');
    const id = await addAftersale(aftersaleBody('ST-1', 1, 100));
    const response = await call(sb.url, '/shop/ecaftersale/acceptreturn', { aftersale_id: id, address_info: { receiver_name: 'a', detailed_address: 'b', tel_number: 'c', province: 'p', city: 'c', town: 't' } }, { token });
    assertError(response, 2747008, ' 状态流转失败, detail: 当前状态为(商家处理退款申请中),不允许执行操作(商家同意退货).');
    assert.equal(await aftersaleStatus(id), 2);
    assert.equal((await call(sb.url, '/shop/ecaftersale/reject', { aftersale_id: id }, { token })).json.errcode, 0);
    assert.equal(await aftersaleStatus(id), 4);
    // The buyer edits after the refusal, which sends the request back to the merchant.
    const updated = await call(sb.url, '/shop/ecaftersale/update', { aftersale_id: id, openid: buyer, type: 1, orderamt: 200, refund_reason: '改了', refund_reason_type: 2 }, { token });
    assert.equal(updated.json.errcode, 0, updated.text);
    assert.equal(await aftersaleStatus(id), 2);
    assertError(await call(sb.url, '/shop/ecaftersale/update', { aftersale_id: id, openid: buyer, type: 2, orderamt: 200, refund_reason: '改了', refund_reason_type: 2 }, { token }), 2747002, '参数错误');
    assert.equal((await call(sb.url, '/shop/ecaftersale/cancel', { aftersale_id: id, openid: buyer }, { token })).json.errcode, 0);
    assert.equal(await aftersaleStatus(id), 1);
    assertError(await call(sb.url, '/shop/ecaftersale/cancel', { aftersale_id: id, openid: buyer }, { token }), 2747008, ' 状态流转失败, detail: 当前状态为(用户取消申请),不允许执行操作(用户取消申请).');
  });

  test('add refuses what the platform refuses, and stores nothing', async () => {
    await paidOrder('ADD-ERR');
    await addOrder(sb.url, token, await v1Order(sb.url, buyer!, 'ADD-V1'));
    const count = async () => (await sb.sandbox.services.storage.db.selectFrom('aftersales').select('aftersale_id').execute()).length;
    const before = await count();
    assertError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 100, 1, { product_info: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 }] }), { token }), 47001, 'data format error');
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-V1', 1, 100), { token }), 2747027, ' 订单不是资金受控(fund_type=1)订单');
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('NOPE', 1, 100), { token }), 2747006, ' 订单不存在');
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 100, 1, { product_info: { out_product_id: 'P-9', out_sku_id: 'S-9', product_cnt: 1 } }), { token }), 2747021, ' 商品不在订单中');
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 2, 100), { token }), 2747024, ' 售后类型与发货状态不符');
    assertBareError(
      await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 1801), { token }),
      2747014,
      ' 售后金额不合法,大于最大可退款金额, detail: 订单中仍有商品未售后,本次售后最大可退金额为当前sku(0:0)的sku_real_price(1800). refund amount(1801) larger than max refundable amount(1800)',
    );
    assertError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 3, 100), { token }), 2747002, '参数错误');
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 100, 1, { order_id: 'not-a-number' }), { token }), 2747018, ' 订单id不合法');
    const foreignImage = { media_list: [{ type: 1, url: 'https://img.example.com/a.jpg', thumb_url: 'https://img.example.com/a.jpg' }] };
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 100, 1, foreignImage), { token }), 2747010, ' 图片链接不合法');
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 100, 1, { openid: otherBuyer }), { token }), 2747006, ' 订单不存在');
    assert.equal(await count(), before);

    await addAftersale(aftersaleBody('ADD-ERR', 1, 100, 1, { out_aftersale_id: 'MY-AS-1' }));
    assertBareError(
      await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 100, 1), { token }),
      2747020,
      ' 商品不能售后,检查该商品是否有进行中的售后单, detail: 订单状态不允许售后,或sku已超售后期(默认为7天)或者sku的售后单数量达到5个,不允许发起售后. ',
    );
    assertBareError(await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('ADD-ERR', 1, 100, 2, { out_aftersale_id: 'MY-AS-1' }), { token }), 2747013, ' 售后单已存在');
  });

  test('concurrent adds open one after-sale', async () => {
    await paidOrder('RACE-1');
    const responses = await Promise.all(Array.from({ length: 5 }, () => call(sb.url, '/shop/ecaftersale/add', aftersaleBody('RACE-1', 1, 100), { token })));
    const codes = responses.map((response) => response.json.errcode);
    assert.equal(codes.filter((code) => code === 0).length, 1, codes.join(','));
    for (const code of codes) assert.ok([0, 2747020, 2747026].includes(code as number), String(code));
    const onOrder = await call(sb.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 50, out_order_id: 'RACE-1' }, { token });
    assert.equal((onOrder.json.after_sales_orders as unknown[]).length, 1);
  });

  test('decimal orderamt fails refund (2747009)', async () => {
    await paidOrder('DEC-1');
    const id = await addAftersale(aftersaleBody('DEC-1', 1, 1.5));
    assertBareError(await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: id }, { token }), 2747009, ' 退款失败 ');
    assert.equal(await aftersaleStatus(id), 2);
  });

  test('ids: 2747012 without one, 2747007 when unknown, 9700206 for an order id', async () => {
    const orderId = await paidOrder('ID-1');
    assertBareError(await call(sb.url, '/shop/ecaftersale/get', {}, { token }), 2747012, ' 售后单id为空');
    // Captured with an empty message.
    assertError(await call(sb.url, '/shop/ecaftersale/get', { aftersale_id: 4000000009999999 }, { token }), 2747007, '');
    assertBareError(await call(sb.url, '/shop/ecaftersale/acceptrefund', undefined, { token, raw: stringifyJson({ aftersale_id: BigInt(orderId) }) }), 9700206, '外部售后单号不合法');
  });

  test('five edits at most (2747016)', async () => {
    await paidOrder('EDIT-1');
    const id = await addAftersale(aftersaleBody('EDIT-1', 1, 100));
    const edit = () => call(sb.url, '/shop/ecaftersale/update', { aftersale_id: id, openid: buyer, type: 1, orderamt: 100, refund_reason: '再改', refund_reason_type: 2 }, { token });
    for (let index = 0; index < 4; index++) assert.equal((await edit()).json.errcode, 0);
    assertBareError(await edit(), 2747016, ' 售后单创建和修改次数超过上限');
  });

  test('get_list returns ids with has_more, caps limit and refuses reversed ranges', async () => {
    const list = await call(sb.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 2 }, { token });
    assert.equal(list.json.errcode, 0, list.text);
    assert.equal((list.json.after_sales_orders as unknown[]).length, 2);
    assert.equal(list.json.has_more, true);
    const byOrder = await call(sb.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 50, out_order_id: 'RT-1' }, { token });
    assert.equal((byOrder.json.after_sales_orders as unknown[]).length, 1);
    assertError(await call(sb.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 51 }, { token }), 990005, 'page_size超过上限');
    // A status beyond 32 bits matches nothing. PostgreSQL's integer column used to fail the query.
    const huge = await call(sb.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 5, status: 2 ** 40 }, { token });
    assert.equal(huge.json.errcode, 0, huge.text);
    assert.deepEqual(huge.json.after_sales_orders, []);
    assertError(await call(sb.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 5, begin_create_time: 2, end_create_time: 1 }, { token }), 990009, '开始时间不能晚于结束时间');
  });

  test('timeouts by merchanttest and clock', async () => {
    await paidOrder('TO-1', 'received');
    const returnRequest = await addAftersale(aftersaleBody('TO-1', 2, 100));
    const wrong = await call(sb.url, '/shop/ecaftersale/merchanttest', { aftersale_id: returnRequest, operation: 'aftersale_merchant_handle_refund_overdue' }, { token });
    assert.equal(wrong.json.errcode, 2747008);
    const forced = await call(sb.url, '/shop/ecaftersale/merchanttest', { aftersale_id: returnRequest, operation: 'aftersale_merchant_handle_return_overdue' }, { token });
    assert.equal(forced.json.errcode, 0, forced.text);
    assert.equal(await aftersaleStatus(returnRequest), 6);
    assert.equal((await outbox()).at(-1)!.event, 'aftersale_merchant_handle_return_overdue');
    assertError(await call(sb.url, '/shop/ecaftersale/merchanttest', { aftersale_id: returnRequest, operation: 'bogus' }, { token }), 2747002, '参数错误');

    // The merchant lets a refund request time out: 12 until the platform's next run starts the refund.
    const refundRequest = await addAftersale(aftersaleBody('TO-1', 1, 100, 2));
    const overdue = await call(sb.url, '/shop/ecaftersale/merchanttest', { aftersale_id: refundRequest, operation: 'aftersale_merchant_handle_refund_overdue' }, { token });
    assert.equal(overdue.json.errcode, 0, overdue.text);
    assert.equal(await aftersaleStatus(refundRequest), 12);
    assert.equal((await outbox()).at(-1)!.event, 'aftersale_merchant_handle_refund_overdue');
    assertError(await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: refundRequest }, { token }), 2747008, ' 状态流转失败, detail: 当前状态为(商家逾期未退款),不允许执行操作(商家同意退款).');
    await advanceClock(sb.url, 0);
    assert.equal(await aftersaleStatus(refundRequest), 15);
    await advanceClock(sb.url, 5);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(refundRequest), 13);
    assert.equal((await outbox()).at(-1)!.event, 'aftersale_refund_success');

    await advanceClock(sb.url, 7 * 86400);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(returnRequest), 7, 'the buyer did not send the goods back in time');
  });

  test('the clock runs a timed-out refund request through 12 and 15 in one advance', async () => {
    await paidOrder('TO-2');
    const id = await addAftersale(aftersaleBody('TO-2', 1, 100));
    const eventsBefore = (await outbox()).length;
    await advanceClock(sb.url, 2 * 86400 + 1);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(id), 15, 'the merchant did not handle it in time: the platform refunds');
    await advanceClock(sb.url, 5);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(id), 13);
    const names = (await outbox()).slice(eventsBefore).filter((item) => String(item.payload.aftersale_info?.aftersale_id) === String(id)).map((item) => item.event);
    assert.deepEqual(names, ['aftersale_merchant_handle_refund_overdue', 'aftersale_refund_success']);
  });

  test('concurrent adds with one out_aftersale_id store one after-sale', async () => {
    const orders = ['OUTID-RACE-1', 'OUTID-RACE-2', 'OUTID-RACE-3', 'OUTID-RACE-4', 'OUTID-RACE-5', 'OUTID-RACE-6'];
    for (const outOrderId of orders) await paidOrder(outOrderId);
    const responses = await Promise.all(orders.map((outOrderId) => call(sb.url, '/shop/ecaftersale/add', aftersaleBody(outOrderId, 1, 100, 1, { out_aftersale_id: 'SHARED-OUT-ID' }), { token })));
    const codes = responses.map((response) => response.json.errcode).sort();
    assert.deepEqual(codes, [0, 2747013, 2747013, 2747013, 2747013, 2747013], responses.map((response) => response.text).join('\n'));
    const list = await admin(sb.url, 'GET', `/apps/${APPID}/aftersales`);
    assert.equal((list.json.aftersales as any[]).filter((item) => item.out_aftersale_id === 'SHARED-OUT-ID').length, 1);
  });

  test('buyer actions in the admin API', async () => {
    await paidOrder('ADM-1', 'shipped');
    const created = await admin(sb.url, 'POST', `/apps/${APPID}/orders/ADM-1/aftersales`, { type: 2, product_info: { out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 }, orderamt: 900, refund_reason: '尺码不合适', refund_reason_type: 7 });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.aftersale.aftersale_id as string;
    // Ids are strings in every admin response, short ones included.
    assert.equal(typeof id, 'string');
    assert.equal(typeof created.json.aftersale.order_id, 'string');
    assert.equal(typeof created.json.aftersale.product_info.product_id, 'string');
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/update`, { orderamt: 800 })).json.aftersale.orderamt, 800);
    const address = { receiver_name: '退货仓', detailed_address: '仓库路1号', tel_number: '02000000000', province: '广东省', city: '广州市', town: '白云区' };
    assert.equal((await call(sb.url, '/shop/ecaftersale/acceptreturn', { aftersale_id: Number(id), address_info: address }, { token })).json.errcode, 0);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/return`, { delivery_id: 'SF', waybill_id: 'SF-R-1' })).json.aftersale.status, 8);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/cancel_waybill`)).json.aftersale.status, 6);
    assert.equal((await outbox()).at(-1)!.event, 'aftersale_user_cancel_waybill');
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/cancel`)).json.aftersale.status, 1);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/cancel`)).status, 409);
    const list = await admin(sb.url, 'GET', `/apps/${APPID}/aftersales`);
    assert.ok(list.json.aftersales.some((item: any) => item.aftersale_id === id));
  });

  test('a failed platform refund goes through the offline refund and the buyer confirmation', async () => {
    await paidOrder('OFF-1');
    const id = String(await addAftersale(aftersaleBody('OFF-1', 1, 300)));
    // Only a refund the platform is running can fail.
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/fail_refund`)).status, 409);
    assert.equal((await call(sb.url, '/shop/ecaftersale/acceptrefund', { aftersale_id: Number(id) }, { token })).json.errcode, 0);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/fail_refund`)).json.aftersale.status, 16);
    assert.equal((await outbox()).at(-1)!.event, 'aftersale_wait_merchant_offline_refund');
    // The refund that failed does not finish later.
    await advanceClock(sb.url, 5);
    token = await getToken(sb.url);
    assert.equal(await aftersaleStatus(Number(id)), 16);
    const uploaded = await call(sb.url, '/shop/ecaftersale/upload_certificates', { aftersale_id: Number(id), refund_desc: '已线下退款', certificates: ['https://mmecimage.cn/p/x/proof'] }, { token });
    assert.equal(uploaded.json.errcode, 0, uploaded.text);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${id}/confirm_certificate`)).json.aftersale.status, 13);
  });
});

describe('aftersale (v1) and update_deadline', () => {
  function v1Aftersale(outOrderId: string, extra: Record<string, unknown> = {}) {
    return {
      out_order_id: outOrderId,
      out_aftersale_id: `AS-${outOrderId}`,
      openid: buyer,
      type: 1,
      create_time: chinaTime(Date.now()),
      status: 2,
      finish_all_aftersale: 0,
      path: 'pages/aftersale',
      refund: 900,
      product_infos: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 }],
      ...extra,
    };
  }

  async function paidV1(outOrderId: string): Promise<void> {
    await addOrder(sb.url, token, await v1Order(sb.url, buyer!, outOrderId));
    const paid = await call(sb.url, '/shop/order/pay', { out_order_id: outOrderId, openid: buyer, action_type: 1, transaction_id: '4200000000000000000000000003', pay_time: chinaTime(Date.now()) }, { token });
    assert.equal(paid.json.errcode, 0, paid.text);
  }

  test('add, get, update, and finish_all_aftersale closing the order', async () => {
    await paidV1('V1AS-1');
    assert.equal((await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-1'), { token })).json.errcode, 0);
    // Re-entrant: the same out_aftersale_id on the same order overwrites.
    assert.equal((await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-1', { refund: 800 }), { token })).json.errcode, 0);
    const got = await call(sb.url, '/shop/aftersale/get', { out_order_id: 'V1AS-1', openid: buyer }, { token });
    const infos = got.json.aftersale_infos as any[];
    assert.equal(infos.length, 1);
    assert.equal(infos[0].refund, 800);
    assert.equal((await call(sb.url, '/shop/aftersale/update', { out_order_id: 'V1AS-1', out_aftersale_id: 'AS-V1AS-1', openid: buyer, status: 13, finish_all_aftersale: 1 }, { token })).json.errcode, 0);
    assert.equal((await getOrder(sb.url, token, 'V1AS-1', buyer!)).status, 200);
    assertError(await call(sb.url, '/shop/aftersale/update', { out_order_id: 'V1AS-1', out_aftersale_id: 'AS-V1AS-1', openid: buyer, status: 2, finish_all_aftersale: 0 }, { token }), 1000000, '订单状态流转异常');
  });

  test('repeated v1 add cannot leave a final status', async () => {
    await paidV1('V1FIN-1');
    assert.equal((await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1FIN-1', { status: 13 }), { token })).json.errcode, 0);
    assertError(await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1FIN-1', { status: 2 }), { token }), 1000000, '订单状态流转异常');
    const got = await call(sb.url, '/shop/aftersale/get', { out_order_id: 'V1FIN-1', openid: buyer }, { token });
    assert.deepEqual((got.json.aftersale_infos as any[]).map((info) => info.status), [13]);
  });

  test('12 concurrent identical v1 adds store one after-sale', async () => {
    await paidV1('V1RACE-1');
    const eventsBefore = (await outbox()).length;
    const responses = await Promise.all(Array.from({ length: 12 }, () => call(sb.url, '/shop/aftersale/add', v1Aftersale('V1RACE-1'), { token })));
    for (const response of responses) assert.equal(response.json.errcode, 0, response.text);
    const got = await call(sb.url, '/shop/aftersale/get', { out_order_id: 'V1RACE-1', openid: buyer }, { token });
    assert.equal((got.json.aftersale_infos as any[]).length, 1);
    const created = (await outbox()).slice(eventsBefore).filter((item) => item.event === 'aftersale_new_order');
    assert.equal(created.length, 1);
  });

  test('v1 after-sales push the events of their moves into the outbox', async () => {
    await paidV1('V1EV-1');
    const eventsBefore = (await outbox()).length;
    const since = async () => (await outbox()).slice(eventsBefore);
    assert.equal((await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1EV-1', { type: 2 }), { token })).json.errcode, 0);
    const order = (await admin(sb.url, 'GET', `/apps/${APPID}/orders/V1EV-1`)).json;
    const aftersaleId = order.legacy_aftersales[0].aftersale_id as string;
    const created = await since();
    assert.deepEqual(created.map((item) => item.event), ['aftersale_new_order']);
    assert.deepEqual(
      { ...created[0]!.payload.aftersale_info, aftersale_id: String(created[0]!.payload.aftersale_info.aftersale_id), order_id: String(created[0]!.payload.aftersale_info.order_id) },
      { aftersale_id: aftersaleId, order_id: order.order.order_id, out_order_id: 'V1EV-1' },
    );
    // A repeat add that changes nothing but the amount pushes nothing more.
    assert.equal((await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1EV-1', { type: 2, refund: 800 }), { token })).json.errcode, 0);
    assert.equal((await since()).length, 1);
    const update = (status: number, finish = 0) => call(sb.url, '/shop/aftersale/update', { out_order_id: 'V1EV-1', out_aftersale_id: 'AS-V1EV-1', openid: buyer, status, finish_all_aftersale: finish }, { token });
    assert.equal((await update(6)).json.errcode, 0);
    assert.equal((await update(8)).json.errcode, 0);
    assert.equal((await update(8)).json.errcode, 0);
    assert.equal((await update(14, 1)).json.errcode, 0);
    const names = (await since()).map((item) => item.event);
    assert.deepEqual(names, ['aftersale_new_order', 'aftersale_wait_merchant_confirm_receipt', 'aftersale_refund_success', 'open_product_order_refund', 'open_product_order_cancel']);
    const refunded = (await since()).find((item) => item.event === 'aftersale_refund_success')!;
    assert.equal(String(refunded.payload.aftersale_info.aftersale_id), aftersaleId);
    assert.equal(refunded.payload.aftersale_info.out_aftersale_id, 'AS-V1EV-1');
  });

  test('the buyer withdraws a v1 after-sale through the admin API: 1 and aftersale_user_cancel', async () => {
    await paidV1('V1EV-2');
    assert.equal((await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1EV-2'), { token })).json.errcode, 0);
    const aftersaleId = (await admin(sb.url, 'GET', `/apps/${APPID}/orders/V1EV-2`)).json.legacy_aftersales[0].aftersale_id as string;
    const cancelled = await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${aftersaleId}/cancel`);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
    assert.equal(cancelled.json.aftersale.status, 1);
    assert.equal(cancelled.json.aftersale.aftersale_id, aftersaleId);
    const last = (await outbox()).at(-1)!;
    assert.equal(last.event, 'aftersale_user_cancel');
    assert.equal(last.payload.aftersale_info.out_aftersale_id, 'AS-V1EV-2');
    const infos = (await call(sb.url, '/shop/aftersale/get', { out_order_id: 'V1EV-2', openid: buyer }, { token })).json.aftersale_infos as any[];
    assert.equal(infos[0].status, 1);
    // A withdrawn after-sale is final.
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${aftersaleId}/cancel`)).status, 409);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/aftersales/${aftersaleId}/update`, { orderamt: 1 })).status, 404);
  });

  test('v1 codes: 1020002 to 1020005, 990022, 1000000 and the refund-missing system error', async () => {
    await paidV1('V1AS-2');
    await paidV1('V1AS-3');
    await addOrder(sb.url, token, await v1Order(sb.url, buyer!, 'V1AS-UNPAID'));
    await paidOrder('V1AS-V2');
    assertError(await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-2', { product_infos: [{ out_product_id: 'P-9', out_sku_id: 'S-1' }] }), { token }), 1020004, '请求体中需要售后的商品不存在于原订单的商品列表中');
    assertError(await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-2', { product_infos: [] }), { token }), 1020005, '售后商品列表为空');
    const noRefund = v1Aftersale('V1AS-2') as Record<string, unknown>;
    delete noRefund.refund;
    assertError(await call(sb.url, '/shop/aftersale/add', noRefund, { token }), -1, 'system error 系统错误,请稍后重试, detail: refund amount empty, should not happen');
    assertError(await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-UNPAID'), { token }), 1000000, '订单状态流转异常');
    assertError(await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-V2'), { token }), 990022, '暂不支持的操作');
    assert.equal((await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-2'), { token })).json.errcode, 0);
    assertError(await call(sb.url, '/shop/aftersale/add', v1Aftersale('V1AS-3', { out_aftersale_id: 'AS-V1AS-2' }), { token }), 1020002, '售后单已存在');
    assertError(await call(sb.url, '/shop/aftersale/update', { out_order_id: 'V1AS-3', out_aftersale_id: 'NONE', openid: buyer, status: 2, finish_all_aftersale: 0 }, { token }), 1020003, '售后单不存在');
    assertError(await call(sb.url, '/shop/aftersale/get', { openid: buyer }, { token }), 1010001, '订单id缺失');
  });

  test('update_deadline: before receipt 1010001, too early 1010060, then once only 1010056', async () => {
    await paidOrder('DL-1', 'shipped');
    const now = await clockNow(sb.url);
    const body = { out_order_id: 'DL-1', openid: buyer, after_sale_deadline: Math.floor(now / 1000) + 10 * 86400 };
    assertError(await call(sb.url, '/shop/aftersale/update_deadline', body, { token }), 1010001, '订单id缺失');
    assert.equal((await call(sb.url, '/shop/delivery/recieve', { out_order_id: 'DL-1', openid: buyer }, { token })).json.errcode, 0);
    assertError(await call(sb.url, '/shop/aftersale/update_deadline', { ...body, after_sale_deadline: Math.floor(now / 1000) + 3 * 86400 }, { token }), 1010060, 'after_sale_deadline 必须大于当前时间并且距离确认售后5天以上');
    assert.equal((await call(sb.url, '/shop/aftersale/update_deadline', body, { token })).json.errcode, 0);
    assert.equal((await getOrder(sb.url, token, 'DL-1', buyer!)).settlement_info.after_sale_deadline, body.after_sale_deadline);
    assertError(await call(sb.url, '/shop/aftersale/update_deadline', { ...body, after_sale_deadline: body.after_sale_deadline + 86400 }, { token }), 1010056, '售后截止时间只能修改一次');
  });

  test('window closes and order settles', async () => {
    const orderId = await paidOrder('WIN-1', 'received');
    await advanceClock(sb.url, 8 * 86400);
    token = await getToken(sb.url);
    const late = await call(sb.url, '/shop/ecaftersale/add', aftersaleBody('WIN-1', 1, 100), { token });
    assert.equal(late.json.errcode, 2747020, late.text);
    // The window ended with the clock advance, so the platform settled the order on the way.
    const event = (await outbox()).filter((item) => item.event === 'open_product_order_settle').at(-1)!;
    assert.equal(String(event.payload.order_info.order_id), orderId);
    assert.equal(event.payload.order_info.amount, 2800);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/settle`)).status, 409);
  });
});

