import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/**
 * Withdrawal states, stored as numbers and sent as the platform's status names. A withdrawal
 * waits for the admin's QR scan, is accepted and paid out by the bank on the sandbox clock (or at
 * once through the admin API), and may fail, bounce back from the bank, or close unscanned.
 */
export const WITHDRAW_STATUS = {
  1: 'BEFORE_SCAN_QRCODE',
  2: 'AFTER_SCAN_QRCODE',
  3: 'CREATE_SUCCESS',
  4: 'SUCCESS',
  5: 'FAIL',
  6: 'REFUND',
  7: 'CLOSE',
} as const;

export type WithdrawState = keyof typeof WITHDRAW_STATUS;
export type WithdrawAction = 'scan' | 'accept' | 'succeed' | 'fail' | 'bounce' | 'close';

export const WITHDRAW_TRANSITIONS: TransitionTable<WithdrawAction, WithdrawState> = {
  // An admin of the shop confirmed the QR code of the withdrawal.
  scan: { from: [1], to: 2 },
  // The platform created the payout (clock: ACCEPT_DELAY_MS after the scan).
  accept: { from: [2], to: 3 },
  // The bank paid the money out (clock: PAYOUT_DELAY_MS after acceptance).
  succeed: { from: [3], to: 4 },
  // The payout was refused (admin API), with a reason.
  fail: { from: [2, 3], to: 5 },
  // The bank sent the money back after paying it out (admin API).
  bounce: { from: [4], to: 6 },
  // The QR code expired before anyone scanned it.
  close: { from: [1], to: 7 },
};

/** States in which the money has left the available balance. */
export const WITHDRAW_HOLDS_MONEY: readonly WithdrawState[] = [1, 2, 3, 4];

export const ACCEPT_DELAY_MS = 60 * 1000;
export const PAYOUT_DELAY_MS = 2 * 3600 * 1000;
/** Lifetime of an identity-check QR ticket. */
export const QRCODE_TTL_MS = 10 * 60 * 1000;

/** Due time of the clock's next move from `state`, or null when the state waits for someone. */
export function withdrawDueAt(state: WithdrawState, now: number): number | null {
  if (state === 1) return now + QRCODE_TTL_MS;
  if (state === 2) return now + ACCEPT_DELAY_MS;
  if (state === 3) return now + PAYOUT_DELAY_MS;
  return null;
}

/** The action the clock takes on a due withdrawal in `state`. */
export function clockAction(state: WithdrawState): WithdrawAction | undefined {
  return ({ 1: 'close', 2: 'accept', 3: 'succeed' } as const)[state as 1 | 2 | 3];
}

assertReachable('withdrawal status', WITHDRAW_TRANSITIONS, [1]);
