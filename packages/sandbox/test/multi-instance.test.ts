import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createSandbox, type Sandbox } from '@wxshop/sandbox';
import { admin, APPID, call, clockNow, getToken, SECRET, startSandbox } from './helpers.js';
import { confirmCoupons, couponBody } from './coupon-helpers.js';

describe('instances sharing one database', () => {
  test('a reset on one instance drops what another keeps in memory', async () => {
    const first = await startSandbox();
    let second: Sandbox | undefined;
    try {
      second = await createSandbox({ storage: { url: first.dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
      const secondUrl = await second.listen('127.0.0.1', 0);
      // Coupon faults are stored state, so a reset on any instance drops them.
      const armed = await admin(secondUrl, 'POST', `/apps/${APPID}/coupons/faults`, { step: 'activate', count: 1 });
      assert.equal(armed.status, 200, JSON.stringify(armed.json));
      assert.equal((await admin(first.url, 'POST', '/reset')).status, 200);
      // The second instance's next round of timed work sees the new state generation.
      assert.equal((await admin(secondUrl, 'POST', '/clock/advance', { seconds: 0 })).status, 200);

      await confirmCoupons(secondUrl);
      const token = await getToken(secondUrl);
      const now = Math.floor((await clockNow(secondUrl)) / 1000);
      assert.equal((await call(secondUrl, '/shop/coupon/add', couponBody('MI-1', now), { token })).json.errcode, 0);
      const activated = await call(secondUrl, '/shop/coupon/update_status', { out_coupon_id: 'MI-1', status: 2 }, { token });
      assert.equal(activated.json.errcode, 0, `the fault armed before the reset still fired: ${activated.text}`);
    } finally {
      await second?.close();
      await first.close();
    }
  });

  test('coupon fault shared and kept across restart', async () => {
    const first = await startSandbox();
    const sandboxOn = () => createSandbox({ storage: { url: first.dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
    let second: Sandbox | undefined;
    try {
      second = await sandboxOn();
      const secondUrl = await second.listen('127.0.0.1', 0);
      await confirmCoupons(first.url);
      const token = await getToken(first.url);
      const now = Math.floor((await clockNow(first.url)) / 1000);
      for (const id of ['MI-A', 'MI-B', 'MI-C']) assert.equal((await call(first.url, '/shop/coupon/add', couponBody(id, now), { token })).json.errcode, 0);

      const armed = await admin(secondUrl, 'POST', `/apps/${APPID}/coupons/faults`, { step: 'activate', count: 2 });
      assert.equal(armed.status, 200, JSON.stringify(armed.json));
      assert.deepEqual(await armedFaults(first.url), [{ step: 'activate', errcode: 1090013, remaining: 2 }]);
      const activate = (url: string, id: string) => call(url, '/shop/coupon/update_status', { out_coupon_id: id, status: 2 }, { token });
      assert.equal((await activate(first.url, 'MI-A')).json.errcode, 1090013, 'armed on the second instance, fired on the first');

      // A restart of the instance that armed it keeps the remaining count.
      await second.close();
      second = undefined;
      second = await sandboxOn();
      const restartedUrl = await second.listen('127.0.0.1', 0);
      assert.deepEqual(await armedFaults(restartedUrl), [{ step: 'activate', errcode: 1090013, remaining: 1 }]);
      assert.equal((await activate(restartedUrl, 'MI-B')).json.errcode, 1090013);
      assert.equal((await activate(first.url, 'MI-C')).json.errcode, 0, 'two counts, two failures');
      assert.equal((await activate(restartedUrl, 'MI-A')).json.errcode, 0);
      assert.deepEqual(await armedFaults(first.url), []);
    } finally {
      await second?.close();
      await first.close();
    }
  });

  test('second instance starts during a write transaction', async () => {
    const first = await startSandbox();
    let endTransaction!: () => void;
    const transactionEnd = new Promise<void>((resolve) => (endTransaction = resolve));
    // A write transaction that waits on the event loop, as one that awaits the network would.
    const writing = first.sandbox.services.storage.db.transaction().execute(async (trx) => {
      await trx.updateTable('apps').set({ secret: SECRET }).where('appid', '=', APPID).execute();
      await transactionEnd;
    });
    try {
      const second = await createSandbox({ storage: { url: first.dbUrl }, apps: [], backgroundIntervalMs: 0 });
      await second.close();
    } finally {
      endTransaction();
      await writing;
      await first.close();
    }
  });

  test('database migrated by a newer version is rejected', async () => {
    const first = await startSandbox();
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_version', '2026-12-05T00:00:00.000Z')`.execute(first.sandbox.services.storage.db);
      await assert.rejects(
        createSandbox({ storage: { url: first.dbUrl }, apps: [], backgroundIntervalMs: 0 }),
        /9999_from_a_newer_version|migration/i,
      );
    } finally {
      await first.close();
    }
  });

  test('concurrent calls on two instances use each count once', async () => {
    const first = await startSandbox();
    let second: Sandbox | undefined;
    try {
      second = await createSandbox({ storage: { url: first.dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
      const secondUrl = await second.listen('127.0.0.1', 0);
      await confirmCoupons(first.url);
      const token = await getToken(first.url);
      const now = Math.floor((await clockNow(first.url)) / 1000);
      const ids = Array.from({ length: 8 }, (_, i) => `MI-P${i}`);
      for (const id of ids) assert.equal((await call(first.url, '/shop/coupon/add', couponBody(id, now), { token })).json.errcode, 0);
      assert.equal((await admin(first.url, 'POST', `/apps/${APPID}/coupons/faults`, { step: 'activate', count: 3 })).status, 200);
      const codes = await Promise.all(
        ids.map((id, i) => call(i % 2 === 0 ? first.url : secondUrl, '/shop/coupon/update_status', { out_coupon_id: id, status: 2 }, { token }).then((r) => r.json.errcode)),
      );
      assert.equal(codes.filter((code) => code === 1090013).length, 3, JSON.stringify(codes));
      assert.equal(codes.filter((code) => code === 0).length, 5, JSON.stringify(codes));
    } finally {
      await second?.close();
      await first.close();
    }
  });
});

/** Lists the coupon fault steps that still fail calls, as one instance reports them. */
async function armedFaults(url: string): Promise<unknown[]> {
  const faults = (await admin(url, 'GET', `/apps/${APPID}/coupons/faults`)).json.faults as { remaining: number }[];
  return faults.filter((fault) => fault.remaining > 0);
}
