/**
 * Every event the platform pushes for the custom transaction component, with the element that
 * holds its body and the type of each field. Producers (products, orders, aftersales, coupons,
 * audits, sharers) enqueue an event with plain values; the renderer uses these types so that
 * ids go out as exact numbers and texts as strings, whatever form the producer stored them in.
 */

/** `int64` takes a number, a bigint or a decimal string and writes an exact integer. */
export type FieldType = 'string' | 'number' | 'int64' | FieldGroup | [FieldGroup];

export interface FieldGroup {
  [field: string]: FieldType;
}

export interface EventSpec {
  /** Element holding the body (`OpenProductSpuAudit`, `order_info`…); null puts the fields at the top level. */
  element: string | null;
  fields: FieldGroup;
  /**
   * `success`: the merchant replies `success` or nothing. `data`: the merchant replies with data
   * (the receive-coupon reply, or `after_sale_deadline` on order confirmation), and any HTTP 200
   * counts as delivered.
   */
  reply: 'success' | 'data';
  /** FromUserName is the buyer's openid, which the query string then also carries as `openid`. */
  fromUser?: boolean;
}

const QUALIFICATION_AUDIT: FieldGroup = { audit_id: 'string', status: 'number', audit_type: 'number', reject_reason: 'string' };
const ORDER_KEYS: FieldGroup = { out_order_id: 'string', order_id: 'int64' };
const AFTERSALE_KEYS: FieldGroup = { aftersale_id: 'int64', out_aftersale_id: 'string', order_id: 'int64', out_order_id: 'string' };

const GOODS_DETAIL: FieldGroup = { goods_id: 'string', quantity: 'number', unit_price: 'number', discount_amount: 'number' };
const PROMOTION_DETAIL: FieldGroup = {
  coupon_id: 'string',
  name: 'string',
  scope: 'string',
  type: 'string',
  amount: 'number',
  stock_id: 'string',
  wechatpay_contribute: 'number',
  merchant_contribute: 'number',
  other_contribute: 'number',
  goods_detail: [GOODS_DETAIL],
};

function aftersale(): EventSpec {
  return { element: 'aftersale_info', fields: AFTERSALE_KEYS, reply: 'success' };
}

/** The component's pushed events by name. */
export const EVENT_SPECS: Readonly<Record<string, EventSpec>> = {
  // Access, qualification audits and scenes.
  open_product_account_register: { element: 'OpenProductAccountRegister', fields: { status: 'number' }, reply: 'success' },
  open_product_category_audit: { element: 'QualificationAuditResult', fields: QUALIFICATION_AUDIT, reply: 'success' },
  open_product_brand_audit: { element: 'QualificationAuditResult', fields: { ...QUALIFICATION_AUDIT, brand_id: 'int64' }, reply: 'success' },
  open_product_scene_group_audit: {
    element: 'SceneGroupAudit',
    fields: { group_id: 'number', reason: 'string', name: 'string', scene_group_ext_list: [{ ext_id: 'number', status: 'number', name: 'string' }] },
    reply: 'success',
  },

  // Products.
  open_product_spu_audit: {
    element: 'OpenProductSpuAudit',
    fields: { out_product_id: 'string', product_id: 'int64', status: 'number', spu_status: 'number', reject_reason: 'string' },
    reply: 'success',
  },
  open_product_spu_status_update: {
    element: 'OpenProductSpuStatusUpdate',
    fields: { out_product_id: 'string', product_id: 'int64', status: 'number', reason: 'string' },
    reply: 'success',
  },

  // Orders.
  open_product_order_pay: {
    element: 'order_info',
    fields: {
      ...ORDER_KEYS,
      transaction_id: 'string',
      pay_time: 'string',
      amount: 'number',
      payer_amount: 'number',
      sp_openid: 'string',
      promotion_detail_info: { promotion_detail_list: [PROMOTION_DETAIL] },
    },
    reply: 'success',
  },
  open_product_order_cancel: { element: 'order_info', fields: { ...ORDER_KEYS, cancel_type: 'number' }, reply: 'success' },
  open_product_order_confirm: { element: 'order_info', fields: ORDER_KEYS, reply: 'data' },
  open_product_order_settle: {
    element: 'order_info',
    fields: { ...ORDER_KEYS, settle_no: 'string', amount: 'number', settle_time: 'string' },
    reply: 'success',
  },
  open_product_order_refund: { element: 'order_info', fields: ORDER_KEYS, reply: 'success' },
  open_product_order_analyze: { element: 'order_info', fields: { ...ORDER_KEYS, openid: 'string' }, reply: 'success' },

  // Aftersales.
  aftersale_new_order: aftersale(),
  aftersale_update_order: aftersale(),
  aftersale_user_cancel: aftersale(),
  aftersale_wait_merchant_confirm_receipt: aftersale(),
  aftersale_user_modify_return_info: aftersale(),
  aftersale_user_cancel_waybill: aftersale(),
  aftersale_refund_success: aftersale(),
  aftersale_wait_merchant_offline_refund: aftersale(),
  aftersale_refund_failed: aftersale(),
  aftersale_user_confirm_refund_certificate: aftersale(),
  aftersale_merchant_handle_refund_overdue: aftersale(),
  aftersale_merchant_handle_return_overdue: aftersale(),
  aftersale_merchant_confirm_receipt_overdue: aftersale(),
  aftersale_user_upload_return_info_overdue: aftersale(),
  aftersale_user_apply_platform_judge_overdue: aftersale(),
  aftersale_complaint_update_order_state: aftersale(),
  complaint_notify: { element: 'complaint_info', fields: { complaint_order_id: 'int64', state: 'number', event: 'number' }, reply: 'success' },

  // Payment service.
  funds_order_pay: { element: 'order_info', fields: { trade_no: 'string', transaction_id: 'string', pay_time: 'string' }, reply: 'success' },
  funds_order_refund: { element: 'order_info', fields: { refund_no: 'string', status: 'number', success_time: 'string' }, reply: 'success' },
  funds_order_profitsharing: {
    element: 'order_info',
    fields: { profit_sharing_no: 'string', amount: 'number', result: 'string', finish_time: 'string' },
    reply: 'success',
  },

  // Coupons: the merchant replies to a claim with the user coupon it created.
  open_product_receive_coupon: { element: null, fields: { out_coupon_id: 'string', request_id: 'string' }, reply: 'data', fromUser: true },

  // Sharers.
  miniprogram_sharer_bind_status_change: { element: null, fields: { openid: 'string', bind_status: 'number' }, reply: 'success' },
  miniprogram_sharer_action: {
    element: null,
    fields: { type: 'number', openid: 'string', promoter: { finder_nickname: 'string', promoter_id: 'string', promoter_openid: 'string' } },
    reply: 'success',
  },
};

/** The spec of an event; an event the catalogue does not know is pushed as given, expecting `success`. */
export function eventSpec(event: string): EventSpec | undefined {
  return EVENT_SPECS[event];
}
