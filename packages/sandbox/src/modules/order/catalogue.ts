import { field, INVALID, isObject, readId, toInt, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Executor } from '../app/store.js';
import type { OrderLineProduct, ProductService } from '../product/service.js';
import type { OrderAddInput } from './validate.js';

/** Online status of a product on sale. */
const ON_SALE = 5;

/**
 * Matches the lines of an order/add against the shop's catalogue, inside the add transaction.
 *
 * Orders may hold products the shop never uploaded, so a line is only checked when it carries a
 * platform `product_id` or `sku_id`. An id the shop does not have raises 1010002, a product not on
 * sale 1010008. Every line that matches a shop product gets its platform ids. A line with an
 * empty `title` or `head_img` takes them from the approved copy of its product; without one it
 * answers 1010015. When any line is a presale product (`product_type` 1 on spu/add), price_info
 * must carry `deposit_price` and `balance_price` (1010025).
 */
export async function matchCatalogue(trx: Executor, products: ProductService, appid: string, body: JsonObject, input: OrderAddInput): Promise<void> {
  const detail = field(body, 'order_detail');
  const sent = isObject(detail) && Array.isArray(detail.product_infos) ? detail.product_infos : [];
  let presale = false;
  for (const [index, line] of input.lines.entries()) {
    const rule = `order.add.product_infos[${index}]`;
    const item = sent[index];
    const namedIds = isObject(item) ? platformIds(item) : {};
    let product: OrderLineProduct | undefined;
    if (namedIds.product_id !== undefined) {
      product = namedIds.product_id === INVALID ? undefined : await products.findForOrderLine(trx, appid, { product_id: namedIds.product_id });
      if (!product) throw new WireError(1010002, `${rule}.product_id.unknown`);
    } else {
      product = await products.findForOrderLine(trx, appid, { out_product_id: line.out_product_id });
    }
    if (namedIds.sku_id !== undefined && !product?.skus.some((sku) => sku.sku_id === namedIds.sku_id)) throw new WireError(1010002, `${rule}.sku_id.unknown`);
    if ((namedIds.product_id !== undefined || namedIds.sku_id !== undefined) && product!.status !== ON_SALE) {
      throw new WireError(1010008, `${rule}.not_on_sale_${product!.status}`);
    }
    if (product) {
      line.product_id = product.product_id;
      line.sku_id = typeof namedIds.sku_id === 'string' ? namedIds.sku_id : product.skus.find((sku) => sku.out_sku_id === line.out_sku_id)?.sku_id ?? '0';
      presale ||= product.presale;
    }
    if (line.title === '' || line.head_img === '') {
      if (!product?.approved) throw new WireError(1010015, `${rule}.display_fields.empty`);
      if (line.title === '') line.title = product.approved.title;
      if (line.head_img === '') line.head_img = product.approved.head_img;
    }
  }
  if (presale) {
    const price = isObject(detail) ? field(detail, 'price_info') : undefined;
    for (const key of ['deposit_price', 'balance_price']) {
      const amount = isObject(price) ? toInt(field(price, key)) : undefined;
      if (amount === undefined || amount === INVALID || amount < 0) throw new WireError(1010025, `order.add.price_info.${key}.missing`);
    }
  }
}

/** Reads the platform ids a line names. `''` and `0` count as absent, other non-ids as INVALID. */
function platformIds(item: JsonObject): { product_id?: string | typeof INVALID; sku_id?: string | typeof INVALID } {
  const ids: { product_id?: string | typeof INVALID; sku_id?: string | typeof INVALID } = {};
  for (const key of ['product_id', 'sku_id'] as const) {
    const value = field(item, key);
    if (value === '' || value === 0 || value === '0') continue;
    const id = readId(item, key);
    if (id !== undefined && id !== '0') ids[key] = id;
  }
  return ids;
}

/**
 * 2021 ticket flow: a re-add may name the order by `order_id`. A member that is present but
 * empty or zero names no order, so no ticket can be issued for it (1030001).
 */
export function checkTicketOrderId(body: JsonObject, fundType: number): void {
  if (fundType !== 0 || !Object.prototype.hasOwnProperty.call(body, 'order_id')) return;
  const value = body.order_id;
  if (value === null || value === '' || value === 0 || value === '0') throw new WireError(1030001, 'order.add.ticket.order_id_empty');
}
