import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { WXPAY_TRANSITIONS } from './states.js';

test('payment onboarding may be resubmitted after rejection', () => {
  assert.equal(transition('wxpay', WXPAY_TRANSITIONS, 'apply', 0), 1);
  assert.equal(transition('wxpay', WXPAY_TRANSITIONS, 'reject', 1), 2);
  assert.equal(transition('wxpay', WXPAY_TRANSITIONS, 'apply', 2), 1);
  assert.equal(transition('wxpay', WXPAY_TRANSITIONS, 'approve', 1), 3);
  assert.throws(() => transition('wxpay', WXPAY_TRANSITIONS, 'apply', 3), TransitionRejected);
  assert.throws(() => transition('wxpay', WXPAY_TRANSITIONS, 'approve', 2), TransitionRejected);
});
