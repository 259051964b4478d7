import { assertReachable, type TransitionTable } from '../../platform/transitions.js';

/** Qualification audit status, as in audit/result and the result events: 0 under review, 1 approved, 9 rejected. */
export type AuditStatus = 0 | 1 | 9;

export const AUDIT_STATUS = { reviewing: 0, approved: 1, rejected: 9 } as const;

/** audit_type of the result events. */
export const AUDIT_TYPE = { brand: 1, category: 2 } as const;

export const AUDIT_TRANSITIONS: TransitionTable<'approve' | 'reject', AuditStatus> = {
  approve: { from: [0], to: 1 },
  reject: { from: [0], to: 9 },
};

assertReachable('qualification audit', AUDIT_TRANSITIONS, [AUDIT_STATUS.reviewing]);
