// Two `wxshop serve` processes on one database receive the same claims and payments at once.
// Coupon stock must not be oversold or run out early. Each order must be paid once and get one
// after-sale request on a line, whichever process the calls reach. Orders do not take
// product stock (the platform treats stock_num as information only), so coupon stock is the
// stock that claims consume.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, APPID, SECRET, call, clockNow, getToken } from '../helpers.js';
import { addOrder, buyers, chinaTime, v2Order } from '../order-support.js';
import { processDatabase, sized, startProcess, type SandboxProcess } from './process.js';
import { couponStock, effectiveCoupon, eventsPerOrder, userCouponIds } from './shop-state.js';

const ROUNDS = sized(2, 10);
const STOCK = sized(100, 500);
const ORDERS = sized(20, 200);

const REDIS_URL = process.env.WXSHOP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Starts two processes on one database; with `redis`, both keep their quota counters there too. */
async function pair(dbUrl: string, redis = false): Promise<[SandboxProcess, SandboxProcess]> {
  const args = ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn'];
  if (redis) args.push('--redis', REDIS_URL, '--redis-prefix', `wxshop-test:${process.pid}:${Date.now()}:`);
  const first = await startProcess(dbUrl, args);
  try {
    return [first, await startProcess(dbUrl, args)];
  } catch (error) {
    await first.stop();
    throw error;
  }
}

test('coupon stock across two processes', { timeout: sized(120_000, 900_000) }, async (t) => {
  const db = processDatabase('claims');
  try {
    // This test gives both processes one Redis as well; the payment test below runs without one.
    const servers = await pair(db.url, true);
    try {
      const tokens = await Promise.all(servers.map((server) => getToken(server.url)));
      const [buyer] = await buyers(servers[0].url);
      const now = Math.floor((await clockNow(servers[0].url)) / 1000);
      let claims = 0;
      const grantedBy = [0, 0];
      for (let round = 0; round < ROUNDS; round++) {
        const coupon = `PAIR-${round}`;
        await effectiveCoupon(servers[round % 2].url, tokens[round % 2]!, coupon, STOCK, now);
        // Every claim is sent at once, alternately to each process.
        const responses = await Promise.all(
          Array.from({ length: STOCK * 2 }, (_, index) =>
            call(servers[index % 2]!.url, '/shop/coupon/add_user_coupon', {
              openid: buyer,
              user_coupon: { out_user_coupon_id: `${coupon}-${index}`, out_coupon_id: coupon, status: 100 },
              recv_time: now,
            }, { token: tokens[index % 2] }),
          ),
        );
        const codes = responses.map((response) => response.json.errcode);
        const granted = responses.flatMap((response, index) => (response.json.errcode === 0 ? [`${coupon}-${index}`] : []));
        assert.equal(granted.length, STOCK, `round ${round}: ${granted.length} claims granted on a stock of ${STOCK}`);
        assert.deepEqual([...new Set(codes.filter((code) => code !== 0))], [1090009], `round ${round}: unexpected codes ${[...new Set(codes)].join(',')}`);
        for (const server of servers) {
          assert.deepEqual(await couponStock(server.url, coupon), { issued_num: 0, receive_num: STOCK });
          assert.deepEqual(new Set(await userCouponIds(server.url, coupon)), new Set(granted));
        }
        for (const id of granted) grantedBy[Number(id.slice(id.lastIndexOf('-') + 1)) % 2]!++;
        claims += responses.length;
      }
      // Both processes granted claims, so the race really ran across them. Within one round a
      // process can win every claim when the other is slower to start, so the rounds count together.
      assert.ok(grantedBy[0]! > 0, 'the first process granted nothing');
      assert.ok(grantedBy[1]! > 0, 'the second process granted nothing');
      t.diagnostic(`${ROUNDS} rounds, ${claims} claims on ${ROUNDS} coupons of ${STOCK}: ${ROUNDS * STOCK} granted, none oversold`);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  } finally {
    await db.remove();
  }
});

test('payment and after-sale across two processes', { timeout: sized(120_000, 900_000) }, async (t) => {
  const db = processDatabase('pay');
  try {
    const servers = await pair(db.url);
    try {
      const tokens = await Promise.all(servers.map((server) => getToken(server.url)));
      const [buyer] = await buyers(servers[0].url);
      const ids: string[] = [];
      for (let n = 0; n < ORDERS; n++) {
        const outOrderId = `PAIR-O-${n}`;
        await addOrder(servers[n % 2].url, tokens[n % 2]!, await v2Order(servers[0].url, buyer!, outOrderId));
        ids.push(outOrderId);
      }

      // Each order is paid through both processes at the same moment: one payment is taken.
      const pays = await Promise.all(ids.flatMap((id) => servers.map((server) => admin(server.url, 'POST', `/apps/${APPID}/orders/${id}/pay`))));
      for (const [index, id] of ids.entries()) {
        const statuses = [pays[index * 2]!.status, pays[index * 2 + 1]!.status].sort();
        assert.equal(statuses[0], 200, `${id}: no payment was taken (${statuses.join(', ')})`);
        // The other payment is rejected because the order is paid (409), never with a storage error.
        assert.equal(statuses[1], 409, `${id}: paid twice or failed (${statuses.join(', ')})`);
      }
      const payEvents = await eventsPerOrder(servers[1].url, 'open_product_order_pay', 'order_info');
      for (const id of ids) assert.equal(payEvents.get(id), 1, `${id}: ${payEvents.get(id) ?? 0} pay events`);

      // Each order is shipped once, then both processes open a refund on the same line at once.
      for (const [n, id] of ids.entries()) {
        const sent = await call(servers[n % 2]!.url, '/shop/delivery/send', {
          out_order_id: id,
          openid: buyer,
          finish_all_delivery: 1,
          ship_done_time: chinaTime(Date.now()),
          delivery_list: [{ delivery_id: 'YTO', waybill_id: `YT${id}`, product_info_list: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 2 }, { out_product_id: 'P-2', out_sku_id: 'S-2', product_cnt: 1 }] }],
        }, { token: tokens[n % 2] });
        assert.equal(sent.json.errcode, 0, sent.text);
      }
      const refund = (id: string) => ({ out_order_id: id, openid: buyer, type: 1, product_info: { out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 }, refund_reason: '并发测试', refund_reason_type: 8, orderamt: 100 });
      const adds = await Promise.all(ids.flatMap((id) => servers.map((server, index) => call(server.url, '/shop/ecaftersale/add', refund(id), { token: tokens[index] }))));
      for (const [index, id] of ids.entries()) {
        const codes = [adds[index * 2]!.json.errcode, adds[index * 2 + 1]!.json.errcode];
        assert.equal(codes.filter((code) => code === 0).length, 1, `${id}: after-sale adds answered ${codes.join(', ')}`);
        // The other call finds an open request on the line (2747020) or loses the write race (2747026), never -1.
        for (const code of codes) assert.ok([0, 2747020, 2747026].includes(code as number), `${id}: after-sale adds answered ${codes.join(', ')}`);
        const list = await call(servers[index % 2]!.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 10, out_order_id: id }, { token: tokens[index % 2] });
        assert.equal((list.json.after_sales_orders as unknown[]).length, 1, `${id}: ${list.text}`);
      }
      const aftersaleEvents = await eventsPerOrder(servers[0].url, 'aftersale_new_order', 'aftersale_info');
      for (const id of ids) assert.equal(aftersaleEvents.get(id), 1, `${id}: ${aftersaleEvents.get(id) ?? 0} after-sale events`);
      const refused = adds.map((response) => response.json.errcode).filter((code) => code !== 0);
      t.diagnostic(`${ORDERS} orders paid once and given one after-sale each; the losing adds answered ${[...new Set(refused)].join(', ')}`);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  } finally {
    await db.remove();
  }
});
