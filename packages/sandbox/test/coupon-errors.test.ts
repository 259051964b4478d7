import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  admin,
  advanceClock,
  APPID,
  call,
  clockNow,
  getToken,
  productBody,
  RID_SUFFIX,
  startSandbox,
  uploadImage,
  type TestSandbox,
  type WireResponse,
} from './helpers.js';
import { CONFIRM_REPLY, couponBody, openid, range, registerBuyers, startMerchantCallback, type MerchantCallback } from './coupon-helpers.js';

/** Wire texts before ` rid: …`, copied here so that a change to the catalogue fails a test. */
const MESSAGE: Record<number, string> = {
  990004: '缺少openid',
  990005: 'page_size超过上限',
  990007: '',
  990008: '',
  990009: '开始时间不能晚于结束时间',
  1090001: '优惠券不存在',
  1090002: '优惠券id已存在',
  1090003: '用户优惠券不存在',
  1090004: '用户优惠券已存在',
  1090005: '优惠券库存不存在',
  1090006: '优惠券库存已存在',
  1090007: '优惠券id缺失',
  1090008: '优惠券当前状态不可编辑',
  1090009: '优惠券库存不足',
  1090010: '优惠券状态修改失败',
  1090011: '商品券缺少商品',
  1090012: '优惠券关联商品状态异常',
  1090013: '优惠券生效失败',
  1090014: '优惠券已过期',
  1090015: '优惠券未到过期时间',
  1090016: '优惠券作废失败',
  1090018: '生效中的优惠券不可编辑',
  1090019: '优惠券库存修正失败',
  1090020: '优惠券回调检验结果失败',
  1090021: '优惠券回调超时',
  1090022: '优惠券回调结果解析失败',
  1090023: '买赠信息不合法',
  1090024: '有效期类型不合法',
  1090025: '活动太火爆,请稍后重试',
  1090026: '用户优惠券id缺失',
  1090027: 'out_coupon_id缺失',
  1090028: '未完成优惠券能力校验',
  1090032: '回调优惠券系统失败',
  1090033: '优惠券系统返回逻辑错误',
  1090034: '不能通过该接口修改状态,请使用状态修改接口',
  1090035: '视频号推广信息不合法',
  1090036: '优惠券名称超过长度限制',
  1090037: '优惠券id超过长度限制',
  1090039: 'openid不合法',
  1090040: '重新校验失败,请重新验证',
  1090041: '用户优惠券状态更新失败',
  1090042: '用户优惠券id为空',
  1090043: '优惠券状态异常',
  1090044: '用户优惠券状态异常',
  1090045: '用户优惠券状态更新失败',
  1090046: '请求缺少coupon_info',
  1090047: '请求缺少优惠券名称',
  1090048: '请求缺少promote_info',
  1090049: '请求缺少discount_info',
  1090050: '请求缺少receive_info',
  1090051: '请求缺少valid_info',
  1090052: '换购信息不合法',
  1090053: '推广类型不一致',
  1090054: '优惠券类型与优惠信息不匹配',
  1090055: '优惠券类型不合法',
  1090065: '减免金额不合法',
};

let sandbox: TestSandbox;
let url: string;
let token: string;
let merchant: MerchantCallback;
let now: number;

before(async () => {
  sandbox = await startSandbox();
  url = sandbox.url;
  token = await getToken(url);
  merchant = await startMerchantCallback();
  now = Math.floor((await clockNow(url)) / 1000);
  await registerBuyers(url, range(1, 6));
});

after(async () => {
  await merchant.close();
  await sandbox.close();
});

function expectError(response: WireResponse, code: number): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, code, response.text);
  const errmsg = response.json.errmsg as string;
  assert.match(errmsg, RID_SUFFIX);
  assert.equal(errmsg.replace(RID_SUFFIX, ''), MESSAGE[code]);
}

const wire = (path: string, body: unknown) => call(url, `/shop/coupon/${path}`, body, { token });

async function couponStatus(id: string): Promise<number | undefined> {
  const response = await wire('get', { out_coupon_id: id });
  return response.json.errcode === 0 ? (response.json.result as any).coupon.status : undefined;
}

async function stockOf(id: string): Promise<{ issued_num: number; receive_num: number } | undefined> {
  const list = await wire('get_list', { offset: 0, page_size: 200 });
  return (list.json.result_list as any[]).find((entry) => entry.coupon.out_coupon_id === id)?.coupon_stock?.stock_info;
}

async function addCoupon(id: string, overrides: Parameters<typeof couponBody>[2] = {}): Promise<void> {
  const response = await wire('add', couponBody(id, now, overrides));
  assert.equal(response.text, '{"errcode":0}');
}

async function activeCoupon(id: string, total = 10): Promise<void> {
  await addCoupon(id, { total });
  assert.equal((await wire('update_status', { out_coupon_id: id, status: 2 })).text, '{"errcode":0}');
}

async function userCoupon(id: string, outUserCouponId: string, user = openid(1)): Promise<void> {
  const response = await wire('add_user_coupon', { openid: user, user_coupon: { out_user_coupon_id: outUserCouponId, out_coupon_id: id, status: 100 }, recv_time: now });
  assert.equal(response.text, '{"errcode":0}');
}

const armFault = (step: string) => admin(url, 'POST', `/apps/${APPID}/coupons/faults`, { step, count: 1 });

describe('confirm handshake codes', () => {
  test('1090028: coupon calls before a successful confirm', async () => {
    expectError(await wire('add', couponBody('CP-GATE', now)), 1090028);
    expectError(await wire('get_usercoupon_list', { openid: openid(1), offset: 0, page_size: 10 }), 1090028);
    assert.equal((await admin(url, 'GET', `/apps/${APPID}/coupons`)).json.total, 0);
  });

  test('1090032: no callback URL, or the callback answers a non-200 status', async () => {
    expectError(await wire('confirm', {}), 1090032);
    await admin(url, 'POST', `/apps/${APPID}/coupon-settings`, { callback_url: merchant.url, callback_timeout_ms: 300 });
    merchant.answer((_body, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    expectError(await wire('confirm', {}), 1090032);
    assert.equal((await admin(url, 'GET', `/apps/${APPID}/coupon-settings`)).json.settings.confirmed_at, null);
  });

  test('1090021: the callback does not answer in time', async () => {
    merchant.answer((_body, res) => setTimeout(() => res.end(JSON.stringify(CONFIRM_REPLY)), 1500));
    expectError(await wire('confirm', {}), 1090021);
  });

  test('1090022: the callback answers something that is not JSON', async () => {
    merchant.answer((_body, res) => res.end('success'));
    expectError(await wire('confirm', {}), 1090022);
  });

  test('1090020: the callback answers other values than the fixed test ones', async () => {
    merchant.answer((_body, res) => res.end(JSON.stringify({ ...CONFIRM_REPLY, out_user_coupon_id: 'mine' })));
    expectError(await wire('confirm', {}), 1090020);
  });

  test('1090033: the callback answers a non-zero ret_code', async () => {
    merchant.answer((_body, res) => res.end(JSON.stringify({ ...CONFIRM_REPLY, ret_code: 1 })));
    expectError(await wire('confirm', {}), 1090033);
    assert.equal((await admin(url, 'GET', `/apps/${APPID}/coupon-settings`)).json.settings.confirmed_at, null);
  });

  test('1090040: a failed repeat of a confirm keeps the earlier confirmation', async () => {
    merchant.answer((_body, res) => res.end(JSON.stringify(CONFIRM_REPLY)));
    assert.equal((await wire('confirm', {})).text, '{"errcode":0}');
    merchant.answer((_body, res) => res.end('nope'));
    expectError(await wire('confirm', {}), 1090040);
    assert.notEqual((await admin(url, 'GET', `/apps/${APPID}/coupon-settings`)).json.settings.confirmed_at, null);
    assert.equal((await wire('get_list', { offset: 0, page_size: 1 })).json.errcode, 0);
  });
});

describe('coupon add and update codes', () => {
  const mutate = (id: string, change: (coupon: any) => void) => {
    const body = couponBody(id, now) as any;
    change(body.coupon);
    return body;
  };

  const cases: [string, number, (coupon: any) => void][] = [
    ['1090007: out_coupon_id missing', 1090007, (c) => delete c.out_coupon_id],
    ['1090046: coupon_info missing', 1090046, (c) => delete c.coupon_info],
    ['1090047: name missing', 1090047, (c) => delete c.coupon_info.name],
    ['1090048: promote_info missing', 1090048, (c) => delete c.coupon_info.promote_info],
    ['1090049: discount_info missing', 1090049, (c) => delete c.coupon_info.discount_info],
    ['1090050: receive_info missing', 1090050, (c) => delete c.coupon_info.receive_info],
    ['1090051: valid_info missing', 1090051, (c) => delete c.coupon_info.valid_info],
    ['1090037: out_coupon_id longer than 128', 1090037, (c) => (c.out_coupon_id = 'X'.repeat(129))],
    ['1090036: name longer than 30', 1090036, (c) => (c.coupon_info.name = '券'.repeat(31))],
    ['1090055: type outside the enum', 1090055, (c) => (c.type = 7)],
    ['1090024: valid_type outside 1–3', 1090024, (c) => (c.coupon_info.valid_info = { valid_type: 9 })],
    ['1090035: promote_type other than 4', 1090035, (c) => (c.promote_type = 1)],
    ['1090053: the two promote types disagree', 1090053, (c) => (c.coupon_info.promote_info.promote_type = 1)],
    ['1090035: finder nickname missing', 1090035, (c) => (c.coupon_info.promote_info.finder = {})],
    ['990009: claim window reversed', 990009, (c) => (c.coupon_info.receive_info.start_time = now + 40 * 86400)],
    ['1090054: a reduction type with discount_num', 1090054, (c) => (c.coupon_info.discount_info = { discount_num: 9000 })],
    ['1090011: a product coupon without products', 1090011, (c) => {
      c.type = 4;
      c.coupon_info.discount_info = { discount_fee: 100, discount_condition: { out_product_ids: [] } };
    }],
    ['1090052: a trade-in coupon without tradein_info', 1090052, (c) => {
      c.type = 5;
      c.coupon_info.discount_info = { discount_condition: {} };
    }],
    ['1090023: a buy-get coupon with a zero count', 1090023, (c) => {
      c.type = 6;
      c.coupon_info.discount_info = { discount_condition: { buyget_info: { buy_out_product_id: 'P1', buy_product_cnt: 0, get_out_product_id: 'P2', get_product_cnt: 1 } } };
    }],
    ['1090065: discount_fee not below the price threshold', 1090065, (c) => {
      c.type = 102;
      c.coupon_info.discount_info = { discount_fee: 5000, discount_condition: { product_price: 5000 } };
    }],
    ['990007: total_num beyond 32 bits', 990007, (c) => (c.coupon_info.receive_info.total_num = 3_000_000_000)],
    ['990007: valid_day_num beyond 100 years', 990007, (c) => (c.coupon_info.valid_info = { valid_type: 2, valid_day_num: 200_000_000_000 })],
    ['990007: valid_second beyond 100 years', 990007, (c) => (c.coupon_info.valid_info = { valid_type: 3, valid_second: 9_000_000_000_000 })],
    ['990007: a claim window past the year 3000', 990007, (c) => (c.coupon_info.receive_info.end_time = 40_000_000_000)],
    ['990007: a negative price threshold', 990007, (c) => {
      c.type = 102;
      c.coupon_info.discount_info = { discount_fee: 100, discount_condition: { product_price: -500 } };
    }],
    ['990007: a negative count threshold', 990007, (c) => {
      c.type = 104;
      c.coupon_info.discount_info = { discount_fee: 100, discount_condition: { product_cnt: -3 } };
    }],
  ];

  for (const [name, code, change] of cases) {
    test(`add ${name}`, async () => {
      await admin(url, 'POST', `/apps/${APPID}/coupon-settings`, { confirmed: true });
      const id = `CP-BAD-${code}-${name.length}`;
      expectError(await wire('add', mutate(id, change)), code);
      assert.equal(await couponStatus(id), undefined);
    });
  }

  test('1090011 and 1090012: named products must exist and be on sale', async () => {
    const image = await uploadImage(url, token);
    assert.equal((await call(url, '/shop/spu/add', productBody('P-ON', image), { token })).json.errcode, 0);
    assert.equal((await call(url, '/shop/spu/add', productBody('P-OFF', image), { token })).json.errcode, 0);
    const approved = await admin(url, 'POST', `/apps/${APPID}/products/audit`, { out_product_id: 'P-ON', decision: 'approve' });
    assert.equal(approved.status, 200, JSON.stringify(approved.json));
    const productCoupon = (id: string, ids: string[]) =>
      mutate(id, (c) => {
        c.type = 4;
        c.coupon_info.discount_info = { discount_fee: 100, discount_condition: { out_product_ids: ids } };
      });
    expectError(await wire('add', productCoupon('CP-P1', ['P-NONE'])), 1090011);
    expectError(await wire('add', productCoupon('CP-P2', ['P-ON', 'P-OFF'])), 1090012);
    assert.equal((await wire('add', productCoupon('CP-P3', ['P-ON']))).text, '{"errcode":0}');
    assert.equal(await couponStatus('CP-P1'), undefined);
    assert.equal(await couponStatus('CP-P2'), undefined);
  });

  test('1090002: out_coupon_id already taken', async () => {
    await addCoupon('CP-DUP');
    expectError(await wire('add', couponBody('CP-DUP', now, { info: { name: '另一张' } })), 1090002);
    assert.equal((await wire('get', { out_coupon_id: 'CP-DUP' }) as any).json.result.coupon.coupon_info.name, '店铺直减券');
  });

  test('1090001: get and update of an unknown coupon', async () => {
    expectError(await wire('get', { out_coupon_id: 'CP-NOPE' }), 1090001);
    expectError(await wire('update', couponBody('CP-NOPE', now)), 1090001);
    assert.equal(await couponStatus('CP-NOPE'), undefined);
  });

  test('1090034: update carrying a status field', async () => {
    await addCoupon('CP-STATUSFIELD');
    expectError(await wire('update', couponBody('CP-STATUSFIELD', now, { coupon: { status: 2 } })), 1090034);
    assert.equal(await couponStatus('CP-STATUSFIELD'), 1);
  });

  test('1090018: update of an effective coupon; 1090008: update of a voided one', async () => {
    await activeCoupon('CP-RO');
    expectError(await wire('update', couponBody('CP-RO', now, { info: { name: '改名' } })), 1090018);
    assert.equal((await wire('update_status', { out_coupon_id: 'CP-RO', status: 4 })).text, '{"errcode":0}');
    expectError(await wire('update', couponBody('CP-RO', now, { info: { name: '改名' } })), 1090008);
    assert.equal(((await wire('get', { out_coupon_id: 'CP-RO' })).json.result as any).coupon.coupon_info.name, '店铺直减券');
  });

  test('990005: get_list page_size above 200', async () => {
    expectError(await wire('get_list', { offset: 0, page_size: 201 }), 990005);
  });
});

describe('coupon status and stock codes', () => {
  test('1090010: a transition outside the table', async () => {
    await addCoupon('CP-T1');
    expectError(await wire('update_status', { out_coupon_id: 'CP-T1', status: 4 }), 1090010);
    expectError(await wire('update_status', { out_coupon_id: 'CP-T1', status: 1 }), 1090010);
    assert.equal(await couponStatus('CP-T1'), 1);
  });

  test('1090015: expiry before the end time', async () => {
    await activeCoupon('CP-T2');
    expectError(await wire('update_status', { out_coupon_id: 'CP-T2', status: 3 }), 1090015);
    assert.equal(await couponStatus('CP-T2'), 2);
  });

  test('1090013, 1090006 and 1090016: internal failures armed through the admin API', async () => {
    await addCoupon('CP-F1');
    await armFault('activate');
    expectError(await wire('update_status', { out_coupon_id: 'CP-F1', status: 2 }), 1090013);
    await armFault('activate_stock_exists');
    expectError(await wire('update_status', { out_coupon_id: 'CP-F1', status: 2 }), 1090006);
    assert.equal(await couponStatus('CP-F1'), 1);
    assert.equal((await wire('update_status', { out_coupon_id: 'CP-F1', status: 2 })).text, '{"errcode":0}');
    await armFault('void');
    expectError(await wire('update_status', { out_coupon_id: 'CP-F1', status: 4 }), 1090016);
    assert.equal(await couponStatus('CP-F1'), 2);
  });

  test('1090005: stock of a coupon never made effective', async () => {
    await addCoupon('CP-S1');
    expectError(await wire('update_coupon_stock', { coupon_stock: { out_coupon_id: 'CP-S1', stock_info: { issued_num: 1, receive_num: 0 } } }), 1090005);
    assert.equal(await stockOf('CP-S1'), undefined);
  });

  test('1090009 and 1090019: impossible stock numbers, and a failed correction', async () => {
    await activeCoupon('CP-S2', 10);
    expectError(await wire('update_coupon_stock', { coupon_stock: { out_coupon_id: 'CP-S2', stock_info: { issued_num: 8, receive_num: 5 } } }), 1090009);
    await armFault('stock_fix');
    expectError(await wire('update_coupon_stock', { coupon_stock: { out_coupon_id: 'CP-S2', stock_info: { issued_num: 5, receive_num: 5 } } }), 1090019);
    assert.deepEqual(await stockOf('CP-S2'), { issued_num: 10, receive_num: 0 });
  });

  test('1090007: stock and status calls without out_coupon_id', async () => {
    expectError(await wire('update_coupon_stock', { coupon_stock: { stock_info: { issued_num: 1, receive_num: 0 } } }), 1090007);
    expectError(await wire('update_status', { status: 2 }), 1090007);
  });

  test('1090014: activation and claims after the coupon ended', async () => {
    const body = couponBody('CP-END', now, { info: { receive_info: { start_time: now - 10, end_time: now + 100, limit_num_one_person: 1, total_num: 5 } } });
    assert.equal((await wire('add', body)).text, '{"errcode":0}');
    const body2 = couponBody('CP-END2', now, { info: { receive_info: { start_time: now - 10, end_time: now + 100, limit_num_one_person: 1, total_num: 5 } } });
    assert.equal((await wire('add', body2)).text, '{"errcode":0}');
    assert.equal((await wire('update_status', { out_coupon_id: 'CP-END2', status: 2 })).text, '{"errcode":0}');
    await advanceClock(url, 200);
    token = await getToken(url);
    expectError(await wire('update_status', { out_coupon_id: 'CP-END', status: 2 }), 1090014);
    expectError(await wire('add_user_coupon', { openid: openid(2), user_coupon: { out_user_coupon_id: 'U-END', out_coupon_id: 'CP-END2', status: 100 }, recv_time: now }), 1090014);
    assert.equal((await wire('update_status', { out_coupon_id: 'CP-END2', status: 3 })).text, '{"errcode":0}');
    expectError(await wire('update_status', { out_coupon_id: 'CP-END2', status: 4 }), 1090014);
    assert.equal(await couponStatus('CP-END'), 1);
    assert.deepEqual(await stockOf('CP-END2'), { issued_num: 5, receive_num: 0 });
    now = Math.floor((await clockNow(url)) / 1000);
  });
});

describe('user coupon codes', () => {
  const add = (body: Record<string, unknown>) => wire('add_user_coupon', body);
  const good = (overrides: Record<string, unknown> = {}, userCoupon: Record<string, unknown> = {}) => ({
    openid: openid(3),
    user_coupon: { out_user_coupon_id: 'UC-X', out_coupon_id: 'CP-U', status: 100, ...userCoupon },
    recv_time: now,
    ...overrides,
  });

  test('user coupon field codes: 990004, 1090039, 1090026, 1090042, 1090027, 1090037, 1090044', async () => {
    await activeCoupon('CP-U', 3);
    expectError(await add(good({ openid: undefined })), 990004);
    expectError(await add(good({ openid: 'oUSER_FAKE_0001' })), 1090039);
    // Well-formed but not a buyer of this app: never created, or a buyer of another app.
    expectError(await add(good({ openid: openid(99) })), 1090039);
    expectError(await add(good({ openid: openid(3, 'wx00000000000000b2') })), 1090039);
    expectError(await wire('get_usercoupon_list', { openid: openid(98), offset: 0, page_size: 10 }), 1090039);
    // The built-in buyers every app starts with are users of it.
    const builtin = (await admin(url, 'GET', `/apps/${APPID}/buyers`)).json.buyers.find((buyer: { builtin: boolean }) => buyer.builtin).openid;
    const listed = await wire('get_usercoupon_list', { openid: builtin, offset: 0, page_size: 10 });
    assert.equal(listed.json.errcode, 0, listed.text);
    expectError(await add({ ...good(), user_coupon: { out_coupon_id: 'CP-U', status: 100 } }), 1090026);
    expectError(await add(good({}, { out_user_coupon_id: '' })), 1090042);
    expectError(await add(good({}, { out_coupon_id: undefined })), 1090027);
    expectError(await add(good({}, { out_user_coupon_id: 'U'.repeat(129) })), 1090037);
    expectError(await add(good({}, { status: 103 })), 1090044);
    assert.deepEqual(await stockOf('CP-U'), { issued_num: 3, receive_num: 0 });
  });

  test('1090001 and 1090043: unknown coupon, and a coupon not yet effective', async () => {
    expectError(await add(good({}, { out_coupon_id: 'CP-NONE' })), 1090001);
    await addCoupon('CP-U-EDIT');
    expectError(await add(good({}, { out_coupon_id: 'CP-U-EDIT' })), 1090043);
    const listed = await wire('get_usercoupon_list', { openid: openid(3), offset: 0, page_size: 10 });
    assert.equal(listed.json.total_num, 0);
  });

  test('1090004, 1090009 and 1090025 on claims', async () => {
    await activeCoupon('CP-U2', 2);
    assert.equal((await add(good({}, { out_coupon_id: 'CP-U2', out_user_coupon_id: 'UC-1' }))).text, '{"errcode":0}');
    expectError(await add(good({}, { out_coupon_id: 'CP-U2', out_user_coupon_id: 'UC-1' })), 1090004);
    await armFault('claim_rush');
    expectError(await add(good({}, { out_coupon_id: 'CP-U2', out_user_coupon_id: 'UC-2' })), 1090025);
    assert.equal((await add(good({}, { out_coupon_id: 'CP-U2', out_user_coupon_id: 'UC-2' }))).text, '{"errcode":0}');
    expectError(await add(good({}, { out_coupon_id: 'CP-U2', out_user_coupon_id: 'UC-3' })), 1090009);
    assert.deepEqual(await stockOf('CP-U2'), { issued_num: 0, receive_num: 2 });
  });

  test('990005: get_usercoupon_list page_size above 200', async () => {
    expectError(await wire('get_usercoupon_list', { openid: openid(3), offset: 0, page_size: 201 }), 990005);
  });

  test('1090003, 1090034: update_user_coupon on a missing pair, or with a status', async () => {
    await activeCoupon('CP-U3', 5);
    await userCoupon('CP-U3', 'UC-A', openid(4));
    expectError(await wire('update_user_coupon', { openid: openid(4), user_coupon: { out_user_coupon_id: 'UC-NONE', out_coupon_id: 'CP-U3' }, recv_time: now }), 1090003);
    expectError(await wire('update_user_coupon', { openid: openid(5), user_coupon: { out_user_coupon_id: 'UC-A', out_coupon_id: 'CP-U3' }, recv_time: now }), 1090003);
    expectError(await wire('update_user_coupon', { openid: openid(4), user_coupon: { out_user_coupon_id: 'UC-A', out_coupon_id: 'CP-U3', status: 102 }, recv_time: now }), 1090034);
    const listed = await wire('get_usercoupon_list', { openid: openid(4), offset: 0, page_size: 10 });
    assert.equal((listed.json.result_list as any[])[0].status, 100);
  });

  test('1090044, 1090041, 1090045: status changes outside the table, and failed writes', async () => {
    await activeCoupon('CP-U4', 5);
    await userCoupon('CP-U4', 'UC-B', openid(6));
    const status = (value: number) => wire('update_usercoupon_status', { openid: openid(6), out_coupon_id: 'CP-U4', out_user_coupon_id: 'UC-B', status: value });
    await armFault('user_status');
    expectError(await status(102), 1090041);
    await armFault('user_status_second');
    expectError(await status(102), 1090045);
    assert.equal((await status(103)).text, '{"errcode":0}');
    expectError(await status(100), 1090044);
    expectError(await status(105), 1090044);
    const listed = await wire('get_usercoupon_list', { openid: openid(6), offset: 0, page_size: 10 });
    assert.equal((listed.json.result_list as any[])[0].status, 103);
  });
});
