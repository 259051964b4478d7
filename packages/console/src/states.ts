import type { Language } from './i18n.js';

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

/**
 * The buyer's side of the order lifecycle: which actions each status offers and where they lead.
 * The merchant's steps (shipping: 20 → 30) happen over the wire API and are shown, not offered.
 */
export const ORDER_BUYER_ACTIONS: readonly BuyerAction[] = [
  { action: 'pay', from: [10, 11], to: 20 },
  { action: 'cancel', from: [10, 11], to: 250 },
  { action: 'confirm_receive', from: [30], to: 100 },
];

/** Every step of the order lifecycle, buyer's and merchant's, for the diagram on the orders page. */
export const ORDER_TRANSITIONS: readonly { from: number; to: number; by: { zh: string; en: string } }[] = [
  { from: 10, to: 20, by: { zh: '买家付款', en: 'buyer pays' } },
  { from: 10, to: 250, by: { zh: '买家取消', en: 'buyer cancels' } },
  { from: 10, to: 181, by: { zh: '超过支付期限', en: 'payment time runs out' } },
  { from: 20, to: 21, by: { zh: '商家部分发货', en: 'merchant ships some items' } },
  { from: 20, to: 30, by: { zh: '商家发货完成', en: 'merchant ships everything' } },
  { from: 21, to: 30, by: { zh: '商家发货完成', en: 'merchant ships the rest' } },
  { from: 30, to: 100, by: { zh: '买家确认收货', en: 'buyer confirms receipt' } },
  { from: 20, to: 200, by: { zh: '全部商品售后完成', en: 'every item refunded' } },
];

/** Statuses in which the buyer may ask for an aftersale. */
export const AFTERSALE_OPEN_FROM: readonly number[] = [20, 21, 30, 100];

/** The buyer's side of the aftersale lifecycle. */
export const AFTERSALE_BUYER_ACTIONS: readonly BuyerAction[] = [
  { action: 'cancel', from: [2, 6], to: 1 },
  { action: 'ship_back', from: [6], to: 8 },
];
