import { AFTERSALE_ORDER_STATUSES, BIND_STATUS, EC_AFTERSALE_TRANSITIONS, ORDER_TRANSITIONS as ORDER_TABLE, USER_COUPON_TRANSITIONS, V1_STATUSES, WXPAY_TRANSITIONS, type OrderAction } from '@wxshop/sandbox/states';
import type { Language } from './i18n.js';

// Labels live here; which action leads from which status to which comes from the sandbox's
// transition tables (@wxshop/sandbox/states), so the buttons follow the server's rules.

/** A state's label in both languages. */
type Labels = Record<number, { zh: string; en: string }>;

/** Online status of a product (`status` on the wire). */
export const PRODUCT_STATUS: Labels = {
  0: { zh: '未上架', en: 'never on sale' },
  5: { zh: '上架', en: 'on sale' },
  11: { zh: '自主下架', en: 'delisted by merchant' },
  13: { zh: '违规下架', en: 'delisted for violation' },
};

/** Draft status of a product (`edit_status` on the wire). */
export const PRODUCT_EDIT_STATUS: Labels = {
  1: { zh: '编辑中', en: 'editing' },
  2: { zh: '审核中', en: 'under review' },
  3: { zh: '审核失败', en: 'rejected' },
  4: { zh: '审核成功', en: 'approved' },
};

/** Order status values, as the platform's order pages list them. */
export const ORDER_STATUS: Labels = {
  10: { zh: '待付款', en: 'pending payment' },
  11: { zh: '收银台支付完成', en: 'paid at cashier' },
  20: { zh: '待发货', en: 'pending shipment' },
  21: { zh: '部分发货', en: 'partly shipped' },
  30: { zh: '待收货', en: 'pending receipt' },
  100: { zh: '已完成', en: 'completed' },
  181: { zh: '超时未支付取消', en: 'cancelled, payment time ran out' },
  200: { zh: '全部售后后取消', en: 'cancelled after full aftersale' },
  250: { zh: '已取消', en: 'cancelled' },
};

/** Aftersale status values (the AfterSalesState enum of the aftersale pages). */
export const AFTERSALE_STATUS: Labels = {
  1: { zh: '用户取消', en: 'cancelled by buyer' },
  2: { zh: '商家受理中', en: 'merchant processing' },
  4: { zh: '商家拒绝退款', en: 'merchant refused refund' },
  5: { zh: '商家拒绝退货退款', en: 'merchant refused return' },
  6: { zh: '待买家退货', en: 'waiting for buyer to send back' },
  7: { zh: '退货退款关闭', en: 'return closed' },
  8: { zh: '待商家收货', en: 'waiting for merchant to receive' },
  12: { zh: '商家逾期未退款', en: 'merchant overdue refund' },
  13: { zh: '退款完成', en: 'refunded' },
  14: { zh: '退货退款完成', en: 'returned and refunded' },
  15: { zh: '平台退款中', en: 'platform refunding' },
  16: { zh: '平台退款失败', en: 'platform refund failed' },
  17: { zh: '待用户确认', en: 'waiting for buyer confirmation' },
  18: { zh: '商家打款失败,客服关闭', en: 'payout failed, closed by support' },
  19: { zh: '售后关闭', en: 'aftersale closed' },
};

export function label(labels: Labels, value: unknown, language: Language): string {
  const entry = typeof value === 'number' ? labels[value] : undefined;
  return entry ? `${String(value)} ${entry[language]}` : String(value ?? '');
}

/** A buyer's action on an order or an aftersale: the admin endpoint's last path part and the states it moves between. */
export interface BuyerAction {
  /** Last path part of the admin endpoint, e.g. `pay` for POST …/orders/:order_id/pay. */
  action: string;
  from: readonly number[];
  to: number;
}

/** The cause of each order lifecycle step, in both languages. */
const ORDER_STEP_LABELS: Record<OrderAction, { zh: string; en: string }> = {
  cashier_paid: { zh: '买家在收银台付款 (2021 版流程)', en: 'buyer pays at the cashier (2021 flow)' },
  pay: { zh: '买家付款', en: 'buyer pays' },
  cancel: { zh: '买家或商家取消', en: 'buyer or merchant cancels' },
  expire: { zh: '超过支付期限', en: 'payment time runs out' },
  ship_part: { zh: '商家部分发货', en: 'merchant ships some items' },
  ship_all: { zh: '商家发货完成', en: 'merchant ships everything' },
  ship_without_logistics: { zh: '无需物流的订单发货即完成', en: 'an order without logistics completes when shipped' },
  confirm: { zh: '买家确认收货', en: 'buyer confirms receipt' },
  refund_all: { zh: '全部商品售后完成', en: 'every item refunded' },
};

/** The order lifecycle as the sandbox's transition table has it, with a label for each step. */
export const ORDER_TRANSITIONS: readonly { action: string; from: readonly number[]; to: number; by: { zh: string; en: string } }[] = (
  Object.entries(ORDER_TABLE) as [OrderAction, { from: readonly number[]; to: number }][]
).map(([action, rule]) => ({ action, from: rule.from, to: rule.to, by: ORDER_STEP_LABELS[action] }));

/**
 * The buyer's actions on an order, offered as buttons: `action` is the last path part of
 * POST /_sandbox/v1/apps/:appid/orders/:order_id/:action and also the transition's name.
 * The merchant's steps (shipping) happen over the wire API and are shown, not offered.
 */
export const ORDER_BUYER_ACTIONS: readonly BuyerAction[] = ORDER_TRANSITIONS.filter((step) => ['pay', 'cancel', 'confirm'].includes(step.action));

/** Statuses in which the buyer may ask for an aftersale (the order was paid and is not closed). */
export const AFTERSALE_OPEN_FROM: readonly number[] = AFTERSALE_ORDER_STATUSES;

/**
 * The buyer's side of the v2 aftersale lifecycle: `action` is the last path part of
 * POST /_sandbox/v1/apps/:appid/aftersales/:id/:action, and the states are those of the table's
 * step with the same effect.
 */
export const AFTERSALE_BUYER_ACTIONS: readonly BuyerAction[] = [
  { action: 'cancel', ...EC_AFTERSALE_TRANSITIONS.user_cancel },
  { action: 'update', ...EC_AFTERSALE_TRANSITIONS.user_update },
  { action: 'return', ...EC_AFTERSALE_TRANSITIONS.upload_return },
];

/** Qualification audit status: 0 under review, 1 approved, 9 rejected. */
export const AUDIT_STATUS: Labels = {
  0: { zh: '审核中', en: 'under review' },
  1: { zh: '审核通过', en: 'approved' },
  9: { zh: '审核驳回', en: 'rejected' },
};

/** Merchant coupon status. */
export const COUPON_STATUS: Labels = {
  1: { zh: '未生效', en: 'not yet effective' },
  2: { zh: '生效', en: 'effective' },
  3: { zh: '已过期', en: 'expired' },
  4: { zh: '已作废', en: 'voided' },
};

/** A user's coupon: status and the platform actions on it (POST …/user-coupons/status). */
export const USER_COUPON_STATUS: Labels = {
  100: { zh: '可用', en: 'usable' },
  101: { zh: '已过期', en: 'expired' },
  102: { zh: '已使用', en: 'used' },
  103: { zh: '商家已作废', en: 'discarded by merchant' },
};

/** The platform's actions on a user coupon, named as the action field of POST …/user-coupons/status. */
export const USER_COUPON_ACTIONS: readonly BuyerAction[] = (['use', 'unuse', 'expire', 'discard'] as const).map((action) => ({ action, ...USER_COUPON_TRANSITIONS[action] }));

/** Sharer binding status. */
export const SHARER_BIND_STATUS: Labels = {
  0: { zh: '未绑定', en: 'unbound' },
  1: { zh: '已绑定', en: 'bound' },
  2: { zh: '已拒绝', en: 'refused' },
  3: { zh: '邀请中', en: 'invited' },
  4: { zh: '邀请已过期', en: 'invitation expired' },
};

/** The binding status in which an invitation waits for the invited user's reply. */
export const SHARER_INVITED: number = BIND_STATUS.inviting;

/** v1 (2021) aftersale status, as the merchant reports it with shop/aftersale/add and update. */
export const V1_AFTERSALE_STATUS: Labels = {
  0: { zh: '未受理', en: 'not accepted' },
  1: { zh: '用户取消', en: 'cancelled by buyer' },
  2: { zh: '商家受理中', en: 'merchant processing' },
  3: { zh: '商家逾期未处理', en: 'merchant overdue' },
  4: { zh: '商家拒绝退款', en: 'merchant refused refund' },
  5: { zh: '商家拒绝退货退款', en: 'merchant refused return' },
  6: { zh: '待买家退货', en: 'waiting for buyer to send back' },
  7: { zh: '退货退款关闭', en: 'return closed' },
  8: { zh: '待商家收货', en: 'waiting for merchant to receive' },
  11: { zh: '商家退款中', en: 'merchant refunding' },
  12: { zh: '商家逾期未退款', en: 'merchant overdue refund' },
  13: { zh: '退款完成', en: 'refunded' },
  14: { zh: '退货退款完成', en: 'returned and refunded' },
  15: { zh: '换货完成', en: 'exchanged' },
  16: { zh: '待商家发货', en: 'waiting for merchant to ship' },
  17: { zh: '待用户确认收货', en: 'waiting for buyer to receive' },
  18: { zh: '商家拒绝换货', en: 'merchant refused exchange' },
  19: { zh: '商家已收到货', en: 'goods received by merchant' },
};

/** Every v1 status the sandbox accepts, in order, for the status filter. */
export const V1_AFTERSALE_STATUSES: readonly number[] = V1_STATUSES;

/** Payment onboarding states in which the platform may approve or reject the application. */
export const WXPAY_DECIDABLE: readonly number[] = WXPAY_TRANSITIONS.approve.from;
