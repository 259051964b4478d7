import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSandbox } from '@wxshop/sandbox';
import { admin, APPID, call, clockNow, getToken, SECRET, startSandbox } from './helpers.js';
import { confirmCoupons, couponBody } from './coupon-helpers.js';

describe('instances sharing one database', () => {
  test('a reset on one instance drops what another keeps in memory', async () => {
    const first = await startSandbox();
    const second = await createSandbox({ storage: { url: first.dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
    try {
      const secondUrl = await second.listen('127.0.0.1', 0);
      // Coupon faults live in the memory of the instance they were armed on.
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
      await second.close();
      await first.close();
    }
  });
});
