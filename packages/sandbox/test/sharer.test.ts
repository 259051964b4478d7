import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, advanceClock, APPID, call, getToken, RID_SUFFIX, startSandbox, type TestSandbox, type WireResponse } from './helpers.js';
import { openid, range, registerBuyers } from './coupon-helpers.js';
import { addOrder, buyers, v2Order } from './order-support.js';

/** Wire texts before ` rid: …`, copied here so that a change to the catalogue fails a test. */
const MESSAGE: Record<number, string> = {
  990005: 'page_size超过上限',
  990007: '',
  1310001: '分享员数量已达上限',
  1310002: '分享员openid为空',
  1310003: 'openid数量超过100个',
  1310004: '分享员未邀请或已解绑',
};

let sandbox: TestSandbox;
let url: string;
let token: string;

before(async () => {
  sandbox = await startSandbox();
  url = sandbox.url;
  token = await getToken(url);
  await registerBuyers(url, [...range(101, 106), ...range(5000, 5019)]);
});

after(async () => {
  await sandbox.close();
});

function expectError(response: WireResponse, code: number): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, code, response.text);
  const errmsg = response.json.errmsg as string;
  assert.match(errmsg, RID_SUFFIX);
  assert.equal(errmsg.replace(RID_SUFFIX, ''), MESSAGE[code]);
}

const wire = (path: string, body: unknown) => call(url, `/shop/sharer/${path}`, body, { token });
const respond = (user: string, decision: string, extra: Record<string, unknown> = {}) =>
  admin(url, 'POST', `/apps/${APPID}/sharers/respond`, { openid: user, decision, ...extra });

async function advance(seconds: number): Promise<void> {
  await advanceClock(url, seconds);
  token = await getToken(url);
}

async function sharerEvents(user: string): Promise<any[]> {
  const result = await admin(url, 'GET', `/apps/${APPID}/events`);
  return (result.json.events as any[]).filter((event) => event.payload.openid === user).map((event) => event.payload);
}

describe('sharer binding', () => {
  test('bind, accept and list a sharer', async () => {
    const user = openid(101);
    const bind = await wire('bind', { openids: [user, 'not-an-openid'] });
    assert.equal(bind.json.errcode, 0, bind.text);
    assert.deepEqual(bind.json.success_list, [user]);
    assert.deepEqual(bind.json.refuse_list, ['not-an-openid']);
    assert.deepEqual(bind.json.fail_list, []);
    assert.deepEqual(bind.json.result_list, [
      { openid: user, result_code: 0, reason_code: 0 },
      { openid: 'not-an-openid', result_code: 2, reason_code: 201 },
    ]);

    let search = await wire('search_sharer', { openid: user });
    assert.equal(search.json.bind_status, 3);
    assert.equal(search.json.bind_time, 0);
    assert.equal(typeof search.json.invited_time, 'number');

    const accepted = await respond(user, 'accept', { nickname: '小美' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.json));
    search = await wire('search_sharer', { openid: user });
    assert.equal(search.json.bind_status, 1);
    assert.equal(search.json.nickname, '小美');
    assert.ok((search.json.bind_time as number) > 0);

    const events = await sharerEvents(user);
    assert.equal(events.length, 1);
    assert.equal(events[0].Event, 'miniprogram_sharer_bind_status_change');
    assert.equal(events[0].bind_status, 1);
    assert.equal(events[0].MsgType, 'event');

    const list = await wire('get_sharer_list', { page: 1, page_size: 10 });
    assert.equal(list.json.total_num, 1);
    assert.equal((list.json.sharers as any[])[0].openid, user);
    assert.equal((list.json.sharers as any[])[0].nickname, '小美');

    const again = await wire('bind', { openids: [user] });
    assert.deepEqual(again.json.result_list, [{ openid: user, result_code: 2, reason_code: 202 }]);

    const summary = await wire('get_sharer_data_summary', { openid: user });
    assert.equal(summary.json.errcode, 0);
    assert.deepEqual([summary.json.gmv, summary.json.order_cnt, summary.json.user_cnt], [0, 0, 0]);
    const lives = await wire('get_sharer_live_summary_list', { openid: user, page: 1, page_size: 20 });
    assert.deepEqual([lives.json.lives, lives.json.total_num], [[], 0]);
    const orders = await wire('get_sharer_live_order_list', { openid: user, live_export_id: 'export/1', page: 1, page_size: 10 });
    assert.deepEqual([orders.json.orders, orders.json.total_num], [[], 0]);
  });

  test('unbind waits a day after binding', async () => {
    const user = openid(102);
    await wire('bind', { openids: [user] });
    await respond(user, 'accept');
    const early = await wire('unbind', { openids: [user] });
    assert.equal(early.json.errcode, 0);
    assert.deepEqual(early.json.refuse_list, [user]);
    assert.equal((await wire('search_sharer', { openid: user })).json.bind_status, 1);

    await advance(24 * 3600 + 1);
    const done = await wire('unbind', { openids: [user] });
    assert.deepEqual(done.json.success_list, [user]);
    const events = await sharerEvents(user);
    assert.deepEqual(events.map((event) => event.bind_status), [1, 2]);
    expectError(await wire('search_sharer', { openid: user }), 1310004);
  });

  test('a refused invitation may be sent again, unless the user declines further ones', async () => {
    const user = openid(103);
    await wire('bind', { openids: [user] });
    assert.equal((await respond(user, 'refuse')).json.sharer.bind_status, 2);
    assert.equal((await wire('search_sharer', { openid: user })).json.bind_status, 2);
    await advance(11 * 60);
    const again = await wire('bind', { openids: [user] });
    assert.deepEqual(again.json.success_list, [user]);
    await respond(user, 'refuse', { refuse_future: true });
    await advance(11 * 60);
    const declined = await wire('bind', { openids: [user] });
    assert.deepEqual(declined.json.result_list, [{ openid: user, result_code: 2, reason_code: 203 }]);
    assert.equal((await wire('search_sharer', { openid: user })).json.bind_status, 2);
  });

  test('invitation frequency limits (reason 204)', async () => {
    const user = openid(104);
    assert.deepEqual((await wire('bind', { openids: [user] })).json.success_list, [user]);
    const tooSoon = await wire('bind', { openids: [user] });
    assert.deepEqual(tooSoon.json.fail_list, [user]);
    assert.deepEqual(tooSoon.json.result_list, [{ openid: user, result_code: 1, reason_code: 204 }]);
    await respond(user, 'expire');
    assert.equal((await wire('search_sharer', { openid: user })).json.bind_status, 4);
    await advance(11 * 60);
    assert.deepEqual((await wire('bind', { openids: [user] })).json.success_list, [user]);
    await advance(11 * 60);
    assert.deepEqual((await wire('bind', { openids: [user] })).json.success_list, [user]);
    await advance(11 * 60);
    assert.deepEqual((await wire('bind', { openids: [user] })).json.result_list, [{ openid: user, result_code: 1, reason_code: 204 }]);
  });

  test('set_share_mode stores the mode and promoter/list lists the promoters', async () => {
    const set = await wire('set_share_mode', { share_mode: 1 });
    assert.equal(set.json.errcode, 0);
    assert.equal((await admin(url, 'GET', `/apps/${APPID}/sharers`)).json.share_mode, 1);
    expectError(await wire('set_share_mode', {}), 990007);
    // The mode is kept in an integer column, which PostgreSQL limits to 32 bits (-1 system error before).
    expectError(await wire('set_share_mode', { share_mode: 2 ** 40 }), 990007);
    assert.equal((await admin(url, 'GET', `/apps/${APPID}/sharers`)).json.share_mode, 1);

    const created = await admin(url, 'POST', `/apps/${APPID}/promoters`, { finder_nickname: '好物直播间', promoter_id: 'finder_1', promoter_openid: openid(900) });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const list = await call(url, '/shop/promoter/list', { page: 1, page_size: 20 }, { token });
    assert.equal(list.json.total_num, 1);
    assert.deepEqual(list.json.promoters, [{ finder_nickname: '好物直播间', promoter_id: 'finder_1', promoter_openid: openid(900) }]);
    expectError(await call(url, '/shop/promoter/list', { page: 1, page_size: 21 }, { token }), 990005);
  });

  test('a bound sharer sharing a live room pushes miniprogram_sharer_action', async () => {
    const user = openid(105);
    await wire('bind', { openids: [user] });
    await respond(user, 'accept');
    const shared = await admin(url, 'POST', `/apps/${APPID}/sharers/share`, { openid: user, type: 1, promoter_id: 'finder_1' });
    assert.equal(shared.status, 200, JSON.stringify(shared.json));
    const event = (await sharerEvents(user)).find((payload) => payload.Event === 'miniprogram_sharer_action');
    assert.ok(event);
    assert.equal(event.type, 1);
    assert.equal(event.promoter.finder_nickname, '好物直播间');
  });
});

describe('sharer sales', () => {
  test('an openid that is not a buyer of the app is refused with reason 201', async () => {
    const stranger = openid(6000);
    const foreign = openid(101, 'wx00000000000000b2');
    const bind = await wire('bind', { openids: [stranger, foreign] });
    assert.equal(bind.json.errcode, 0, bind.text);
    assert.deepEqual(bind.json.result_list, [
      { openid: stranger, result_code: 2, reason_code: 201 },
      { openid: foreign, result_code: 2, reason_code: 201 },
    ]);
  });

  test('get_sharer_data_summary totals the paid orders that name the sharer', async () => {
    const user = openid(106);
    await wire('bind', { openids: [user] });
    await respond(user, 'accept');
    const [first, second] = await buyers(url);
    const promotion = { sharer_openid: user };
    const place = async (buyer: string, outOrderId: string, pay: boolean, promotionInfo: Record<string, string> = promotion) => {
      const body = await v2Order(url, buyer, outOrderId);
      (body.order_detail as Record<string, unknown>).promotion_info = promotionInfo;
      const orderId = await addOrder(url, token, body);
      if (pay) assert.equal((await admin(url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`)).status, 200);
    };
    await place(first!, 'SHARED-1', true);
    await place(first!, 'SHARED-2', true);
    await place(second!, 'SHARED-3', true);
    // Not counted: unpaid, and paid but brought by another sharer.
    await place(second!, 'SHARED-4', false);
    await place(second!, 'SHARED-5', true, { sharer_openid: openid(105) });
    const summary = await wire('get_sharer_data_summary', { openid: user });
    assert.equal(summary.json.errcode, 0, summary.text);
    assert.deepEqual([summary.json.gmv, summary.json.order_cnt, summary.json.user_cnt], [3 * 2800, 3, 2]);
  });
});

describe('sharer binding under concurrency', () => {
  test('concurrent binds in opposite orders', async () => {
    const users = Array.from({ length: 20 }, (_, index) => openid(5000 + index));
    const reversed = [...users].reverse();
    const responses = await Promise.all(Array.from({ length: 10 }, (_, index) => wire('bind', { openids: index % 2 === 0 ? users : reversed })));
    for (const response of responses) assert.equal(response.json.errcode, 0, response.text);
    const invited = new Set(responses.flatMap((response) => response.json.success_list as string[]));
    assert.deepEqual([...invited].sort(), [...users].sort());
    for (const user of users) assert.equal((await wire('search_sharer', { openid: user })).json.bind_status, 3);
  });
});

describe('sharer error codes', () => {
  test('1310002: openids or openid not supplied', async () => {
    expectError(await wire('bind', {}), 1310002);
    expectError(await wire('bind', { openids: [] }), 1310002);
    expectError(await wire('unbind', {}), 1310002);
    expectError(await wire('search_sharer', {}), 1310002);
    expectError(await wire('get_sharer_data_summary', { openid: '' }), 1310002);
    expectError(await wire('get_sharer_live_summary_list', { page: 1, page_size: 10 }), 1310002);
    expectError(await wire('get_sharer_live_order_list', { live_export_id: 'x', page: 1, page_size: 10 }), 1310002);
  });

  test('1310003: more than 100 openids in one request', async () => {
    const many = Array.from({ length: 101 }, (_, index) => openid(2000 + index));
    expectError(await wire('bind', { openids: many }), 1310003);
    expectError(await wire('unbind', { openids: many }), 1310003);
    expectError(await wire('search_sharer', { openid: many[0] }), 1310004);
  });

  test('1310004: never invited, or already unbound', async () => {
    const stranger = openid(3000);
    expectError(await wire('unbind', { openids: [stranger] }), 1310004);
    expectError(await wire('search_sharer', { openid: stranger }), 1310004);
    expectError(await wire('get_sharer_data_summary', { openid: stranger }), 1310004);
    expectError(await wire('get_sharer_live_summary_list', { openid: stranger, page: 1, page_size: 10 }), 1310004);
    expectError(await wire('get_sharer_live_order_list', { openid: stranger, live_export_id: 'x', page: 1, page_size: 10 }), 1310004);
  });

  test('990005: page_size above the caps of the sharer lists', async () => {
    expectError(await wire('get_sharer_list', { page: 1, page_size: 101 }), 990005);
    const user = openid(101);
    expectError(await wire('get_sharer_live_summary_list', { openid: user, page: 1, page_size: 21 }), 990005);
  });

  test('1310001: bind when the app already has 10 000 bound sharers', async () => {
    // Filling the cap through the wire would take 10 000 invitations; the rows are written directly.
    const db = sandbox.sandbox.services.storage.db;
    const rows = Array.from({ length: 10_000 }, (_, index) => ({
      appid: APPID,
      openid: openid(100_000 + index),
      bind_status: 1,
      nickname: 'x',
      invited_time: 1,
      bind_time: 1,
      invite_times: '[]',
      refuses_invites: 0,
      update_time: 1,
    }));
    for (let start = 0; start < rows.length; start += 500) await db.insertInto('sharers').values(rows.slice(start, start + 500)).execute();
    const user = openid(4000);
    expectError(await wire('bind', { openids: [user] }), 1310001);
    expectError(await wire('search_sharer', { openid: user }), 1310004);
  });
});
