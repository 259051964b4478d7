// Kills the sandbox with SIGKILL in the middle of a write load, restarts it on the same database
// and checks that every write it acknowledged is there, whole, and every delete it acknowledged
// stuck. One test loads products. The other loads orders (add, pay, ship), coupon claims and
// after-sale requests, and also checks that no write is half applied. Runs on the database the
// suite is set to (SQLite file or PostgreSQL schema).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { stringifyJson } from '@wxshop/api';
import { admin, APPID, SECRET, call, clockNow, getToken, productBody, uploadImage } from '../helpers.js';
import { buyers, chinaTime, v2Order } from '../order-support.js';
import { processDatabase, sized, startProcess, type SandboxProcess } from './process.js';
import { couponStock, effectiveCoupon, eventsPerOrder, userCouponIds } from './shop-state.js';

const CYCLES = sized(3, 20);
const WRITERS = 6;

interface Acknowledged {
  productId: string;
  title: string;
  skuCount: number;
}

test(`acknowledged writes survive ${CYCLES} kill -9 cycles`, { timeout: sized(120_000, 900_000) }, async (t) => {
  const db = processDatabase('crash');
  const added = new Map<string, Acknowledged>();
  const deleted = new Set<string>();
  const uncertain = new Set<string>();
  let image = '';
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await startProcess(db.url, ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn']);
      try {
        const token = await getToken(server.url);
        if (cycle === 0) image = await uploadImage(server.url, token);
        await checkAcknowledged(server.url, token, added, deleted, uncertain);

        // Writers add products (two skus each) and delete some of the ones already acknowledged,
        // until the process dies under them.
        let stopped = false;
        const writer = async (index: number) => {
          for (let n = 0; !stopped; n++) {
            const outId = `c${cycle}-w${index}-${n}`;
            const title = `断电测试商品 ${outId}`;
            const firstSku = productBody(outId, image).skus[0]!;
            const body = productBody(outId, image, { title, skus: [firstSku, { ...firstSku, out_sku_id: `${outId}-S2`, sale_price: 6900 }] });
            try {
              const response = await call(server.url, '/shop/spu/add', body, { token });
              if (response.json.errcode === 0) {
                const data = response.json.data as Record<string, unknown>;
                added.set(outId, { productId: String(data.product_id), title, skuCount: 2 });
              }
              if (n % 5 === 4) {
                const victim = `c${cycle}-w${index}-${n - 2}`;
                if (added.has(victim)) {
                  // Until the response arrives, the delete may or may not have happened.
                  uncertain.add(victim);
                  const removal = await call(server.url, '/shop/spu/del', { out_product_id: victim }, { token });
                  if (removal.json.errcode === 0) deleted.add(victim);
                  uncertain.delete(victim);
                }
              }
            } catch {
              // The connection died with the process: this write was never acknowledged.
              return;
            }
          }
        };
        const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
        // Kill only once this cycle has acknowledged a write, so a slow machine still tests something.
        const before = added.size;
        for (let waited = 0; added.size === before && waited < 30_000; waited += 20) await sleep(20);
        await sleep(100 + Math.floor(Math.random() * 400));
        await server.kill();
        stopped = true;
        await Promise.all(writers);
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      }
    }

    // One last start to check the writes of the final cycle.
    const server = await startProcess(db.url, ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn']);
    try {
      const token = await getToken(server.url);
      await checkAcknowledged(server.url, token, added, deleted, uncertain);
      assert.ok(added.size >= CYCLES, `the load acknowledged only ${added.size} adds`);
      t.diagnostic(`${added.size} adds and ${deleted.size} deletes acknowledged and found intact`);
    } finally {
      await server.stop();
    }
  } finally {
    await db.remove();
  }
});

async function checkAcknowledged(
  url: string,
  token: string,
  added: Map<string, Acknowledged>,
  deleted: Set<string>,
  uncertain: Set<string>,
) {
  for (const [outId, expected] of added) {
    if (uncertain.has(outId)) continue;
    const response = await call(url, '/shop/spu/get', { out_product_id: outId, need_edit_spu: 1 }, { token });
    if (deleted.has(outId)) {
      assert.notEqual(response.json.errcode, 0, `${outId} was deleted with an acknowledgement but is back`);
      continue;
    }
    assert.equal(response.json.errcode, 0, `${outId} was acknowledged but is missing: ${response.text}`);
    const spu = response.json.spu as Record<string, unknown>;
    assert.equal(String(spu.product_id), expected.productId);
    assert.equal(spu.title, expected.title);
    const skus = spu.skus as Record<string, unknown>[];
    assert.equal(skus.length, expected.skuCount, `${outId} lost a sku`);
    for (const sku of skus) assert.ok(BigInt(String(sku.sku_id)) > 0n, `${outId} has a sku without its id`);
  }
}

/** How far an order of the order load got: each step is acknowledged before the next starts. */
const STAGES = ['added', 'paid', 'shipped', 'aftersale'] as const;
type Stage = (typeof STAGES)[number];
/** The order status each stage leaves (a refund request keeps the order shipped). */
const STATUS_OF: Record<Stage, number> = { added: 10, paid: 20, shipped: 30, aftersale: 30 };

interface TrackedOrder {
  /** The last acknowledged stage; undefined while the add itself is unanswered. */
  acked?: Stage;
  /** A step sent whose response never came because the process died. It may or may not have happened. */
  pending?: Stage;
  orderId?: string;
  aftersaleId?: string;
}

/** Steps in flight at a kill, found applied whole or not at all after the restart. */
interface InFlightTally {
  inFlightApplied: number;
  inFlightNotApplied: number;
}

const COUPON = 'CRASH-COUPON';
const COUPON_TOTAL = 1_000_000;

test(`orders, claims and after-sales survive ${CYCLES} kill -9 cycles`, { timeout: sized(180_000, 1_200_000) }, async (t) => {
  const db = processDatabase('crash_orders');
  const orders = new Map<string, TrackedOrder>();
  const claimed = new Set<string>();
  const claimsInFlight = new Set<string>();
  const tally: InFlightTally = { inFlightApplied: 0, inFlightNotApplied: 0 };
  let buyer = '';
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await startProcess(db.url, ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn']);
      try {
        const token = await getToken(server.url);
        if (cycle === 0) {
          [buyer] = await buyers(server.url);
          await effectiveCoupon(server.url, token, COUPON, COUPON_TOTAL, Math.floor((await clockNow(server.url)) / 1000));
        }
        await checkShop(server, token, buyer, orders, claimed, claimsInFlight, tally);
        const body = await v2Order(server.url, buyer, 'TEMPLATE');

        let stopped = false;
        let acknowledged = 0;
        const writer = async (index: number) => {
          for (let n = 0; !stopped; n++) {
            const outOrderId = `o${cycle}-w${index}-${n}`;
            const order: TrackedOrder = {};
            orders.set(outOrderId, order);
            // Each step is marked pending before it is sent, and acknowledged when it returns errcode 0.
            const step = async (stage: Stage, send: () => Promise<{ ok: boolean; detail: string }>) => {
              order.pending = stage;
              const result = await send();
              assert.ok(result.ok, `${stage} of ${outOrderId} failed: ${result.detail}`);
              order.acked = stage;
              order.pending = undefined;
              acknowledged++;
            };
            try {
              const userCouponId = `uc${cycle}-w${index}-${n}`;
              claimsInFlight.add(userCouponId);
              const claim = await call(server.url, '/shop/coupon/add_user_coupon', { openid: buyer, user_coupon: { out_user_coupon_id: userCouponId, out_coupon_id: COUPON, status: 100 }, recv_time: Math.floor(Date.now() / 1000) }, { token });
              assert.equal(claim.json.errcode, 0, claim.text);
              claimsInFlight.delete(userCouponId);
              claimed.add(userCouponId);

              await step('added', async () => {
                const response = await call(server.url, '/shop/order/add', { ...body, out_order_id: outOrderId, path: `pages/order/detail?id=${outOrderId}` }, { token });
                if (response.json.errcode === 0) order.orderId = String((response.json.data as Record<string, unknown>).order_id);
                return { ok: response.json.errcode === 0, detail: response.text };
              });
              await step('paid', async () => {
                const response = await admin(server.url, 'POST', `/apps/${APPID}/orders/${outOrderId}/pay`);
                return { ok: response.status === 200, detail: JSON.stringify(response.json) };
              });
              await step('shipped', async () => {
                const response = await call(server.url, '/shop/delivery/send', {
                  out_order_id: outOrderId,
                  openid: buyer,
                  finish_all_delivery: 1,
                  ship_done_time: chinaTime(Date.now()),
                  delivery_list: [{ delivery_id: 'YTO', waybill_id: `YT${outOrderId}`, product_info_list: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 2 }, { out_product_id: 'P-2', out_sku_id: 'S-2', product_cnt: 1 }] }],
                }, { token });
                return { ok: response.json.errcode === 0, detail: response.text };
              });
              await step('aftersale', async () => {
                const response = await call(server.url, '/shop/ecaftersale/add', {
                  out_order_id: outOrderId,
                  openid: buyer,
                  type: 1,
                  product_info: { out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 },
                  refund_reason: '断电测试',
                  refund_reason_type: 8,
                  orderamt: 100,
                }, { token });
                if (response.json.errcode === 0) order.aftersaleId = String(response.json.aftersale_id);
                return { ok: response.json.errcode === 0, detail: response.text };
              });
            } catch (error) {
              // The connection died with the process: the step in flight was never acknowledged.
              if (error instanceof assert.AssertionError) throw error;
              return;
            }
          }
        };
        const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
        const failed = Promise.race(writers.map((running) => running.then(() => new Promise<never>(() => {}))));
        // Kill once this cycle has acknowledged some steps, at a random point of the load.
        for (let waited = 0; acknowledged < 4 && waited < 30_000; waited += 20) await Promise.race([sleep(20), failed]);
        await Promise.race([sleep(100 + Math.floor(Math.random() * 600)), failed]);
        await server.kill();
        stopped = true;
        await Promise.all(writers);
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      }
    }

    const server = await startProcess(db.url, ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn']);
    try {
      const token = await getToken(server.url);
      const summary = await checkShop(server, token, buyer, orders, claimed, claimsInFlight, tally);
      assert.ok(summary.aftersales >= 1, `the load reached no after-sale request: ${JSON.stringify(summary)}`);
      t.diagnostic(`stored and whole: ${JSON.stringify(summary)}; steps in flight at a kill: ${JSON.stringify(tally)}`);
    } finally {
      await server.stop();
    }
  } finally {
    await db.remove();
  }
});

/**
 * Checks every tracked order against the restarted sandbox: acknowledged steps are there, a step
 * in flight at the kill either happened whole or not at all, and the pay and after-sale events
 * match the stored state one to one. What is found settles each step in flight. Claims work the
 * same way, and the coupon's stock must equal the user coupons stored.
 */
async function checkShop(
  server: SandboxProcess,
  token: string,
  buyer: string,
  orders: Map<string, TrackedOrder>,
  claimed: Set<string>,
  claimsInFlight: Set<string>,
  tally: InFlightTally,
) {
  const payEvents = await eventsPerOrder(server.url, 'open_product_order_pay', 'order_info');
  const aftersaleEvents = await eventsPerOrder(server.url, 'aftersale_new_order', 'aftersale_info');
  const summary = { orders: 0, paid: 0, shipped: 0, aftersales: 0, claims: 0 };
  for (const [outOrderId, order] of orders) {
    const response = await call(server.url, '/shop/order/get', { out_order_id: outOrderId, openid: buyer }, { token });
    if (order.acked === undefined) {
      // The add was in flight: the order is either absent or whole, unpaid.
      if (response.json.errcode !== 0) {
        orders.delete(outOrderId);
        tally.inFlightNotApplied++;
        continue;
      }
      order.acked = 'added';
      order.pending = undefined;
      tally.inFlightApplied++;
    }
    assert.equal(response.json.errcode, 0, `order ${outOrderId} was acknowledged but is missing: ${response.text}`);
    const stored = response.json.order as Record<string, any>;
    if (order.orderId !== undefined) assert.equal(String(stored.order_id), order.orderId);
    const status = stored.status as number;
    const allowed = [STATUS_OF[order.acked]];
    if (order.pending !== undefined) allowed.push(STATUS_OF[order.pending]);
    assert.ok(allowed.includes(status), `order ${outOrderId}: status ${status}, acknowledged ${order.acked}, in flight ${order.pending ?? 'nothing'}`);

    // Paid ⇔ a transaction id, a pay time and exactly one pay event.
    const paid = status >= 20;
    const payInfo = stored.order_detail.pay_info as Record<string, unknown>;
    assert.equal(payInfo.transaction_id !== '' && payInfo.transaction_id !== undefined, paid, `order ${outOrderId}: status ${status} with transaction id "${payInfo.transaction_id}"`);
    assert.equal(payInfo.pay_time !== '', paid, `order ${outOrderId}: status ${status} with pay time "${payInfo.pay_time}"`);
    assert.equal(payEvents.get(outOrderId) ?? 0, paid ? 1 : 0, `order ${outOrderId}: status ${status} with ${payEvents.get(outOrderId) ?? 0} pay events`);

    // Shipped ⇔ one parcel and finish_all_delivery 1.
    const shipped = status === 30;
    const delivery = stored.delivery_detail as { finish_all_delivery: number; delivery_list: unknown[] };
    assert.equal(delivery.finish_all_delivery, shipped ? 1 : 0, `order ${outOrderId}: status ${status}, finish_all_delivery ${delivery.finish_all_delivery}`);
    assert.equal(delivery.delivery_list.length, shipped ? 1 : 0, `order ${outOrderId}: status ${status} with ${delivery.delivery_list.length} parcels`);

    // After-sale request ⇔ one stored request and one aftersale_new_order event.
    const list = await call(server.url, '/shop/ecaftersale/get_list', { offset: 0, limit: 10, out_order_id: outOrderId }, { token });
    assert.equal(list.json.errcode, 0, list.text);
    const aftersaleIds = (list.json.after_sales_orders as (number | bigint)[]).map(String);
    const aftersales = aftersaleIds.length;
    assert.equal(aftersaleEvents.get(outOrderId) ?? 0, aftersales, `order ${outOrderId}: ${aftersales} after-sales, ${aftersaleEvents.get(outOrderId) ?? 0} events`);
    if (order.acked === 'aftersale') {
      assert.equal(aftersales, 1, `order ${outOrderId}: the acknowledged after-sale request is missing`);
      assert.equal(aftersaleIds[0], order.aftersaleId);
      const got = await call(server.url, '/shop/ecaftersale/get', undefined, { token, raw: stringifyJson({ aftersale_id: BigInt(order.aftersaleId!) }) });
      assert.equal(got.json.errcode, 0, got.text);
      assert.equal((got.json.after_sales_order as any).out_order_id, outOrderId);
    } else {
      assert.ok(aftersales <= (order.pending === 'aftersale' ? 1 : 0), `order ${outOrderId}: ${aftersales} after-sales, none acknowledged`);
    }

    // Settle the step in flight from what is stored.
    if (order.pending !== undefined) {
      const applied = order.pending === 'aftersale' ? aftersales === 1 : status === STATUS_OF[order.pending];
      if (applied) order.acked = order.pending;
      if (applied && order.pending === 'aftersale') order.aftersaleId = aftersaleIds[0];
      tally[applied ? 'inFlightApplied' : 'inFlightNotApplied']++;
      order.pending = undefined;
    }
    summary.orders++;
    if (paid) summary.paid++;
    if (shipped) summary.shipped++;
    if (order.acked === 'aftersale') summary.aftersales++;
  }
  // A pay event for an order the load never sent would be a write without a request.
  for (const outOrderId of payEvents.keys()) assert.ok(orders.has(outOrderId), `a pay event for unknown order ${outOrderId}`);

  if (claimed.size > 0 || claimsInFlight.size > 0) {
    const stored = new Set(await userCouponIds(server.url, COUPON));
    for (const id of claimed) assert.ok(stored.has(id), `user coupon ${id} was acknowledged but is missing`);
    for (const id of stored) assert.ok(claimed.has(id) || claimsInFlight.has(id), `user coupon ${id} was never sent`);
    for (const id of claimsInFlight) {
      if (stored.has(id)) claimed.add(id);
      tally[stored.has(id) ? 'inFlightApplied' : 'inFlightNotApplied']++;
    }
    claimsInFlight.clear();
    const stock = await couponStock(server.url, COUPON);
    assert.equal(stock.receive_num, stored.size, `stock says ${stock.receive_num} claimed, ${stored.size} user coupons stored`);
    assert.equal(stock.issued_num + stock.receive_num, COUPON_TOTAL);
    summary.claims = stored.size;
  }
  return summary;
}
