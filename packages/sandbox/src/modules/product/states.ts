import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/** Draft review state (`edit_status`): 1 editing, 2 under review, 3 rejected, 4 approved. */
export type EditStatus = 0 | 1 | 2 | 3 | 4;

/** Online state (`status`): 0 never online, 5 on sale, 11 delisted by the merchant, 13 delisted for a violation. */
export type OnlineStatus = 0 | 5 | 11 | 13;

export const EDIT_STATUS = { initial: 0, editing: 1, reviewing: 2, rejected: 3, approved: 4 } as const;
export const ONLINE_STATUS = { initial: 0, listed: 5, delisted: 11, violation: 13 } as const;

/** Review of the draft copy. spu/add enters `reviewing` directly. */
export const EDIT_TRANSITIONS: TransitionTable<'submit' | 'withdraw' | 'approve' | 'reject', EditStatus> = {
  // spu/update: a draft under review must be withdrawn with del_audit first (1000002).
  submit: { from: [1, 3, 4], to: 2 },
  // spu/del_audit (1000016 when nothing is under review).
  withdraw: { from: [2], to: 1 },
  approve: { from: [2], to: 4 },
  reject: { from: [2], to: 3 },
};

/** Sale state of the online copy. */
export const ONLINE_TRANSITIONS: TransitionTable<
  'first_approval' | 'list' | 'delist' | 'violation' | 'fixed',
  OnlineStatus
> = {
  // A first approval puts the product on sale when the reviewer policy has auto_list set.
  first_approval: { from: [0], to: 5 },
  // spu/listing; listing an already listed product is accepted and changes nothing.
  list: { from: [0, 5, 11], to: 5 },
  // spu/delisting; delisting twice is accepted and changes nothing.
  delist: { from: [0, 5, 11], to: 11 },
  // The platform delists for a violation (admin action), pushing open_product_spu_status_update.
  violation: { from: [0, 5, 11], to: 13 },
  // An approved review of the fixed product puts it back on sale, with the same event.
  fixed: { from: [13], to: 5 },
};

assertReachable('product edit_status', EDIT_TRANSITIONS, [EDIT_STATUS.reviewing]);
assertReachable('product status', ONLINE_TRANSITIONS, [ONLINE_STATUS.initial]);
