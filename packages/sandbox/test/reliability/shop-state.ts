// Reads what a sandbox process stored, through its wire and admin APIs, for the reliability tests
// that check order, coupon and after-sale writes across kills and across processes.
import assert from 'node:assert/strict';
import { admin, APPID, call } from '../helpers.js';
import { couponBody } from '../coupon-helpers.js';

/** Opens the coupon paths and adds coupon `outCouponId` with `total` units, in status 2 (effective). */
export async function effectiveCoupon(url: string, token: string, outCouponId: string, total: number, nowSeconds: number): Promise<void> {
  const confirmed = await admin(url, 'POST', `/apps/${APPID}/coupon-settings`, { confirmed: true });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.json));
  const added = await call(url, '/shop/coupon/add', couponBody(outCouponId, nowSeconds, { total }), { token });
  assert.equal(added.text, '{"errcode":0}');
  const effective = await call(url, '/shop/coupon/update_status', { out_coupon_id: outCouponId, status: 2 }, { token });
  assert.equal(effective.text, '{"errcode":0}');
}

/** Reads the coupon's stock record from the admin API's coupon list. */
export async function couponStock(url: string, outCouponId: string): Promise<{ issued_num: number; receive_num: number }> {
  const response = await admin(url, 'GET', `/apps/${APPID}/coupons?limit=500`);
  assert.equal(response.status, 200, JSON.stringify(response.json));
  const item = (response.json.coupons as any[]).find((entry) => entry.coupon.out_coupon_id === outCouponId);
  const stock = item?.coupon_stock?.stock_info;
  assert.ok(stock, `the coupon list shows no stock for ${outCouponId}`);
  return { issued_num: Number(stock.issued_num), receive_num: Number(stock.receive_num) };
}

/** Lists every out_user_coupon_id stored for the coupon, through the admin API. */
export async function userCouponIds(url: string, outCouponId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await admin(url, 'GET', `/apps/${APPID}/user-coupons?out_coupon_id=${encodeURIComponent(outCouponId)}&offset=${offset}&limit=500`);
    assert.equal(page.status, 200, JSON.stringify(page.json));
    const items = page.json.user_coupons as { out_user_coupon_id: string }[];
    ids.push(...items.map((item) => item.out_user_coupon_id));
    if (items.length < 500) return ids;
  }
}

/**
 * Counts the push events of type `event` in the outbox per out_order_id, read newest first
 * through the admin API. `element` is the event's group (order_info, aftersale_info).
 */
export async function eventsPerOrder(url: string, event: string, element: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let before = '';
  for (;;) {
    const page = await admin(url, 'GET', `/apps/${APPID}/push/events?event=${event}&limit=1000${before}`);
    assert.equal(page.status, 200, JSON.stringify(page.json));
    const events = page.json.events as { id: number; message: Record<string, any> }[];
    for (const item of events) {
      const outOrderId = String(item.message[element]?.out_order_id);
      counts.set(outOrderId, (counts.get(outOrderId) ?? 0) + 1);
    }
    if (events.length < 1000) return counts;
    before = `&before_id=${events.at(-1)!.id}`;
  }
}
