import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/** coupon.status: 1 editing (after add), 2 effective, 3 expired, 4 voided. */
export type CouponStatus = 1 | 2 | 3 | 4;
export const COUPON_STATUS = { editing: 1, effective: 2, expired: 3, voided: 4 } as const;

/**
 * Coupon lifecycle, driven by shop/coupon/update_status. The platform documents that a coupon
 * never returns to 1 and that 3 and 4 are reached only from 2.
 */
export const COUPON_TRANSITIONS: TransitionTable<'activate' | 'expire' | 'void', CouponStatus> = {
  // Creates the stock record and stamps ext_info.valid_time.
  activate: { from: [1], to: 2 },
  // Allowed only once the coupon's end time has passed (1090015 before).
  expire: { from: [2], to: 3 },
  void: { from: [2], to: 4 },
};

/** The action of update_status for each target status it accepts. */
export const COUPON_ACTION_BY_TARGET: Readonly<Record<number, 'activate' | 'expire' | 'void'>> = { 2: 'activate', 3: 'expire', 4: 'void' };

/** user_coupon.status: 100 usable, 101 expired, 102 used, 103 discarded by the merchant. */
export type UserCouponStatus = 100 | 101 | 102 | 103;
export const USER_COUPON_STATUS = { usable: 100, expired: 101, used: 102, discarded: 103 } as const;

/** Statuses add_user_coupon accepts as the starting status (the docs list 100–102 there). */
export const USER_COUPON_INITIAL: readonly UserCouponStatus[] = [100, 101, 102];

/**
 * User coupon lifecycle, driven by update_usercoupon_status and by the clock (expire). The
 * platform documents only the values; changes out of 101 and 103 are refused (1090044), and a
 * redemption may be reversed (102 → 100).
 */
export const USER_COUPON_TRANSITIONS: TransitionTable<'expire' | 'use' | 'discard' | 'unuse', UserCouponStatus> = {
  expire: { from: [100], to: 101 },
  use: { from: [100], to: 102 },
  discard: { from: [100], to: 103 },
  unuse: { from: [102], to: 100 },
};

export const USER_COUPON_ACTION_BY_TARGET: Readonly<Record<number, 'expire' | 'use' | 'discard' | 'unuse'>> = {
  100: 'unuse',
  101: 'expire',
  102: 'use',
  103: 'discard',
};

assertReachable('coupon status', COUPON_TRANSITIONS, [COUPON_STATUS.editing]);
assertReachable('user coupon status', USER_COUPON_TRANSITIONS, USER_COUPON_INITIAL);
