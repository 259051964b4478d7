import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRid, RID_PATTERN } from './rid.js';

test('rid form and time part', () => {
  const now = Date.UTC(2026, 11, 5, 3, 0, 0);
  const rid = createRid(now);
  assert.match(rid, RID_PATTERN);
  assert.equal(parseInt(rid.slice(0, 8), 16), now / 1000);
});

test('rids of one second sort in order', () => {
  const now = Date.UTC(2026, 11, 5, 3, 0, 1);
  const rids = Array.from({ length: 1000 }, () => createRid(now));
  assert.equal(new Set(rids).size, rids.length, 'every rid is new');
  const outOfOrder = rids.slice(1).filter((rid, index) => rid < rids[index]!);
  // The counter starts at a random value, so it may pass 0xffffffff once within the run.
  assert.ok(outOfOrder.length <= 1, `${outOfOrder.length} rids sorted before the previous one`);
});

test('rid time part at the range ends', () => {
  assert.equal(createRid(0).slice(0, 8), '00000000');
  assert.equal(createRid(0xffffffff * 1000).slice(0, 8), 'ffffffff');
});
