import { readId, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { OrderRecord } from '../order/store.js';

/** Finds the order line a product_info names, by merchant or platform ids; -1 when none matches. */
export function findLine(order: OrderRecord, product: JsonObject): number {
  const productId = readId(product, 'product_id');
  const skuId = readId(product, 'sku_id');
  const outProductId = readString(product, 'out_product_id');
  const outSkuId = readString(product, 'out_sku_id');
  return order.detail.lines.findIndex((line) => {
    const productMatches = typeof outProductId === 'string' ? line.out_product_id === outProductId : typeof productId === 'string' && productId !== '0' && line.product_id === productId;
    if (!productMatches) return false;
    if (typeof outSkuId === 'string') return line.out_sku_id === outSkuId;
    if (typeof skuId === 'string' && skuId !== '0') return line.sku_id === skuId;
    // Without a sku id the product must have a single line in the order.
    return order.detail.lines.filter((other) => other.out_product_id === line.out_product_id).length === 1;
  });
}

/**
 * Checks `amount` against the refund cap of a line: what was paid for it (sku_real_price) minus
 * what was refunded already. Freight comes back only with the last unrefunded line of an unshipped order.
 */
export function checkCap(order: OrderRecord, lineIndex: number, amount: number, rule: string): void {
  const line = order.detail.lines[lineIndex]!;
  const others = order.detail.lines.filter((_, index) => index !== lineIndex);
  const lastLine = others.every((other) => other.refunded >= other.sku_real_price);
  const unshipped = order.status === 20;
  const cap = line.sku_real_price - line.refunded + (lastLine && unshipped ? order.detail.price_info.freight : 0);
  if (amount <= cap) return;
  const reason = lastLine ? '本次售后为订单最后一件商品' : '订单中仍有商品未售后';
  const detail = ` 售后金额不合法,大于最大可退款金额, detail: ${reason},本次售后最大可退金额为当前sku(${line.product_id}:${line.sku_id})的sku_real_price(${cap}). refund amount(${amount}) larger than max refundable amount(${cap})`;
  throw new WireError(2747014, `${rule}.orderamt.above_cap`, detail);
}

/** Returns the 2747020 text: the platform names all three causes in one detail. */
export function lineRefusal(): string {
  return ' 商品不能售后,检查该商品是否有进行中的售后单, detail: 订单状态不允许售后,或sku已超售后期(默认为7天)或者sku的售后单数量达到5个,不允许发起售后. ';
}
