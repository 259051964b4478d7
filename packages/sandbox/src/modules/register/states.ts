import { assertReachable, type TransitionTable } from '../../platform/transitions.js';
import type { AccessState } from '../app/store.js';

/**
 * Component access per app, as numbers for the transition table: 0 not applied, 1 waiting for the
 * admin's agreement, 2 accessed (register/check status 2), 3 banned (status 3).
 */
export type AccessStatus = 0 | 1 | 2 | 3;

const STATE_NAMES: Record<AccessStatus, AccessState> = { 0: 'not_applied', 1: 'pending_agreement', 2: 'accessed', 3: 'banned' };

export function accessStatus(state: AccessState): AccessStatus {
  const found = (Object.entries(STATE_NAMES) as [string, AccessState][]).find(([, name]) => name === state);
  return (found ? Number(found[0]) : 0) as AccessStatus;
}

export function accessStateName(status: AccessStatus): AccessState {
  return STATE_NAMES[status];
}

export type AccessAction = 'apply_immediate' | 'apply' | 'sign' | 'expire' | 'open' | 'close' | 'ban' | 'unban';

export const ACCESS_TRANSITIONS: TransitionTable<AccessAction, AccessStatus> = {
  // register/apply of the 2021 generation opened the component at once, with no event.
  apply_immediate: { from: [0], to: 2 },
  // register/apply of the 2022 generation sends the legal agreement to the admin.
  apply: { from: [0], to: 1 },
  // The admin signs the agreement (admin API), which pushes open_product_account_register status 2.
  sign: { from: [1], to: 2 },
  // The agreement was not signed within 24 hours.
  expire: { from: [1], to: 0 },
  // Opening in the MP console (the only way since 2024), with the same event.
  open: { from: [0, 1], to: 2 },
  // Cancelling access in the MP console: event status 10, approved categories and brands emptied.
  close: { from: [2], to: 0 },
  ban: { from: [2], to: 3 },
  unban: { from: [3], to: 2 },
};

/** Review of scene group 1: 3 not reviewed, 0 under review, 1 passed, 2 failed. */
export type SceneStatus = 0 | 1 | 2 | 3;

export const SCENE_TRANSITIONS: TransitionTable<'apply' | 'approve' | 'reject', SceneStatus> = {
  // register/apply_scene; a failed review may be applied for again.
  apply: { from: [3, 2], to: 0 },
  approve: { from: [0], to: 1 },
  reject: { from: [0], to: 2 },
};

assertReachable('component access', ACCESS_TRANSITIONS, [0]);
assertReachable('scene group review', SCENE_TRANSITIONS, [3]);
