import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canTransition } from '../../platform/transitions.js';
import { WireError } from '../../server/wire-error.js';
import { EC_AFTERSALE_TRANSITIONS, timeoutOf } from '../aftersale/states.js';
import { ORDER_TRANSITIONS } from './states.js';
import { checkAmounts } from './validate.js';
import type { OrderLine } from './store.js';

function line(count: number, salePrice: number, skuRealPrice: number): OrderLine {
  return {
    out_product_id: 'P',
    out_sku_id: 'S',
    product_cnt: count,
    sale_price: salePrice,
    sku_real_price: skuRealPrice,
    path: 'p',
    title: 't',
    head_img: 'h',
    product_id: '0',
    sku_id: '0',
    shipped_cnt: 0,
    refunded: 0,
  };
}

function prices(orderPrice: number, freight: number, discount = 0, additional = 0) {
  return { order_price: orderPrice, freight, discounted_price: discount, additional_price: additional, additional_remarks: '' };
}

function amountError(run: () => void): number | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof WireError ? error.errcode : -1;
  }
}

test('amounts accept balanced orders', () => {
  assert.equal(amountError(() => checkAmounts({ lines: [line(2, 1000, 1800), line(1, 500, 500)], price_info: prices(2800, 500, 200) })), undefined);
});

test('amounts multiply sale_price by count', () => {
  // Observed: cnt 2, sale_price 8810, sku_real_price 8810 per unit, order_price 17620.
  assert.equal(amountError(() => checkAmounts({ lines: [line(2, 8810, 8810)], price_info: prices(17620, 0) })), 1010040);
});

test('amounts reject discounts outside lines', () => {
  // Observed: a free-shipping coupon as freight 100 and discount 100 with the full line price.
  assert.equal(amountError(() => checkAmounts({ lines: [line(1, 8900, 8900)], price_info: prices(8900, 100, 100) })), 1010040);
});

test('order table forbids paying twice', () => {
  assert.equal(canTransition(ORDER_TRANSITIONS, 'pay', 20), false);
  assert.equal(canTransition(ORDER_TRANSITIONS, 'expire', 10), true);
  assert.equal(canTransition(ORDER_TRANSITIONS, 'confirm', 21), false);
});

test('aftersale timeouts match the table', () => {
  for (const status of [2, 4, 5, 6, 8, 12, 15] as const) {
    for (const type of [1, 2]) {
      const timeout = timeoutOf(status, type);
      assert.ok(timeout, `status ${status} has a timeout`);
      assert.equal(canTransition(EC_AFTERSALE_TRANSITIONS, timeout.action, status), true, `${timeout.action} from ${status}`);
    }
  }
  assert.equal(timeoutOf(13, 1), undefined);
});

test('the platform refunds in 15 for the refund delay, then ends in 13 or 14', () => {
  assert.deepEqual(timeoutOf(15, 1, 3000), { action: 'refund_completed', afterMs: 3000 });
  assert.deepEqual(timeoutOf(15, 2, 0), { action: 'return_refund_completed', afterMs: 0 });
  assert.deepEqual(timeoutOf(12, 1), { action: 'platform_refund', afterMs: 0 });
  assert.equal(canTransition(EC_AFTERSALE_TRANSITIONS, 'accept_refund', 2), true);
  assert.equal(canTransition(EC_AFTERSALE_TRANSITIONS, 'refund_failed', 2), false);
  assert.equal(canTransition(EC_AFTERSALE_TRANSITIONS, 'refund_failed', 15), true);
  assert.equal(canTransition(EC_AFTERSALE_TRANSITIONS, 'user_cancel', 15), false);
});
