import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/** Trade state of the payment service: 1 awaiting payment, 2 paid, 3 closed unpaid, 4 fully refunded. */
export type TradeState = 1 | 2 | 3 | 4;
export type TradeAction = 'pay' | 'close' | 'expire' | 'refund_all';

export const TRADE_TRANSITIONS: TransitionTable<TradeAction, TradeState> = {
  // The buyer paid the combined order (admin API); every sub-order's trade is paid together.
  pay: { from: [1], to: 2 },
  // pay/closeorder by the merchant.
  close: { from: [1], to: 3 },
  // expire_time passed without payment (sandbox clock, read when the trade is read).
  expire: { from: [1], to: 3 },
  // Refunds reached the trade amount.
  refund_all: { from: [2], to: 4 },
};

/** A combined order lives two hours when createorder sends no expire_time. */
export const DEFAULT_EXPIRY_MS = 2 * 3600 * 1000;

assertReachable('payment-service trade', TRADE_TRANSITIONS, [1]);
