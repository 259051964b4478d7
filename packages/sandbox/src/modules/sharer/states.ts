import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/**
 * Sharer binding per openid. The wire `bind_status` of search_sharer is 1 bound, 2 invitation
 * refused, 3 inviting, 4 invitation expired; 0 is the sandbox's state for "not a sharer"
 * (never invited, or unbound), for which search_sharer returns 1310004.
 */
export type BindStatus = 0 | 1 | 2 | 3 | 4;
export const BIND_STATUS = { none: 0, bound: 1, refused: 2, inviting: 3, expired: 4 } as const;

export const BIND_TRANSITIONS: TransitionTable<'invite' | 'accept' | 'refuse' | 'expire' | 'unbind', BindStatus> = {
  // shop/sharer/bind; an open invitation may be sent again, within the invitation limits.
  invite: { from: [0, 2, 3, 4], to: 3 },
  // The invited user accepts (admin action); pushes miniprogram_sharer_bind_status_change 1.
  accept: { from: [3], to: 1 },
  // The invited user refuses (admin action).
  refuse: { from: [3], to: 2 },
  // The invitation lapses unanswered (admin action).
  expire: { from: [3], to: 4 },
  // shop/sharer/unbind; pushes miniprogram_sharer_bind_status_change 2.
  unbind: { from: [1], to: 0 },
};

assertReachable('sharer binding', BIND_TRANSITIONS, [BIND_STATUS.none]);
