import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, APPID, call, clockNow, type TestSandbox } from './helpers.js';
import { assertError, type LooseResponse, startShop } from './order-support.js';

const INVALID_PARAMETER = 'invalid parameter';
const MCHID = '1900000109';
const OTHER_MCHID = '1900000110';

let sb: TestSandbox;
let token: string;
let buyer: string;

before(async () => {
  ({ sb, token, buyer } = await startShop());
});
after(() => sb.close());

const pay = (path: string, body: unknown) => call(sb.url, `/shop/pay/${path}`, body, { token }) as Promise<LooseResponse>;

function combined(combine: string, trades: [mchid: string, tradeNo: string, amount: number][]) {
  return { openid: buyer, combine_trade_no: combine, sub_orders: trades.map(([mchid, trade_no, amount]) => ({ mchid, trade_no, amount, description: '积木套装' })) };
}

async function events(name: string): Promise<any[]> {
  const response = await admin(sb.url, 'GET', `/apps/${APPID}/push/events?event=${name}`);
  return response.json.events;
}

test('createorder checks its fields; a repeated combine_trade_no is the same request', async () => {
  assertError(await pay('createorder', { ...combined('C-0001', [[MCHID, 'T-0001', 100]]), openid: undefined }), -2, INVALID_PARAMETER);
  assertError(await pay('createorder', combined('C#1', [[MCHID, 'T-0001', 100]])), -2, INVALID_PARAMETER);
  assertError(await pay('createorder', combined('C-0001', [[MCHID, 'T-0001', 0]])), -2, INVALID_PARAMETER);
  assertError(await pay('createorder', { ...combined('C-0001', []), sub_orders: [] }), -2, INVALID_PARAMETER);
  assertError(await pay('createorder', combined('C-0001', [[MCHID, 'T-0001', 100], [OTHER_MCHID, 'T-0001', 100]])), -2, INVALID_PARAMETER);
  assertError(await pay('createorder', { ...combined('C-0001', [[MCHID, 'T-0001', 100]]), openid: 'oNotABuyerOfThisApp000000000' }), -2, INVALID_PARAMETER);
  assertError(await pay('createorder', { ...combined('C-0001', [[MCHID, 'T-0001', 100]]), expire_time: 1000 }), -2, INVALID_PARAMETER);
  assertError(await pay('getorder', { trade_no: 'T-0001' }), 9710001, 'no data');
  // A NUL becomes U+FFFD before any check, so such a trade number simply matches nothing.
  assertError(await pay('getorder', { trade_no: 'T-\u0000' }), 9710001, 'no data');

  const created = await pay('createorder', combined('C-0001', [[MCHID, 'T-0001', 100], [OTHER_MCHID, 'T-0002', 250]]));
  assert.equal(created.json.errcode, 0, created.text);
  const params = created.json.payment_params as Record<string, string>;
  assert.match(params.package!, /^prepay_id=wx/);
  assert.equal(params.signType, 'RSA');
  const again = await pay('createorder', combined('C-0001', [[MCHID, 'T-0001', 100], [OTHER_MCHID, 'T-0002', 250]]));
  assert.equal((again.json.payment_params as Record<string, string>).package, params.package);
  // The same combine_trade_no cannot change its sub-orders, nor a trade_no move to another order.
  assertError(await pay('createorder', combined('C-0001', [[MCHID, 'T-0001', 999], [OTHER_MCHID, 'T-0002', 250]])), -2, INVALID_PARAMETER);
  assertError(await pay('createorder', combined('C-0002', [[MCHID, 'T-0001', 100]])), -2, INVALID_PARAMETER);

  const read = await pay('getorder', { trade_no: 'T-0001' });
  assert.equal(read.json.order.combine_trade_no, 'C-0001');
  assert.equal(read.json.order.amount, 100);
  assert.equal(read.json.order.transaction_id, '');
  assert.equal(read.json.order.pay_time, 0);
});

test('the buyer pays through the admin API; refunds and profit sharing follow their rules and events', async () => {
  await pay('createorder', combined('C-1001', [[MCHID, 'T-1001', 1000]]));
  // Not paid yet: no refund and no profit sharing.
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100001', total_amount: 1000, refund_amount: 100 }), -2, INVALID_PARAMETER);
  assertError(await pay('profitsharingorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', profit_sharing_no: 'PS-100001' }), -2, INVALID_PARAMETER);

  const paid = await admin(sb.url, 'POST', `/apps/${APPID}/pay/trades/T-1001/pay`);
  assert.equal(paid.status, 200, JSON.stringify(paid.json));
  const transactionId = paid.json.trades[0].transaction_id as string;
  assert.match(transactionId, /^4200\d+$/);
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/pay/trades/T-1001/pay`)).status, 409);
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/pay/trades/none/pay`)).status, 404);
  const payEvents = await events('funds_order_pay');
  assert.equal(payEvents.at(-1).message.order_info.trade_no, 'T-1001');
  assert.equal(payEvents.at(-1).message.order_info.transaction_id, transactionId);

  // Amounts must be JSON integers: strings are refused.
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100001', total_amount: '1000', refund_amount: '100' }), -2, INVALID_PARAMETER);
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100001', total_amount: 999, refund_amount: 100 }), -2, INVALID_PARAMETER);
  assertError(await pay('refundorder', { openid: buyer, mchid: OTHER_MCHID, trade_no: 'T-1001', refund_no: 'R-100001', total_amount: 1000, refund_amount: 100 }), -2, INVALID_PARAMETER);
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-9999', refund_no: 'R-100001', total_amount: 1000, refund_amount: 100 }), 9710001, 'no data');
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, refund_no: 'R-100001', total_amount: 1000, refund_amount: 100 }), -2, INVALID_PARAMETER);
  const refunded = await pay('refundorder', { openid: buyer, mchid: MCHID, transaction_id: transactionId, refund_no: 'R-100001', total_amount: 1000, refund_amount: 300 });
  assert.equal(refunded.json.errcode, 0, refunded.text);
  // The same refund_no again is the same request; a different amount under it is refused.
  assert.equal((await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100001', total_amount: 1000, refund_amount: 300 })).json.errcode, 0);
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100001', total_amount: 1000, refund_amount: 200 }), -2, INVALID_PARAMETER);
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100002', total_amount: 1000, refund_amount: 701 }), -2, INVALID_PARAMETER);
  const refundEvents = await events('funds_order_refund');
  assert.equal(refundEvents.length, 1);
  assert.equal(refundEvents[0].message.order_info.refund_no, 'R-100001');

  const shared = await pay('profitsharingorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', profit_sharing_no: 'PS-100001' });
  assert.equal(shared.json.errcode, 0, shared.text);
  assertError(await pay('profitsharingorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', profit_sharing_no: 'PS-100002' }), -2, INVALID_PARAMETER);
  assert.equal((await events('funds_order_profitsharing'))[0].message.order_info.amount, 700);

  const read = await pay('getorder', { trade_no: 'T-1001' });
  assert.equal(read.json.order.transaction_id, transactionId);
  assert.equal(read.json.order.refund_list.length, 1);
  assert.equal(read.json.order.refund_list[0].amount, 300);
  assert.equal(read.json.order.profit_sharing_list[0].amount, 700);

  // The rest refunded: the trade is fully refunded and takes no more refunds.
  assert.equal((await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100003', total_amount: 1000, refund_amount: 700 })).json.errcode, 0);
  assertError(await pay('refundorder', { openid: buyer, mchid: MCHID, trade_no: 'T-1001', refund_no: 'R-100004', total_amount: 1000, refund_amount: 1 }), -2, INVALID_PARAMETER);
});

test('closeorder closes an unpaid combined order and refuses a paid one', async () => {
  await pay('createorder', combined('C-2001', [[MCHID, 'T-2001', 100], [OTHER_MCHID, 'T-2002', 100]]));
  const keys = [{ mchid: MCHID, trade_no: 'T-2001' }, { mchid: OTHER_MCHID, trade_no: 'T-2002' }];
  assertError(await pay('closeorder', { openid: buyer, combine_trade_no: 'C-9999', sub_orders: keys }), 9710001, 'no data');
  assertError(await pay('closeorder', { openid: buyer, combine_trade_no: 'C-2001', sub_orders: [{ mchid: MCHID, trade_no: 'T-9999' }] }), -2, INVALID_PARAMETER);
  assertError(await pay('closeorder', { openid: buyer, combine_trade_no: 'C-2001' }), -2, INVALID_PARAMETER);
  const closed = await pay('closeorder', { openid: buyer, combine_trade_no: 'C-2001', sub_orders: keys });
  assert.deepEqual(closed.json, { errcode: 0, errmsg: 'ok' });
  // A closed order cannot be paid.
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/pay/trades/T-2001/pay`)).status, 409);

  await pay('createorder', combined('C-2002', [[MCHID, 'T-2003', 100]]));
  await admin(sb.url, 'POST', `/apps/${APPID}/pay/trades/T-2003/pay`);
  assertError(await pay('closeorder', { openid: buyer, combine_trade_no: 'C-2002', sub_orders: [{ mchid: MCHID, trade_no: 'T-2003' }] }), -2, INVALID_PARAMETER);
  const trades = await admin(sb.url, 'GET', `/apps/${APPID}/pay/trades`);
  assert.equal(trades.json.trades.find((trade: any) => trade.trade_no === 'T-2001').state, 3);
  assert.equal(trades.json.trades.find((trade: any) => trade.trade_no === 'T-2003').state, 2);
});

test('getorderlist pages a merchant\'s trades within one day', async () => {
  const now = Math.floor((await clockNow(sb.url)) / 1000);
  const window = { mchid: MCHID, begin_create_time: now - 3600, end_create_time: now + 60 };
  const first = await pay('getorderlist', { ...window, page_size: 2 });
  assert.equal(first.json.errcode, 0, first.text);
  assert.deepEqual(first.json.trade_no_list, ['T-0001', 'T-1001']);
  assert.equal(first.json.has_more, true);
  const second = await pay('getorderlist', { ...window, page_size: 2, last_index: first.json.last_index });
  assert.deepEqual(second.json.trade_no_list, ['T-2001', 'T-2003']);
  assert.equal(second.json.has_more, false);
  assert.deepEqual((await pay('getorderlist', { ...window, mchid: OTHER_MCHID, page_size: 10 })).json.trade_no_list, ['T-0002', 'T-2002']);
  assertError(await pay('getorderlist', { ...window, page_size: 101 }), 990005, 'page_size超过上限');
  assertError(await pay('getorderlist', { ...window, begin_create_time: now + 61, page_size: 10 }), 990009, '开始时间不能晚于结束时间');
  assertError(await pay('getorderlist', { ...window, begin_create_time: now - 86401 - 60, page_size: 10 }), -2, INVALID_PARAMETER);
  assertError(await pay('getorderlist', { mchid: MCHID, page_size: 10 }), -2, INVALID_PARAMETER);
});
