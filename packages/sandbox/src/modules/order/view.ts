import { toWireInteger } from '@wxshop/api';
import { formatChinaTime } from '../../platform/clock.js';
import type { OrderLine, OrderRecord, Parcel } from './store.js';

/** Wire form of a 64-bit id: an exact JSON number, or a string when the caller asked for strings. */
export function wireId(id: string, asString = false): number | bigint | string {
  return asString ? id : toWireInteger(id);
}

function lineView(order: OrderRecord, line: OrderLine, canAfterSale: boolean) {
  return {
    out_product_id: line.out_product_id,
    out_sku_id: line.out_sku_id,
    product_cnt: line.product_cnt,
    sale_price: line.sale_price,
    ...(order.fund_type === 1 || line.real_price === undefined ? { sku_real_price: line.sku_real_price } : { real_price: line.real_price }),
    title: line.title,
    path: line.path,
    head_img: line.head_img,
    product_id: toWireInteger(line.product_id),
    sku_id: toWireInteger(line.sku_id),
    sku_attrs: [],
    can_after_sale: canAfterSale && line.refunded < line.sku_real_price,
  };
}

function parcelView(parcel: Parcel) {
  return {
    delivery_id: parcel.delivery_id,
    waybill_id: parcel.waybill_id,
    delivery_name: parcel.delivery_name,
    product_info_list: parcel.product_info_list,
  };
}

/** True while after-sales may start on the order: paid, not closed, and within the after-sale window. */
function afterSaleOpen(order: OrderRecord, now: number): boolean {
  const paid = order.status !== 10 && order.status !== 11 && order.status !== 181 && order.status !== 250;
  const deadline = order.detail.after_sale_deadline;
  return paid && order.status !== 200 && (deadline === null || now <= deadline);
}

// Results of order/get by record. A record read from memory is shared until the order changes, so
// its result is built once per form and frozen, and the pipeline then serialises it only once.
const getPayloads = new WeakMap<OrderRecord, Map<string, Readonly<{ order: ReturnType<typeof orderView> }>>>();

/**
 * The order/get result `{order}`. The view depends on the clock only through whether after-sales
 * are open, so that and the id form select the kept result.
 */
export function orderGetPayload(order: OrderRecord, now: number, stringIds: boolean): Readonly<{ order: ReturnType<typeof orderView> }> {
  const canAfterSale = afterSaleOpen(order, now);
  const form = `${stringIds ? 's' : 'n'}${canAfterSale ? 'a' : '-'}`;
  let payloads = getPayloads.get(order);
  if (!payloads) {
    payloads = new Map();
    getPayloads.set(order, payloads);
  }
  let payload = payloads.get(form);
  if (!payload) {
    payload = Object.freeze({ order: orderView(order, now, stringIds) });
    payloads.set(form, payload);
  }
  return payload;
}

/** The order as order/get returns it under `order`. */
export function orderView(order: OrderRecord, now: number, stringIds = false) {
  const detail = order.detail;
  const canAfterSale = afterSaleOpen(order, now);
  const { order_price, freight, discounted_price, additional_price, additional_remarks } = detail.price_info;
  const deliveryDetail = {
    delivery_type: detail.delivery.delivery_type,
    finish_all_delivery: detail.delivery.finish_all_delivery,
    delivery_list: detail.delivery.delivery_list.map(parcelView),
    ...(detail.delivery.ship_done_time !== null ? { ship_done_time: formatChinaTime(detail.delivery.ship_done_time) } : {}),
  };
  const payInfo = detail.pay_info;
  return {
    order_id: wireId(order.order_id, stringIds),
    out_order_id: order.out_order_id,
    openid: order.openid,
    status: order.status,
    path: detail.path,
    ...(detail.scene !== null ? { scene: detail.scene } : {}),
    out_user_id: detail.out_user_id,
    create_time: formatChinaTime(order.create_time),
    update_time: formatChinaTime(order.updated_at),
    fund_type: order.fund_type,
    ...(order.expire_time !== null ? { expire_time: Math.floor(order.expire_time / 1000) } : {}),
    aftersale_duration: detail.aftersale_duration,
    ...(detail.receive_time !== null ? { receive_time: Math.floor(detail.receive_time / 1000) } : {}),
    order_detail: {
      product_infos: detail.lines.map((line) => lineView(order, line, canAfterSale)),
      price_info: { order_price, freight, discounted_price, additional_price, additional_remarks, final_price: order_price },
      pay_info: {
        pay_method: payInfo.pay_method_type === 0 ? '微信支付' : payInfo.pay_method_type === 1 ? '货到付款' : '商家会员储蓄卡',
        pay_method_type: payInfo.pay_method_type,
        prepay_id: payInfo.prepay_id,
        prepay_time: payInfo.prepay_time,
        transaction_id: payInfo.transaction_id,
        pay_time: payInfo.pay_time === null ? '' : formatChinaTime(payInfo.pay_time),
        // A live response for a paid 2022-flow order had both fields; their values were not published.
        out_trade_no: '',
        midas_order_id: '',
      },
      pay_info_list: [],
      promotion_info: detail.promotion_info,
      delivery_detail: deliveryDetail,
    },
    // The live platform put delivery_detail at the top of the order, the SDK samples inside order_detail.
    delivery_detail: deliveryDetail,
    address_info: detail.address_info ?? {},
    ...(detail.default_receiving_address ? { default_receiving_address: detail.default_receiving_address } : {}),
    // A live paid 2022-flow order carried max_handing_fee 0 and max_unsplit_amount equal to its
    // price; the other fields are the sandbox's own.
    ...(order.fund_type === 1
      ? {
          settlement_info: {
            max_handing_fee: 0,
            max_unsplit_amount: order_price,
            predict_commission_fee: 0,
            commission_fee: 0,
            ...(detail.after_sale_deadline !== null ? { after_sale_deadline: Math.floor(detail.after_sale_deadline / 1000) } : {}),
            settled: detail.settled ? 1 : 0,
          },
        }
      : {}),
  };
}
