import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOtherSchemaGone } from './migrations.js';

test('catalogue race of another schema retried', () => {
  const own = 'wxshop_test_1_1_abc';
  // Errors PostgreSQL raised while Kysely read the catalogue and a test dropped its schema.
  assert.equal(isOtherSchemaGone(new Error('schema "wxshop_test_9_2_xyz" does not exist'), own), true);
  assert.equal(isOtherSchemaGone(new Error('relation "wxshop_test_9_2_xyz.request_log" does not exist'), own), true);
  assert.equal(isOtherSchemaGone(new Error('column "appid" of relation "request_log" does not exist'), own), true);
});

test('own schema errors not retried', () => {
  const own = 'wxshop_test_1_1_abc';
  assert.equal(isOtherSchemaGone(new Error(`schema "${own}" does not exist`), own), false);
  assert.equal(isOtherSchemaGone(new Error(`relation "${own}.products" does not exist`), own), false);
  assert.equal(isOtherSchemaGone(new Error('duplicate key value violates unique constraint "apps_pkey"'), own), false);
});
