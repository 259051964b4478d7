import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/** Payment onboarding (进件) of the scene merchant: 0 none, 1 auditing, 2 rejected, 3 finished. */
export type WxpayState = 0 | 1 | 2 | 3;

export const WXPAY_STATE = { none: 0, auditing: 1, rejected: 2, finished: 3 } as const;

/** applyment_state and its description as wxpay/get returns them. */
export const APPLYMENT_STATES: Record<WxpayState, { state: string; desc: string }> = {
  0: { state: '', desc: '' },
  1: { state: 'AUDITING', desc: '审核中' },
  2: { state: 'REJECTED', desc: '已驳回' },
  3: { state: 'FINISH', desc: '完成' },
};

export const WXPAY_TRANSITIONS: TransitionTable<'apply' | 'approve' | 'reject', WxpayState> = {
  // wxpay/apply; a rejected application may be sent again.
  apply: { from: [0, 2], to: 1 },
  approve: { from: [1], to: 3 },
  reject: { from: [1], to: 2 },
};

assertReachable('payment onboarding', WXPAY_TRANSITIONS, [WXPAY_STATE.none]);
