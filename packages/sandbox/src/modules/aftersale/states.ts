import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/**
 * v2 after-sale status (shop/ecaftersale/*).
 * - 1 cancelled by the buyer, 2 merchant handling.
 * - 4 merchant rejected the refund, 5 merchant rejected the return.
 * - 6 waiting for the buyer to send the goods back, 7 return closed, 8 waiting for the merchant
 *   to receive them.
 * - 12 the merchant let a refund request time out, and the platform's automatic refund is queued.
 * - 13 refunded, 14 returned and refunded, 15 the platform is refunding, 16 platform refund failed.
 * - 17 waiting for the buyer to accept the merchant's offline refund, 18 closed by customer
 *   service, 19 closed after the arbitration timeout.
 */
export type EcAftersaleStatus = 1 | 2 | 4 | 5 | 6 | 7 | 8 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19;

export type EcAftersaleAction =
  | 'user_cancel'
  | 'user_update'
  | 'accept_refund'
  | 'accept_return'
  | 'reject_refund'
  | 'reject_return'
  | 'reject_received'
  | 'upload_return'
  | 'modify_return'
  | 'cancel_waybill'
  | 'confirm_receipt'
  | 'platform_refund'
  | 'refund_completed'
  | 'return_refund_completed'
  | 'refund_failed'
  | 'upload_certificates'
  | 'certificate_confirmed_refund'
  | 'certificate_confirmed_return'
  | 'service_close'
  | 'merchant_handle_refund_overdue'
  | 'merchant_handle_return_overdue'
  | 'user_upload_return_info_overdue'
  | 'merchant_confirm_receipt_overdue'
  | 'user_apply_platform_judge_overdue';

export const EC_AFTERSALE_TRANSITIONS: TransitionTable<EcAftersaleAction, EcAftersaleStatus> = {
  user_cancel: { from: [2, 4, 5, 6], to: 1 },
  // After a refusal the buyer may edit, which puts the request back to the merchant.
  user_update: { from: [2, 4, 5], to: 2 },
  // acceptrefund on a refund-only request: the platform starts the refund.
  accept_refund: { from: [2], to: 15 },
  // acceptreturn on a return request.
  accept_return: { from: [2], to: 6 },
  reject_refund: { from: [2], to: 4 },
  reject_return: { from: [2], to: 5 },
  // reject after the goods came back: the buyer may only ask the platform to arbitrate.
  reject_received: { from: [8], to: 4 },
  // uploadreturninfo.
  upload_return: { from: [6], to: 8 },
  modify_return: { from: [8], to: 8 },
  // The buyer withdraws the return waybill (WeChat side).
  cancel_waybill: { from: [8], to: 6 },
  // acceptrefund on a return request whose goods arrived: "merchant confirms receipt".
  confirm_receipt: { from: [8], to: 15 },
  // After the merchant let a refund request time out, the platform starts the refund itself.
  platform_refund: { from: [12], to: 15 },
  // The refund reached the buyer, after the app's refund delay: a refund-only request ends in 13,
  // a return in 14.
  refund_completed: { from: [15], to: 13 },
  return_refund_completed: { from: [15], to: 14 },
  // The platform's refund failed; the merchant must refund offline.
  refund_failed: { from: [12, 15], to: 16 },
  upload_certificates: { from: [16], to: 17 },
  certificate_confirmed_refund: { from: [17], to: 13 },
  certificate_confirmed_return: { from: [17], to: 14 },
  service_close: { from: [16, 17], to: 18 },
  // Timeouts, by the sandbox clock or forced by ecaftersale/merchanttest.
  // The merchant did not handle a refund-only request in time (12), so the platform refunds next.
  merchant_handle_refund_overdue: { from: [2], to: 12 },
  merchant_handle_return_overdue: { from: [2], to: 6 },
  user_upload_return_info_overdue: { from: [6], to: 7 },
  // The merchant did not confirm receipt in time: the platform refunds as if it had.
  merchant_confirm_receipt_overdue: { from: [8], to: 15 },
  user_apply_platform_judge_overdue: { from: [4, 5], to: 19 },
};

/** Events the buyer's and the platform's moves push; timeouts push `aftersale_<action>`, finished refunds add aftersale_refund_success. */
export const EC_EVENTS: Partial<Record<EcAftersaleAction, string>> = {
  user_cancel: 'aftersale_user_cancel',
  user_update: 'aftersale_update_order',
  upload_return: 'aftersale_wait_merchant_confirm_receipt',
  modify_return: 'aftersale_user_modify_return_info',
  cancel_waybill: 'aftersale_user_cancel_waybill',
  refund_failed: 'aftersale_wait_merchant_offline_refund',
  certificate_confirmed_refund: 'aftersale_user_confirm_refund_certificate',
  certificate_confirmed_return: 'aftersale_user_confirm_refund_certificate',
  service_close: 'aftersale_complaint_update_order_state',
};

/** Statuses in which an after-sale is still open (it blocks another one on the same line). */
/** Order statuses in which the buyer may open an after-sale: paid and not closed. */
export const AFTERSALE_ORDER_STATUSES: readonly number[] = [20, 21, 30, 100];

export const EC_OPEN: readonly EcAftersaleStatus[] = [2, 4, 5, 6, 8, 12, 15, 16, 17];
/** Statuses in which the money went back to the buyer. */
export const EC_REFUNDED: readonly EcAftersaleStatus[] = [13, 14];

/** Status names as the platform writes them in 2747008 details. */
export const EC_STATUS_TEXT: Record<EcAftersaleStatus, string> = {
  1: '用户取消申请',
  2: '商家处理退款申请中',
  4: '商家拒绝退款',
  5: '商家拒绝退货',
  6: '待买家退货',
  7: '退货退款关闭',
  8: '待商家收货',
  12: '商家逾期未退款',
  13: '退款完成',
  14: '退货退款完成',
  15: '平台退款中',
  16: '平台退款失败',
  17: '待用户确认',
  18: '商家打款失败,客服关闭售后',
  19: '售后关闭',
};

/** Operation names of 2747008 details. */
export const EC_ACTION_TEXT: Record<EcAftersaleAction, string> = {
  user_cancel: '用户取消申请',
  user_update: '用户修改申请',
  accept_refund: '商家同意退款',
  accept_return: '商家同意退货',
  reject_refund: '商家拒绝售后',
  reject_return: '商家拒绝售后',
  reject_received: '商家拒绝售后',
  upload_return: '用户填写退货物流',
  modify_return: '用户修改退货物流',
  cancel_waybill: '用户取消退货物流',
  confirm_receipt: '商家确认收货',
  platform_refund: '平台发起退款',
  refund_completed: '退款成功',
  return_refund_completed: '退款成功',
  refund_failed: '平台退款',
  upload_certificates: '商家上传退款凭证',
  certificate_confirmed_refund: '用户确认退款凭证',
  certificate_confirmed_return: '用户确认退款凭证',
  service_close: '客服关闭售后',
  merchant_handle_refund_overdue: '商家逾期未处理退款',
  merchant_handle_return_overdue: '商家逾期未处理退货',
  user_upload_return_info_overdue: '用户逾期未填写退货信息',
  merchant_confirm_receipt_overdue: '商家逾期未确认收货',
  user_apply_platform_judge_overdue: '用户逾期未申请平台介入',
};

/** How long each open status waits before its timeout fires; the platform's values are not published. */
export const EC_TIMEOUTS_MS = {
  merchant_handle: 2 * 24 * 3600 * 1000,
  user_upload_return: 7 * 24 * 3600 * 1000,
  merchant_confirm_receipt: 10 * 24 * 3600 * 1000,
  user_apply_judge: 7 * 24 * 3600 * 1000,
} as const;

/** Refund delay, in sandbox seconds, of an app that sets none: long enough to see status 15. */
export const DEFAULT_REFUND_DELAY_SECONDS = 5;

/**
 * Returns the timed move of a status, if it has one, with its delay. The platform's own steps
 * (12 → 15 at the next run of the due work, 15 → 13 or 14 after the app's refund delay) are
 * timed moves too.
 */
export function timeoutOf(status: EcAftersaleStatus, type: number, refundDelayMs = DEFAULT_REFUND_DELAY_SECONDS * 1000): { action: EcAftersaleAction; afterMs: number } | undefined {
  if (status === 12) return { action: 'platform_refund', afterMs: 0 };
  if (status === 15) return { action: type === 2 ? 'return_refund_completed' : 'refund_completed', afterMs: refundDelayMs };
  if (status === 2) {
    return type === 1
      ? { action: 'merchant_handle_refund_overdue', afterMs: EC_TIMEOUTS_MS.merchant_handle }
      : { action: 'merchant_handle_return_overdue', afterMs: EC_TIMEOUTS_MS.merchant_handle };
  }
  if (status === 6) return { action: 'user_upload_return_info_overdue', afterMs: EC_TIMEOUTS_MS.user_upload_return };
  if (status === 8) return { action: 'merchant_confirm_receipt_overdue', afterMs: EC_TIMEOUTS_MS.merchant_confirm_receipt };
  if (status === 4 || status === 5) return { action: 'user_apply_platform_judge_overdue', afterMs: EC_TIMEOUTS_MS.user_apply_judge };
  return undefined;
}

/**
 * v1 after-sale status (shop/aftersale/*), reported by the merchant: 0 not accepted, 1 cancelled
 * by the buyer, 2 merchant handling, 3 merchant overdue, 4 refund refused, 5 return refused,
 * 6 waiting for the buyer's return, 7 return closed, 8 waiting for the merchant's receipt,
 * 11 refunding, 12 refund overdue, 13 refunded, 14 returned and refunded, 15 exchanged,
 * 16 waiting for the merchant to ship, 17 waiting for the buyer's receipt, 18 exchange refused,
 * 19 goods received by the merchant.
 */
export const V1_STATUSES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19] as const;
export type V1Status = (typeof V1_STATUSES)[number];
/** Final v1 statuses: a later update may not leave them. */
export const V1_FINAL: readonly V1Status[] = [1, 7, 13, 14, 15];
/** v1 after-sale type: 1 refund, 2 return and refund, 3 exchange. */
export const V1_TYPES = [1, 2, 3] as const;

/** The merchant moves a v1 after-sale from any open status to any status. */
export const V1_TRANSITIONS: TransitionTable<`to_${V1Status}`, V1Status> = Object.fromEntries(
  V1_STATUSES.map((status) => [`to_${status}`, { from: V1_STATUSES.filter((from) => !V1_FINAL.includes(from)), to: status }]),
) as unknown as TransitionTable<`to_${V1Status}`, V1Status>;

/**
 * Event a v1 after-sale pushes when it enters a status, by the merchant's report or the admin
 * API: the v2 event of the same meaning. A new v1 after-sale pushes aftersale_new_order, and
 * other statuses push nothing.
 */
export const V1_STATUS_EVENTS: Partial<Record<V1Status, string>> = {
  1: 'aftersale_user_cancel',
  8: 'aftersale_wait_merchant_confirm_receipt',
  12: 'aftersale_merchant_handle_refund_overdue',
  13: 'aftersale_refund_success',
  14: 'aftersale_refund_success',
};

assertReachable('ecaftersale status', EC_AFTERSALE_TRANSITIONS, [2]);
assertReachable('aftersale (v1) status', V1_TRANSITIONS, [0, 2]);
