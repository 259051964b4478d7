import { formatChinaTime } from '../../platform/clock.js';
import { toWireInteger } from '@wxshop/api';
import { wireId } from '../order/view.js';
import type { AftersaleRecord, EcDetail, V1Detail } from './store.js';

/** AfterSaleInfo as ecaftersale/get returns it; create_time and update_time are millisecond strings. */
export function ecView(record: AftersaleRecord<EcDetail>) {
  const detail = record.detail;
  return {
    out_aftersale_id: record.out_aftersale_id,
    aftersale_id: wireId(record.aftersale_id),
    out_order_id: detail.out_order_id,
    order_id: wireId(record.order_id),
    product_info: {
      out_product_id: detail.product_info.out_product_id,
      product_id: toWireInteger(detail.product_info.product_id),
      out_sku_id: detail.product_info.out_sku_id,
      sku_id: toWireInteger(detail.product_info.sku_id),
      product_cnt: detail.product_info.product_cnt,
    },
    type: detail.type,
    ...(detail.return_info ? { return_info: detail.return_info } : {}),
    orderamt: detail.orderamt,
    refund_reason_type: detail.refund_reason_type,
    refund_reason: detail.refund_reason,
    media_list: detail.media_list,
    status: record.status,
    create_time: String(record.created_at),
    update_time: String(record.updated_at),
    openid: record.openid,
    refund_pay_detail: { refund_id: detail.refund_id },
    return_id: '',
    complaint_order_id_list: [],
    ...(detail.return_address_info ? { return_address_info: detail.return_address_info } : {}),
  };
}

/** A v1 after-sale as aftersale/get lists it under aftersale_infos. */
export function v1View(record: AftersaleRecord<V1Detail>) {
  const detail = record.detail;
  return {
    order_id: wireId(record.order_id),
    out_order_id: detail.out_order_id,
    out_aftersale_id: record.out_aftersale_id,
    openid: record.openid,
    type: detail.type,
    create_time: formatChinaTime(detail.create_time),
    path: detail.path,
    status: record.status,
    finish_all_aftersale: detail.finish_all_aftersale,
    refund: detail.refund,
    product_infos: detail.product_infos,
    refund_reason: detail.refund_reason,
    refund_address: detail.refund_address,
    orderamt: detail.orderamt,
  };
}
