import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { ACCESS_TRANSITIONS, accessStateName, accessStatus, SCENE_TRANSITIONS } from './states.js';

test('access state names map both ways', () => {
  for (const name of ['not_applied', 'pending_agreement', 'accessed', 'banned'] as const) {
    assert.equal(accessStateName(accessStatus(name)), name);
  }
});

test('access lifecycle follows the platform', () => {
  assert.equal(transition('access', ACCESS_TRANSITIONS, 'apply', 0), 1);
  assert.equal(transition('access', ACCESS_TRANSITIONS, 'sign', 1), 2);
  assert.equal(transition('access', ACCESS_TRANSITIONS, 'expire', 1), 0);
  assert.equal(transition('access', ACCESS_TRANSITIONS, 'apply_immediate', 0), 2);
  assert.equal(transition('access', ACCESS_TRANSITIONS, 'close', 2), 0);
  assert.equal(transition('access', ACCESS_TRANSITIONS, 'ban', 2), 3);
  assert.equal(transition('access', ACCESS_TRANSITIONS, 'unban', 3), 2);
});

test('access lifecycle rejects skipped steps', () => {
  assert.throws(() => transition('access', ACCESS_TRANSITIONS, 'sign', 0), TransitionRejected);
  assert.throws(() => transition('access', ACCESS_TRANSITIONS, 'apply', 2), TransitionRejected);
  assert.throws(() => transition('access', ACCESS_TRANSITIONS, 'ban', 0), TransitionRejected);
  assert.throws(() => transition('access', ACCESS_TRANSITIONS, 'close', 3), TransitionRejected);
});

test('scene review may be retried after failure only', () => {
  assert.equal(transition('scene', SCENE_TRANSITIONS, 'apply', 3), 0);
  assert.equal(transition('scene', SCENE_TRANSITIONS, 'apply', 2), 0);
  assert.throws(() => transition('scene', SCENE_TRANSITIONS, 'apply', 0), TransitionRejected);
  assert.throws(() => transition('scene', SCENE_TRANSITIONS, 'apply', 1), TransitionRejected);
});
