import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, advanceClock, APPID, call, clockNow, getToken, type TestSandbox } from './helpers.js';
import { addOrder, assertError, chinaTime, type LooseResponse, startShop, v2Order } from './order-support.js';

const INVALID_PARAMETER = 'invalid parameter';
const NO_DATA = 'no data';

let sb: TestSandbox;
let token: string;
let buyer: string;

before(async () => {
  ({ sb, token, buyer } = await startShop());
});
after(() => sb.close());

/** Moves the sandbox clock and takes a fresh token, as tokens live two hours. */
async function advance(seconds: number): Promise<void> {
  await advanceClock(sb.url, seconds);
  token = await getToken(sb.url);
}

const funds = (path: string, body: unknown) => call(sb.url, `/shop/funds/${path}`, body, { token }) as Promise<LooseResponse>;

/** A paid order (2800 fen); `settle` ships it, confirms receipt and settles it. */
async function paidOrder(outOrderId: string, settle: boolean): Promise<string> {
  const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer, outOrderId));
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`)).status, 200);
  if (!settle) return orderId;
  const sent = await call(sb.url, '/shop/delivery/send', {
    out_order_id: outOrderId,
    openid: buyer,
    finish_all_delivery: 1,
    ship_done_time: chinaTime(await clockNow(sb.url)),
    delivery_list: [{ delivery_id: 'YTO', waybill_id: `YT${outOrderId}`, product_info_list: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 2 }, { out_product_id: 'P-2', out_sku_id: 'S-2', product_cnt: 1 }] }],
  }, { token });
  assert.equal(sent.json.errcode, 0, sent.text);
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/confirm`)).status, 200);
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/settle`)).status, 200);
  return orderId;
}

describe('bank lookups', () => {
  test('provinces, cities, banks, card numbers and branches come from the built-in list', async () => {
    const provinces = await funds('getprovince', {});
    assert.equal(provinces.json.errcode, 0);
    assert.deepEqual((provinces.json.data as any[])[0], { province_code: 1, province_name: '北京市' });
    assert.equal(provinces.json.total_count, (provinces.json.data as any[]).length);

    // province_code as a string, as WxJava sends it.
    const cities = await funds('getcity', { province_code: '5' });
    assert.deepEqual((cities.json.data as any[]).map((city) => city.city_name), ['广州市', '深圳市', '东莞市']);
    assert.equal((cities.json.data as any[])[1].bank_address_code, '440300');
    assert.deepEqual((await funds('getcity', { province_code: 999 })).json.data, []);
    assertError(await funds('getcity', { province_code: 'guangdong' }), -2, INVALID_PARAMETER);

    const banks = await funds('getbanklist', { offset: 0, limit: 10, key_words: '招商' });
    assert.deepEqual(banks.json.data, [{ account_bank: '招商银行', bank_code: '308', bank_id: '1006', bank_name: '招商银行', bank_type: 1, need_branch: false }]);
    assert.equal((await funds('getbanklist', { offset: 0, limit: 5 })).json.data.length, 5);

    const byNum = await funds('getbankbynum', { account_number: '6214830000000000' });
    assert.equal(byNum.json.total_count, 1);
    assert.equal((byNum.json.data as any[])[0].account_bank, '招商银行');
    assert.equal((await funds('getbankbynum', { account_number: '9999990000000000' })).json.total_count, 0);
    assertError(await funds('getbankbynum', { account_number: 'abc' }), -2, INVALID_PARAMETER);
    assertError(await funds('getbankbynum', {}), -2, INVALID_PARAMETER);

    // city_code as a string, as the doc sample and WxJava send it.
    const branches = await funds('getsubbranch', { bank_code: '308', city_code: '52', offset: 0, limit: 2 });
    assert.equal(branches.json.errcode, 0, branches.text);
    assert.equal(branches.json.total_count, 3);
    assert.equal(branches.json.count, 2);
    assert.equal(branches.json.account_bank, '招商银行');
    assert.deepEqual((branches.json.data as any[])[0], { branch_id: 308440300001, branch_name: '招商银行深圳南山支行' });
    assertError(await funds('getsubbranch', { bank_code: '308', offset: 0, limit: 2 }), -2, INVALID_PARAMETER);
  });
});

describe('bank account', () => {
  const account = { bank_account_type: 'ACCOUNT_TYPE_BUSINESS', account_bank: '招商银行', bank_address_code: '440300', account_number: '6214830000001234' };

  test('no account yet answers 9710001; a bad account is refused and nothing is stored', async () => {
    assertError(await funds('getbankaccount', {}), 9710001, NO_DATA);
    assertError(await funds('setbankaccount', {}), -2, INVALID_PARAMETER);
    assertError(await funds('setbankaccount', { account_info: { ...account, bank_account_type: 'PERSONAL' } }), -2, INVALID_PARAMETER);
    assertError(await funds('setbankaccount', { account_info: { ...account, account_bank: '火星银行' } }), -2, INVALID_PARAMETER);
    assertError(await funds('setbankaccount', { account_info: { ...account, bank_address_code: '999999' } }), -2, INVALID_PARAMETER);
    assertError(await funds('setbankaccount', { account_info: { ...account, account_number: '12ab' } }), -2, INVALID_PARAMETER);
    // "Other bank" needs a branch id or a bank name.
    assertError(await funds('setbankaccount', { account_info: { ...account, account_bank: '其他银行' } }), -2, INVALID_PARAMETER);
    assertError(await funds('getbankaccount', {}), 9710001, NO_DATA);
    const malformed = await call(sb.url, '/shop/funds/getbankaccount', undefined, { token, raw: '{bad json' });
    assert.equal(malformed.json.errcode, 47001);
  });

  test('five changes a day, the sixth is refused, the next day allows more', async () => {
    for (let i = 0; i < 5; i++) {
      const set = await funds('setbankaccount', { account_info: { ...account, account_number: `621483000000000${i}` } });
      assert.equal(set.json.errcode, 0, set.text);
    }
    assertError(await funds('setbankaccount', { account_info: account }), -2, INVALID_PARAMETER);
    const read = await funds('getbankaccount', {});
    assert.equal(read.json.account_info.account_number, '6214830000000004');
    assert.equal(read.json.account_info.verify_fail_reason, '');
    await advance(24 * 3600);
    assert.equal((await funds('setbankaccount', { account_info: account })).json.errcode, 0);
    assert.equal((await funds('getbankaccount', {})).json.account_info.account_number, '6214830000001234');
  });
});

describe('balance, fund flows and withdrawals', () => {
  test('balance and flows follow paid and settled orders; a withdrawal runs through its lifecycle', async () => {
    const before = await funds('getbalance', {});
    assert.deepEqual(before.json.balance_info, { available_amount: 0, pending_amount: 0 });

    const pendingId = await paidOrder('FUNDS-1', false);
    const settledId = await paidOrder('FUNDS-2', true);
    const balance = await funds('getbalance', {});
    assert.deepEqual(balance.json.balance_info, { available_amount: 2800, pending_amount: 2800 });

    const day = chinaTime(await clockNow(sb.url)).slice(0, 10).replaceAll('-', '');
    const scanned = await funds('scanorderflow', { date: day, page_num: 1, page_size: 10 });
    assert.equal(scanned.json.errcode, 0, scanned.text);
    assert.deepEqual(scanned.json.funds_flow_ids, [`1${pendingId}`, `1${settledId}`]);
    assert.equal(scanned.json.total_num, 2);
    assert.deepEqual((await funds('scanorderflow', { date: day, page_num: 2, page_size: 1 })).json.funds_flow_ids, [`1${settledId}`]);
    assert.deepEqual((await funds('scanorderflow', { date: '20000101', page_num: 1, page_size: 10 })).json.total_num, 0);
    assertError(await funds('scanorderflow', { date: day, page_num: 1, page_size: 101 }), 990005, 'page_size超过上限');
    assertError(await funds('scanorderflow', { date: '2024-01-01', page_num: 1, page_size: 10 }), -2, INVALID_PARAMETER);
    assertError(await funds('scanorderflow', { date: day, page_num: 0, page_size: 10 }), -2, INVALID_PARAMETER);

    const flow = await funds('getorderflow', { funds_flow_id: `1${settledId}` });
    assert.equal(flow.json.errcode, 0, flow.text);
    assert.equal(flow.json.funds_flow.amount, '28.00');
    assert.equal(flow.json.funds_flow.balance, '56.00');
    assert.equal(flow.json.funds_flow.flow_type, '收入');
    assert.equal(flow.json.funds_flow.request_no, settledId);
    assert.match(flow.json.funds_flow.bookkeeping_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assertError(await funds('getorderflow', { funds_flow_id: '1000' }), 9710001, NO_DATA);
    assertError(await funds('getorderflow', {}), -2, INVALID_PARAMETER);

    // Withdrawals: more than the available money is refused.
    assertError(await funds('submitwithdraw', { amount: 2801 }), -2, INVALID_PARAMETER);
    assertError(await funds('submitwithdraw', { amount: 0 }), -2, INVALID_PARAMETER);
    assertError(await funds('submitwithdraw', { amount: '一百' }), -2, INVALID_PARAMETER);
    const submitted = await funds('submitwithdraw', { amount: 1000, remark: '提现', bank_memo: '货款' });
    assert.equal(submitted.json.errcode, 0, submitted.text);
    const no = submitted.json.out_request_no as string;
    const ticket = submitted.json.qrcode_ticket as string;
    assert.deepEqual((await funds('getbalance', {})).json.balance_info, { available_amount: 1800, pending_amount: 2800 });
    // One withdrawal a day.
    assertError(await funds('submitwithdraw', { amount: 100 }), 9700101, 'withdraw times exceed the daily limit');

    const detail = await funds('getwithdrawdetail', { out_request_no: no });
    assert.equal(detail.json.withdraw_info.status, 'BEFORE_SCAN_QRCODE');
    assert.equal(detail.json.withdraw_info.amount, 1000);
    assert.equal(detail.json.withdraw_info.bank_name, '招商银行');
    assert.equal(detail.json.withdraw_info.bank_num, '****1234');
    assertError(await funds('getwithdrawdetail', { out_request_no: 'nope' }), 9710001, NO_DATA);
    // A NUL becomes U+FFFD before any check, so such a number simply matches nothing.
    assertError(await funds('getwithdrawdetail', { out_request_no: 'no\u0000pe' }), 9710001, NO_DATA);
    assert.deepEqual((await funds('scanwithdraw', { page_num: 1, page_size: 10 })).json, { errcode: 0, errmsg: 'ok', out_request_nos: [no], total_num: 1 });

    // The QR code of the withdrawal: fetched, then scanned and confirmed by the shop admin.
    const image = await funds('qrcode/get', { qrcode_ticket: ticket });
    assert.equal(image.json.errcode, 0);
    assert.ok(Buffer.from(image.json.qrcode_buf as string, 'base64').subarray(1, 4).equals(Buffer.from('PNG')));
    assert.equal((await funds('qrcode/check', { qrcode_ticket: ticket })).json.status, 0);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/funds/qrcodes/${ticket}/scan`, { action: 'scan' })).status, 200);
    assert.equal((await funds('qrcode/check', { qrcode_ticket: ticket })).json.status, 4);
    const confirmed = await admin(sb.url, 'POST', `/apps/${APPID}/funds/qrcodes/${ticket}/scan`, { action: 'confirm', scan_user_type: 1 });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.json));
    const checked = await funds('qrcode/check', { qrcode_ticket: ticket });
    assert.equal(checked.json.status, 1);
    assert.equal(checked.json.scan_user_type, 1);
    assert.equal((await funds('getwithdrawdetail', { out_request_no: no })).json.withdraw_info.status, 'AFTER_SCAN_QRCODE');

    // The clock accepts the payout after a minute and the bank pays it within two hours.
    await advance(61);
    assert.equal((await funds('getwithdrawdetail', { out_request_no: no })).json.withdraw_info.status, 'CREATE_SUCCESS');
    await advance(2 * 3600);
    assert.equal((await funds('getwithdrawdetail', { out_request_no: no })).json.withdraw_info.status, 'SUCCESS');

    // The expense is a fund flow; the bank sends it back through the admin API.
    const withdrawFlow = await funds('getorderflow', { funds_flow_id: `3${no}` });
    assert.equal(withdrawFlow.json.funds_flow.flow_type, '支出');
    assert.equal(withdrawFlow.json.funds_flow.amount, '10.00');
    assert.equal(withdrawFlow.json.funds_flow.balance, '46.00');
    const bounced = await admin(sb.url, 'POST', `/apps/${APPID}/funds/withdrawals/${no}/bounce`, { reason: '账户已冻结' });
    assert.equal(bounced.status, 200);
    assert.equal(bounced.json.withdrawal.status, 'REFUND');
    assert.equal(bounced.json.withdrawal.reason, '账户已冻结');
    assert.deepEqual((await funds('getbalance', {})).json.balance_info, { available_amount: 2800, pending_amount: 2800 });
    // A bounced withdrawal cannot succeed again.
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/funds/withdrawals/${no}/succeed`)).status, 409);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/funds/withdrawals/nope/succeed`)).status, 404);
  });

  test('an unscanned withdrawal closes when its QR code expires, and the ticket then answers 60220', async () => {
    await advance(24 * 3600);
    const submitted = await funds('submitwithdraw', { amount: 500 });
    assert.equal(submitted.json.errcode, 0, submitted.text);
    const ticket = submitted.json.qrcode_ticket as string;
    await advance(11 * 60);
    assertError(await funds('qrcode/get', { qrcode_ticket: ticket }), 60220, 'qrcode ticket expired');
    assert.equal((await funds('qrcode/check', { qrcode_ticket: ticket })).json.status, 3);
    assert.equal((await funds('getwithdrawdetail', { out_request_no: submitted.json.out_request_no })).json.withdraw_info.status, 'CLOSE');
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/funds/qrcodes/${ticket}/scan`, { action: 'confirm' })).status, 409);
  });

  test('identity-check QR tickets: gen, get, check, unknown tickets answer 60208', async () => {
    assertError(await funds('qrcode/gen', { identity_type: 5 }), -2, INVALID_PARAMETER);
    assertError(await funds('qrcode/gen', {}), -2, INVALID_PARAMETER);
    const gen = await funds('qrcode/gen', { identity_type: 1 });
    const ticket = gen.json.qrcode_ticket as string;
    assert.match(ticket, /^[0-9a-f]{32}$/);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/funds/qrcodes/${ticket}/scan`, { action: 'cancel', scan_user_type: 0 })).status, 200);
    assert.deepEqual((await funds('qrcode/check', { qrcode_ticket: ticket })).json, { errcode: 0, errmsg: 'ok', status: 2, scan_user_type: 0, self_check_err_code: 0, self_check_err_msg: '' });
    assertError(await funds('qrcode/get', { qrcode_ticket: 'not-a-ticket' }), 60208, 'invalid qrcode ticket');
    assertError(await funds('qrcode/check', { qrcode_ticket: 'not-a-ticket' }), 60208, 'invalid qrcode ticket');
    assertError(await funds('qrcode/check', {}), -2, INVALID_PARAMETER);
    assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/funds/qrcodes/not-a-ticket/scan`, {})).status, 404);
    const overview = await admin(sb.url, 'GET', `/apps/${APPID}/funds`);
    assert.equal(overview.status, 200);
    assert.equal(overview.json.withdrawals.length, 2);
  });
});

describe('funds under concurrency', () => {
  test('concurrent changes and withdrawals keep the daily limits', async () => {
    await advance(24 * 3600);
    const account = { bank_account_type: 'ACCOUNT_TYPE_BUSINESS', account_bank: '招商银行', bank_address_code: '440300', account_number: '6214830000009999' };
    const changes = await Promise.all(Array.from({ length: 12 }, () => funds('setbankaccount', { account_info: account })));
    assert.equal(changes.filter((response) => response.json.errcode === 0).length, 5, changes.map((response) => response.text).join('\n'));

    await paidOrder('FUNDS-RACE', true);
    const withdrawals = await Promise.all(Array.from({ length: 12 }, () => funds('submitwithdraw', { amount: 100 })));
    const codes = withdrawals.map((response) => response.json.errcode);
    assert.equal(codes.filter((code) => code === 0).length, 1, withdrawals.map((response) => response.text).join('\n'));
    assert.ok(codes.every((code) => code === 0 || code === 9700101), codes.join(','));
  });
});
