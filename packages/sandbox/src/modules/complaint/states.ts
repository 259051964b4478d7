import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/**
 * Dispute states. The platform does not publish its enums; the values follow the 23xxxx numbers
 * of its samples: 230000 awaiting the merchant, 230001 under platform review, 230002 withdrawn by
 * the buyer, 230014 judged and closed.
 */
export type ComplaintState = 230000 | 230001 | 230002 | 230014;
export type ComplaintAction = 'respond' | 'escalate' | 'judge' | 'withdraw';

export const COMPLAINT_TRANSITIONS: TransitionTable<ComplaintAction, ComplaintState> = {
  // The merchant uploaded evidence (complaint/upload_material); the platform reviews it.
  respond: { from: [230000, 230001], to: 230001 },
  // The platform steps in without waiting for the merchant (admin API).
  escalate: { from: [230000], to: 230001 },
  // The platform decides (admin API), with a judge_result.
  judge: { from: [230000, 230001], to: 230014 },
  // The buyer withdraws the complaint (admin API).
  withdraw: { from: [230000, 230001], to: 230002 },
};

export const STATE_DESCRIBE: Record<ComplaintState, string> = {
  230000: '待商家处理',
  230001: '平台处理中',
  230002: '用户已撤销投诉',
  230014: '投诉已完结',
};

/** Events of the history: who did what. */
export const EVENTS = {
  raised: { event: 240001, describe: '用户发起投诉' },
  respond: { event: 240002, describe: '商家提交举证材料' },
  escalate: { event: 240003, describe: '平台介入处理' },
  judge: { event: 240004, describe: '平台作出判定' },
  withdraw: { event: 240005, describe: '用户撤销投诉' },
} as const;

/** Who acted in a history item: 1 buyer, 2 merchant, 3 platform. */
export const PARTY = { user: 1, merchant: 2, platform: 3 } as const;

/** How long the merchant has to answer a new complaint. */
export const MERCHANT_ANSWER_MS = 3 * 24 * 3600 * 1000;

assertReachable('complaint state', COMPLAINT_TRANSITIONS, [230000]);
