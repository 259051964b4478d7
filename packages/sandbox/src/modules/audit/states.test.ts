import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { AUDIT_TRANSITIONS } from './states.js';

test('qualification audit is decided once', () => {
  assert.equal(transition('audit', AUDIT_TRANSITIONS, 'approve', 0), 1);
  assert.equal(transition('audit', AUDIT_TRANSITIONS, 'reject', 0), 9);
  assert.throws(() => transition('audit', AUDIT_TRANSITIONS, 'approve', 9), TransitionRejected);
  assert.throws(() => transition('audit', AUDIT_TRANSITIONS, 'reject', 1), TransitionRejected);
});
