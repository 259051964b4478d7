import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/**
 * Order `status` on the wire: 10 awaiting payment, 11 paid at the cashier (2021 flow, awaiting the
 * merchant's order/pay), 20 awaiting shipment, 21 partly shipped, 30 shipped, 100 completed,
 * 181 cancelled because expire_time passed, 200 closed after every line was refunded,
 * 250 cancelled (buyer, merchant or failed payment).
 */
export type OrderStatus = 10 | 11 | 20 | 21 | 30 | 100 | 181 | 200 | 250;

export type OrderAction =
  | 'cashier_paid'
  | 'pay'
  | 'cancel'
  | 'expire'
  | 'ship_part'
  | 'ship_all'
  | 'ship_without_logistics'
  | 'confirm'
  | 'refund_all';

export const ORDER_TRANSITIONS: TransitionTable<OrderAction, OrderStatus> = {
  // 2021 flow: the buyer paid at the cashier; the merchant still has to call order/pay.
  cashier_paid: { from: [10], to: 11 },
  // 2022 flow: the platform's payment (admin "buyer pays"); 2021 flow: order/pay action_type 1.
  pay: { from: [10, 11], to: 20 },
  // order/close, order/pay with another action_type, or the buyer cancels.
  cancel: { from: [10, 11], to: 250 },
  // expire_time passed without payment (sandbox clock).
  expire: { from: [10, 11], to: 181 },
  // delivery/send with finish_all_delivery 0.
  ship_part: { from: [20, 21], to: 21 },
  // delivery/send with finish_all_delivery 1.
  ship_all: { from: [20, 21], to: 30 },
  // delivery/send on an order that needs no logistics completes it at once.
  ship_without_logistics: { from: [20, 21], to: 100 },
  // delivery/recieve or the buyer confirms receipt.
  confirm: { from: [30], to: 100 },
  // Every line refunded through after-sales.
  refund_all: { from: [20, 21, 30, 100], to: 200 },
};

/** Statuses in which the order waits for payment. */
export const UNPAID: readonly OrderStatus[] = [10, 11];

assertReachable('order status', ORDER_TRANSITIONS, [10]);
