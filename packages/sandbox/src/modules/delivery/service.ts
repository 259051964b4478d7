import type { Kysely } from 'kysely';
import { parseChinaTime } from '../../platform/clock.js';
import { field, hasNul, INVALID, isObject, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { sqliteHandle } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord } from '../app/store.js';
import type { OrderService } from '../order/service.js';
import { lockOrder, type OrderRecord, type Parcel } from '../order/store.js';
import { NO_LOGISTICS } from '../order/validate.js';
import companies from './companies.json' with { type: 'json' };

/** Most parcels one order may have (1010018 above it); the platform's number is not documented. */
export const MAX_PARCELS_PER_ORDER = 20;
/** Express delivery, the only delivery_type whose shipment needs parcels. */
const EXPRESS = 1;

const COMPANY_NAMES = new Map(companies.company_list.map((company) => [company.delivery_id, company.delivery_name]));

/** delivery/get_company_list, delivery/send and delivery/recieve (the platform's spelling). */
export class DeliveryService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orders: OrderService,
  ) {}

  companyList() {
    return { company_list: companies.company_list };
  }

  /** delivery/send: adds parcels; finish_all_delivery 1 ends shipping (30, or 100 without logistics). */
  async send(app: AppRecord, body: JsonObject, now: number) {
    const postgres = sqliteHandle(this.db) === undefined;
    await this.db.transaction().execute(async (trx) => {
      let order = await this.orders.load(trx, app, body);
      // Partial shipments of one order may run side by side. On PostgreSQL each waits for the
      // others and then reads the order again, so none fails on a shipment it did not conflict with.
      if (postgres) {
        await lockOrder(trx, app.appid, order.order_id);
        order = (await this.orders.find(trx, app.appid, { order_id: order.order_id }))!;
      }
      const finish = readInt(body, 'finish_all_delivery');
      if (finish === undefined || finish === INVALID || (finish !== 0 && finish !== 1)) throw new WireError(990007, 'delivery.send.finish_all_delivery.invalid');
      if (order.status !== 20 && order.status !== 21) throw new WireError(1000000, `delivery.send.not_allowed_from_${order.status}`);
      let shipDoneTime: number | null = null;
      if (finish === 1) {
        const text = readString(body, 'ship_done_time');
        shipDoneTime = typeof text === 'string' ? parseChinaTime(text) ?? null : null;
        // A no-logistics order was seen completing on a final send without ship_done_time; it
        // then counts as shipped now. Express and other types need the field.
        if (text === undefined && order.detail.delivery.delivery_type === NO_LOGISTICS) shipDoneTime = now;
        if (shipDoneTime === null) throw new WireError(990018, 'delivery.send.ship_done_time.invalid');
      }
      const parcels = readParcels(body, order, finish);
      const next = structuredClone(order);
      for (const parcel of parcels) {
        for (const item of parcel.product_info_list) {
          const line = next.detail.lines.find((candidate) => candidate.out_product_id === item.out_product_id && candidate.out_sku_id === item.out_sku_id)!;
          line.shipped_cnt += item.product_cnt;
        }
      }
      next.detail.delivery.delivery_list.push(...parcels);
      if (next.detail.delivery.delivery_list.length > MAX_PARCELS_PER_ORDER) throw new WireError(1010018, 'delivery.send.too_many_parcels');
      const express = order.detail.delivery.delivery_type === EXPRESS;
      if (finish === 0) {
        await this.orders.move(trx, app, order, 'ship_part', now, 1000000, () => next);
        return;
      }
      if (express && next.detail.lines.some((line) => line.shipped_cnt === 0)) throw new WireError(1010042, 'delivery.send.lines_without_parcel');
      next.detail.delivery.finish_all_delivery = 1;
      next.detail.delivery.ship_done_time = shipDoneTime;
      if (order.detail.delivery.delivery_type === NO_LOGISTICS) {
        await this.orders.move(trx, app, order, 'ship_without_logistics', now, 1000000, () => {
          next.detail.receive_time = now;
          next.detail.after_sale_deadline = now + next.detail.aftersale_duration * 24 * 3600 * 1000;
          return next;
        });
      } else {
        await this.orders.move(trx, app, order, 'ship_all', now, 1000000, () => next);
      }
    });
    return {};
  }

  /** delivery/recieve: the merchant confirms receipt for the buyer, 30 → 100. */
  async recieve(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const order = await this.orders.load(trx, app, body);
      await this.orders.confirm(trx, app, order, now);
    });
    return {};
  }
}

/**
 * Reads delivery_list, each parcel a company, a waybill and order lines. An absent list is read as
 * an empty one. An express order needs parcels on a partial shipment (990007); the final call
 * (finish_all_delivery 1) may bring none when earlier parcels already cover every line, which
 * the caller checks (1010042).
 */
function readParcels(body: JsonObject, order: OrderRecord, finish: number): Parcel[] {
  const given = field(body, 'delivery_list');
  const value = given === undefined || given === null ? [] : given;
  if (!Array.isArray(value)) throw new WireError(990007, 'delivery.send.delivery_list.not_array');
  if (value.length === 0 && finish === 0 && order.detail.delivery.delivery_type === EXPRESS) {
    throw new WireError(990007, 'delivery.send.delivery_list.missing');
  }
  if (value.length > MAX_PARCELS_PER_ORDER) throw new WireError(1010018, 'delivery.send.too_many_parcels');
  const remaining = new Map(order.detail.lines.map((line) => [`${line.out_product_id}\u0000${line.out_sku_id}`, line.product_cnt - line.shipped_cnt]));
  const seen = new Set<string>();
  return value.map((item, index) => {
    const rule = `delivery.send.delivery_list[${index}]`;
    if (!isObject(item)) throw new WireError(990007, `${rule}.not_object`);
    const deliveryId = readString(item, 'delivery_id');
    if (deliveryId === undefined || deliveryId === INVALID || deliveryId === '' || hasNul(deliveryId)) throw new WireError(990007, `${rule}.delivery_id.missing`);
    const waybillId = readString(item, 'waybill_id');
    if (waybillId === undefined || waybillId === INVALID || waybillId.trim() === '' || hasNul(waybillId)) throw new WireError(1010029, `${rule}.waybill_id.empty`);
    if (seen.has(`${deliveryId}\u0000${waybillId}`)) throw new WireError(990007, `${rule}.duplicate_waybill`);
    seen.add(`${deliveryId}\u0000${waybillId}`);
    const products = field(item, 'product_info_list');
    if (!Array.isArray(products) || products.length === 0) throw new WireError(1010019, `${rule}.product_info_list.missing`);
    const list = products.map((product, productIndex) => {
      if (!isObject(product)) throw new WireError(1010019, `${rule}.product_info_list[${productIndex}].not_object`);
      const outProductId = readString(product, 'out_product_id');
      const outSkuId = readString(product, 'out_sku_id');
      const count = readInt(product, 'product_cnt');
      if (typeof outProductId !== 'string' || typeof outSkuId !== 'string') throw new WireError(1010019, `${rule}.product_info_list[${productIndex}].ids.missing`);
      const lineKey = `${outProductId}\u0000${outSkuId}`;
      const left = remaining.get(lineKey);
      if (left === undefined) throw new WireError(1010019, `${rule}.product_info_list[${productIndex}].not_in_order`);
      if (count === INVALID || (count !== undefined && count < 1)) throw new WireError(1010019, `${rule}.product_info_list[${productIndex}].product_cnt.invalid`);
      // A parcel without a count carries what is left of the line.
      const shipped = count ?? Math.max(left, 1);
      if (shipped > left) throw new WireError(1010019, `${rule}.product_info_list[${productIndex}].more_than_ordered`);
      remaining.set(lineKey, left - shipped);
      return { out_product_id: outProductId, out_sku_id: outSkuId, product_cnt: shipped };
    });
    return { delivery_id: deliveryId, delivery_name: COMPANY_NAMES.get(deliveryId) ?? '', waybill_id: waybillId, product_info_list: list };
  });
}
