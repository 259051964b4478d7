import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, advanceClock, APPID, call, clockNow, getToken, startSandbox, type TestSandbox } from './helpers.js';
import { confirmCoupons, CONFIRM_REPLY, couponBody, openid, range, registerBuyers, startMerchantCallback, type MerchantCallback } from './coupon-helpers.js';

let sandbox: TestSandbox;
let url: string;
let token: string;
let merchant: MerchantCallback;

before(async () => {
  sandbox = await startSandbox();
  url = sandbox.url;
  token = await getToken(url);
  merchant = await startMerchantCallback();
  await registerBuyers(url, [1, 7, 8, 9, ...range(1000, 1199)]);
});

after(async () => {
  await merchant.close();
  await sandbox.close();
});

/** Moves the clock and takes a new token, since the old one may have expired on the way. */
async function advance(seconds: number): Promise<void> {
  await advanceClock(url, seconds);
  token = await getToken(url);
}

async function nowSeconds(): Promise<number> {
  return Math.floor((await clockNow(url)) / 1000);
}

async function activeCoupon(id: string, total: number): Promise<void> {
  const add = await call(url, '/shop/coupon/add', couponBody(id, await nowSeconds(), { total }), { token });
  assert.equal(add.text, '{"errcode":0}');
  const status = await call(url, '/shop/coupon/update_status', { out_coupon_id: id, status: 2 }, { token });
  assert.equal(status.text, '{"errcode":0}');
}

async function stockOf(id: string): Promise<{ issued_num: number; receive_num: number } | undefined> {
  const list = await call(url, '/shop/coupon/get_list', { offset: 0, page_size: 200 }, { token });
  const item = (list.json.result_list as any[]).find((entry) => entry.coupon.out_coupon_id === id);
  return item?.coupon_stock?.stock_info;
}

describe('coupon confirm handshake', () => {
  test('confirm opens the coupon paths', async () => {
    merchant.answer((_body, res) => res.end(JSON.stringify(CONFIRM_REPLY)));
    await admin(url, 'POST', `/apps/${APPID}/coupon-settings`, { callback_url: merchant.url });
    const before = await call(url, '/shop/coupon/get_list', { offset: 0, page_size: 10 }, { token });
    assert.equal(before.json.errcode, 1090028);

    const response = await call(url, '/shop/coupon/confirm', {}, { token });
    assert.equal(response.text, '{"errcode":0}');
    const sent = merchant.received.at(-1)!;
    assert.equal(sent.Event, 'open_product_receive_coupon');
    assert.equal(sent.MsgType, 'event');
    assert.equal(sent.out_coupon_id, 'test_coupon');
    assert.equal(sent.request_id, 'test_coupon_request_id');
    assert.equal(typeof sent.CreateTime, 'number');

    const afterConfirm = await call(url, '/shop/coupon/get_list', { offset: 0, page_size: 10 }, { token });
    assert.equal(afterConfirm.json.errcode, 0);
  });
});

describe('coupon lifecycle', () => {
  test('add, get, update, activate, claim, redeem and void a coupon', async () => {
    await confirmCoupons(url);
    const now = await nowSeconds();
    const add = await call(url, '/shop/coupon/add', couponBody('CP-LIFE', now, { total: 10 }), { token });
    assert.equal(add.text, '{"errcode":0}');

    let got = await call(url, '/shop/coupon/get', { out_coupon_id: 'CP-LIFE' }, { token });
    assert.equal(got.json.errcode, 0);
    const coupon = (got.json.result as any).coupon;
    assert.equal(coupon.status, 1);
    assert.equal(coupon.type, 104);
    assert.equal(coupon.appid, APPID);
    assert.equal(coupon.coupon_info.discount_info.discount_fee, 500);
    assert.equal(coupon.coupon_info.ext_info, undefined);
    assert.equal(await stockOf('CP-LIFE'), undefined);

    const update = await call(url, '/shop/coupon/update', couponBody('CP-LIFE', now, { total: 10, info: { name: '新名字' } }), { token });
    assert.equal(update.text, '{"errcode":0}');
    got = await call(url, '/shop/coupon/get', { out_coupon_id: 'CP-LIFE' }, { token });
    assert.equal((got.json.result as any).coupon.coupon_info.name, '新名字');

    const activate = await call(url, '/shop/coupon/update_status', { out_coupon_id: 'CP-LIFE', status: 2 }, { token });
    assert.equal(activate.text, '{"errcode":0}');
    got = await call(url, '/shop/coupon/get', { out_coupon_id: 'CP-LIFE' }, { token });
    assert.equal((got.json.result as any).coupon.status, 2);
    assert.equal(typeof (got.json.result as any).coupon.coupon_info.ext_info.valid_time, 'number');
    assert.deepEqual(await stockOf('CP-LIFE'), { issued_num: 10, receive_num: 0 });

    const user = openid(1);
    const claim = await call(url, '/shop/coupon/add_user_coupon', {
      openid: user,
      user_coupon: { out_user_coupon_id: 'UC-1', out_coupon_id: 'CP-LIFE', status: 100 },
      recv_time: now,
    }, { token });
    assert.equal(claim.text, '{"errcode":0}');
    assert.deepEqual(await stockOf('CP-LIFE'), { issued_num: 9, receive_num: 1 });

    let list = await call(url, '/shop/coupon/get_usercoupon_list', { openid: user, offset: 0, page_size: 10 }, { token });
    assert.equal(list.json.total_num, 1);
    const item = (list.json.result_list as any[])[0];
    assert.equal(item.status, 100);
    assert.equal(item.start_time, now);
    assert.equal(item.end_time, now + 7 * 86400);
    assert.deepEqual(item.ext_info, {});

    const used = await call(url, '/shop/coupon/update_usercoupon_status', { openid: user, out_coupon_id: 'CP-LIFE', out_user_coupon_id: 'UC-1', status: 102 }, { token });
    assert.equal(used.text, '{"errcode":0}');
    list = await call(url, '/shop/coupon/get_usercoupon_list', { openid: user, offset: 0, page_size: 10 }, { token });
    assert.equal((list.json.result_list as any[])[0].status, 102);
    assert.equal(typeof (list.json.result_list as any[])[0].ext_info.use_time, 'number');

    const edited = await call(url, '/shop/coupon/update_user_coupon', {
      openid: user,
      user_coupon: { out_user_coupon_id: 'UC-1', out_coupon_id: 'CP-LIFE', ext_info: { use_time: now + 5 } },
      recv_time: now + 1,
    }, { token });
    assert.equal(edited.text, '{"errcode":0}');
    list = await call(url, '/shop/coupon/get_usercoupon_list', { openid: user, offset: 0, page_size: 10 }, { token });
    assert.equal((list.json.result_list as any[])[0].start_time, now + 1);
    assert.equal((list.json.result_list as any[])[0].ext_info.use_time, now + 5);

    const stock = await call(url, '/shop/coupon/update_coupon_stock', { coupon_stock: { out_coupon_id: 'CP-LIFE', stock_info: { issued_num: 5, receive_num: 5 } } }, { token });
    assert.equal(stock.text, '{"errcode":0}');
    assert.deepEqual(await stockOf('CP-LIFE'), { issued_num: 5, receive_num: 5 });

    const voided = await call(url, '/shop/coupon/update_status', { out_coupon_id: 'CP-LIFE', status: 4 }, { token });
    assert.equal(voided.text, '{"errcode":0}');
    got = await call(url, '/shop/coupon/get', { out_coupon_id: 'CP-LIFE' }, { token });
    assert.equal((got.json.result as any).coupon.status, 4);
  });

  test('coupon expiry waits for its end', async () => {
    const now = await nowSeconds();
    const body = couponBody('CP-EXPIRE', now, { info: { receive_info: { start_time: now - 10, end_time: now + 3600, limit_num_one_person: 1, total_num: 5 } } });
    assert.equal((await call(url, '/shop/coupon/add', body, { token })).text, '{"errcode":0}');
    assert.equal((await call(url, '/shop/coupon/update_status', { out_coupon_id: 'CP-EXPIRE', status: 2 }, { token })).text, '{"errcode":0}');
    const early = await call(url, '/shop/coupon/update_status', { out_coupon_id: 'CP-EXPIRE', status: 3 }, { token });
    assert.equal(early.json.errcode, 1090015);
    await advance(3601);
    const late = await call(url, '/shop/coupon/update_status', { out_coupon_id: 'CP-EXPIRE', status: 3 }, { token });
    assert.equal(late.text, '{"errcode":0}');
    const got = await call(url, '/shop/coupon/get', { out_coupon_id: 'CP-EXPIRE' }, { token });
    assert.equal((got.json.result as any).coupon.status, 3);
  });

  test('user claim through the callback', async () => {
    await activeCoupon('CP-CLAIM', 3);
    await admin(url, 'POST', `/apps/${APPID}/coupon-settings`, { callback_url: merchant.url });
    merchant.answer((body, res) => res.end(JSON.stringify({ out_user_coupon_id: 'UC-CB-1', request_id: body.request_id, ret_code: 0, ret_msg: 'ok', out_coupon_id: body.out_coupon_id })));
    const claim = await admin(url, 'POST', `/apps/${APPID}/coupons/claim`, { openid: openid(7), out_coupon_id: 'CP-CLAIM' });
    assert.equal(claim.status, 200, JSON.stringify(claim.json));
    assert.equal(claim.json.user_coupon.out_user_coupon_id, 'UC-CB-1');
    const sent = merchant.received.at(-1)!;
    assert.equal(sent.FromUserName, openid(7));
    assert.equal(sent.out_coupon_id, 'CP-CLAIM');
    assert.deepEqual(await stockOf('CP-CLAIM'), { issued_num: 2, receive_num: 1 });

    // The user redeems it on the platform side.
    const used = await admin(url, 'POST', `/apps/${APPID}/user-coupons/status`, { out_coupon_id: 'CP-CLAIM', out_user_coupon_id: 'UC-CB-1', action: 'use' });
    assert.equal(used.status, 200, JSON.stringify(used.json));
    assert.equal(used.json.user_coupon.status, 102);
    const listed = await admin(url, 'GET', `/apps/${APPID}/user-coupons?out_coupon_id=CP-CLAIM`);
    assert.equal(listed.json.total, 1);
    assert.equal(listed.json.user_coupons[0].status, 102);

    // A claim before the claim window opens never reaches the merchant.
    const start = (await nowSeconds()) + 3600;
    const early = couponBody('CP-LATER', start, { total: 3 }) as any;
    early.coupon.coupon_info.receive_info.start_time = start;
    assert.equal((await call(url, '/shop/coupon/add', early, { token })).text, '{"errcode":0}');
    assert.equal((await call(url, '/shop/coupon/update_status', { out_coupon_id: 'CP-LATER', status: 2 }, { token })).text, '{"errcode":0}');
    const calls = merchant.received.length;
    const tooEarly = await admin(url, 'POST', `/apps/${APPID}/coupons/claim`, { openid: openid(8), out_coupon_id: 'CP-LATER' });
    assert.equal(tooEarly.status, 409);
    assert.match(tooEarly.json.error.message, /1090043/);
    assert.equal(merchant.received.length, calls);

    // The merchant refuses the next claim.
    merchant.answer((body, res) => res.end(JSON.stringify({ out_user_coupon_id: '', request_id: body.request_id, ret_code: 1, ret_msg: 'limit', out_coupon_id: body.out_coupon_id })));
    const refused = await admin(url, 'POST', `/apps/${APPID}/coupons/claim`, { openid: openid(8), out_coupon_id: 'CP-CLAIM' });
    assert.equal(refused.status, 409);
    assert.match(refused.json.error.message, /1090033/);
    assert.deepEqual(await stockOf('CP-CLAIM'), { issued_num: 2, receive_num: 1 });
  });

  test('the clock job marks usable user coupons past their validity as expired', async () => {
    await activeCoupon('CP-UEXP', 2);
    const now = await nowSeconds();
    const user = openid(9);
    await call(url, '/shop/coupon/add_user_coupon', { openid: user, user_coupon: { out_user_coupon_id: 'UC-E', out_coupon_id: 'CP-UEXP', status: 100 }, recv_time: now }, { token });
    const moved = await admin(url, 'POST', '/clock/advance', { seconds: 8 * 86400 });
    assert.equal(moved.json.user_coupons_expired, 1);
    token = await getToken(url);
    const list = await call(url, '/shop/coupon/get_usercoupon_list', { openid: user, offset: 0, page_size: 10 }, { token });
    assert.equal((list.json.result_list as any[])[0].status, 101);
  });
});

describe('coupon stock under concurrency', () => {
  test('200 concurrent claims on stock 100', async () => {
    await activeCoupon('CP-RUSH', 100);
    const now = await nowSeconds();
    const calls = Array.from({ length: 200 }, (_, index) =>
      call(url, '/shop/coupon/add_user_coupon', {
        openid: openid(1000 + index),
        user_coupon: { out_user_coupon_id: `UC-RUSH-${index}`, out_coupon_id: 'CP-RUSH', status: 100 },
        recv_time: now,
      }, { token }),
    );
    const responses = await Promise.all(calls);
    const codes = responses.map((response) => response.json.errcode);
    assert.equal(codes.filter((code) => code === 0).length, 100);
    assert.equal(codes.filter((code) => code === 1090009).length, 100, `unexpected codes: ${[...new Set(codes)].join(',')}`);
    assert.deepEqual(await stockOf('CP-RUSH'), { issued_num: 0, receive_num: 100 });
    const listed = await admin(url, 'GET', `/apps/${APPID}/user-coupons?out_coupon_id=CP-RUSH&limit=500`);
    assert.equal(listed.json.total, 100);
  });
});

describe('coupon update racing activation', () => {
  test('stock matches the total_num stored last', async () => {
    for (let round = 0; round < 8; round++) {
      const id = `CP-RACE-${round}`;
      const add = await call(url, '/shop/coupon/add', couponBody(id, await nowSeconds(), { total: 1000 }), { token });
      assert.equal(add.text, '{"errcode":0}');
      const smaller = couponBody(id, await nowSeconds(), { total: 3 });
      const [update, activate] = await Promise.all([
        call(url, '/shop/coupon/update', smaller, { token }),
        call(url, '/shop/coupon/update_status', { out_coupon_id: id, status: 2 }, { token }),
      ]);
      assert.equal(activate.json.errcode, 0, activate.text);
      const got = await call(url, '/shop/coupon/get', { out_coupon_id: id }, { token });
      const total = (got.json.result as any).coupon.coupon_info.receive_info.total_num;
      assert.equal(total, update.json.errcode === 0 ? 3 : 1000, update.text);
      const stock = await stockOf(id);
      assert.equal(stock!.issued_num + stock!.receive_num, total, `round ${round}: ${JSON.stringify(stock)}`);
    }
  });
});

describe('coupon claim window', () => {
  test('a claim after the window of a valid_type 1 coupon is refused', async () => {
    const now = await nowSeconds();
    const body = couponBody('CP-WINDOW-1', now, { total: 3, info: { valid_info: { valid_type: 1, start_time: now - 60, end_time: now + 1000 } } }) as any;
    body.coupon.coupon_info.receive_info.end_time = now + 100;
    assert.equal((await call(url, '/shop/coupon/add', body, { token })).text, '{"errcode":0}');
    assert.equal((await call(url, '/shop/coupon/update_status', { out_coupon_id: 'CP-WINDOW-1', status: 2 }, { token })).text, '{"errcode":0}');
    await admin(url, 'POST', `/apps/${APPID}/coupon-settings`, { callback_url: merchant.url });
    merchant.answer((received, res) => res.end(JSON.stringify({ out_user_coupon_id: 'UC-WINDOW-1', request_id: received.request_id, ret_code: 0, ret_msg: 'ok', out_coupon_id: received.out_coupon_id })));
    await advance(200);
    const calls = merchant.received.length;
    const late = await admin(url, 'POST', `/apps/${APPID}/coupons/claim`, { openid: openid(9), out_coupon_id: 'CP-WINDOW-1' });
    assert.equal(late.status, 409, JSON.stringify(late.json));
    assert.match(late.json.error.message, /1090014/);
    assert.equal(merchant.received.length, calls);
  });
});
