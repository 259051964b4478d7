import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, APPID, call, getToken, productBody, startSandbox, uploadImage, type TestSandbox } from './helpers.js';
import { addOrder, buyers, chinaTime, v1Order, v2Order } from './order-support.js';

let server: TestSandbox;
let url: string;
let token: string;

before(async () => {
  server = await startSandbox();
  url = server.url;
  token = await getToken(url);
});

after(async () => {
  await server.close();
});

test('a path with bad percent-encoding gets 400 in the admin error shape', async () => {
  const response = await fetch(new URL(`/_sandbox/v1/apps/${APPID}/orders/%E0%A4%A`, url));
  assert.equal(response.status, 400);
  const body = (await response.json()) as { error?: { code?: string; message?: string } };
  assert.equal(body.error?.code, 'bad_url', JSON.stringify(body));
  assert.equal(typeof body.error?.message, 'string');
});

for (const list of ['orders', 'aftersales', 'legacy-aftersales']) {
  for (const query of ['limit=-1', 'limit=abc', 'limit=abc&status=xyz', 'status=xyz', 'offset=-5', 'limit=100000']) {
    test(`GET /apps/:appid/${list}?${query} answers 400`, async () => {
      const response = await admin(url, 'GET', `/apps/${APPID}/${list}?${query}`);
      assert.equal(response.status, 400, JSON.stringify(response.json));
      assert.match(response.json.error.code, /^invalid_/);
    });
  }
  test(`GET /apps/:appid/${list} with valid paging answers 200`, async () => {
    assert.equal((await admin(url, 'GET', `/apps/${APPID}/${list}?limit=5&offset=0&status=10`)).status, 200);
  });
}

test('a refused order action names the errcode once in its message', async () => {
  const [openid] = await buyers(url);
  await addOrder(url, token, await v2Order(url, openid!, 'ADMIN-409'));
  assert.equal((await admin(url, 'POST', `/apps/${APPID}/orders/ADMIN-409/pay`)).status, 200);
  const again = await admin(url, 'POST', `/apps/${APPID}/orders/ADMIN-409/pay`);
  assert.equal(again.status, 409, JSON.stringify(again.json));
  const message = again.json.error.message as string;
  const code = /errcode (\d+)/.exec(message)?.[1];
  assert.ok(code, message);
  assert.equal(message.split(code).length - 1, 1, `errcode ${code} appears once in "${message}"`);
  assert.doesNotMatch(message, /\(order\./, 'the rule name is in code, not in the message');
});

test('a violation on a product still in its first review is refused with 409', async () => {
  const image = await uploadImage(url, token);
  await admin(url, 'PATCH', `/apps/${APPID}/settings`, { reviewer: { mode: 'manual' } });
  const added = await call(url, '/shop/spu/add', productBody('P-FIRST-REVIEW', image), { token });
  assert.equal(added.json.errcode, 0, added.text);
  const refused = await admin(url, 'POST', `/apps/${APPID}/products/violation`, { out_product_id: 'P-FIRST-REVIEW' });
  assert.equal(refused.status, 409, JSON.stringify(refused.json));
  const read = await call(url, '/shop/spu/get', { out_product_id: 'P-FIRST-REVIEW', need_edit_spu: 1 }, { token });
  assert.equal(read.json.errcode, 0, read.text);
  assert.notEqual((read.json.spu as { status: number }).status, 13);
});

test('legacy-aftersales lists v1 after-sales by status', async () => {
  const [openid] = await buyers(url);
  await addOrder(url, token, await v1Order(url, openid!, 'ADMIN-V1'));
  const paid = await call(url, '/shop/order/pay', { out_order_id: 'ADMIN-V1', openid, action_type: 1, transaction_id: '4200000000000000000000000091', pay_time: chinaTime(Date.now()) }, { token });
  assert.equal(paid.json.errcode, 0, paid.text);
  const reported = {
    out_order_id: 'ADMIN-V1',
    out_aftersale_id: 'AS-ADMIN-V1',
    openid,
    type: 1,
    create_time: chinaTime(Date.now()),
    status: 2,
    finish_all_aftersale: 0,
    path: 'pages/aftersale',
    refund: 900,
    product_infos: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 }],
  };
  const added = await call(url, '/shop/aftersale/add', reported, { token });
  assert.equal(added.json.errcode, 0, added.text);

  const listed = await admin(url, 'GET', `/apps/${APPID}/legacy-aftersales`);
  assert.equal(listed.status, 200, JSON.stringify(listed.json));
  const item = (listed.json.aftersales as Record<string, unknown>[]).find((entry) => entry.out_aftersale_id === 'AS-ADMIN-V1');
  assert.ok(item, JSON.stringify(listed.json));
  assert.equal(item.status, 2);
  assert.equal(item.out_order_id, 'ADMIN-V1');
  assert.equal(item.refund, 900);
  assert.match(String(item.aftersale_id), /^\d+$/);

  const other = await admin(url, 'GET', `/apps/${APPID}/legacy-aftersales?status=13`);
  assert.deepEqual(other.json.aftersales, []);
  const v2 = await admin(url, 'GET', `/apps/${APPID}/aftersales`);
  assert.ok(!(v2.json.aftersales as Record<string, unknown>[]).some((entry) => entry.out_aftersale_id === 'AS-ADMIN-V1'), 'v1 after-sales stay out of the v2 list');
});

test('coupon faults list every step with its remaining calls', async () => {
  const before = await admin(url, 'GET', `/apps/${APPID}/coupons/faults`);
  assert.equal(before.status, 200);
  const claimRush = () => (before.json.faults as { step: string }[]).find((fault) => fault.step === 'claim_rush');
  assert.deepEqual(claimRush(), { step: 'claim_rush', errcode: 1090025, remaining: 0 });

  assert.equal((await admin(url, 'POST', `/apps/${APPID}/coupons/faults`, { step: 'claim_rush', count: 3 })).status, 200);
  const armed = await admin(url, 'GET', `/apps/${APPID}/coupons/faults`);
  assert.deepEqual((armed.json.faults as { step: string }[]).find((fault) => fault.step === 'claim_rush'), { step: 'claim_rush', errcode: 1090025, remaining: 3 });
  assert.equal((armed.json.faults as unknown[]).length, 7);

  assert.equal((await admin(url, 'POST', `/apps/${APPID}/coupons/faults`, { step: 'claim_rush', count: 0 })).status, 200);
  const disarmed = await admin(url, 'GET', `/apps/${APPID}/coupons/faults`);
  assert.equal((disarmed.json.faults as { step: string; remaining: number }[]).find((fault) => fault.step === 'claim_rush')?.remaining, 0);
  assert.equal((await admin(url, 'GET', '/apps/wx0000000000000404/coupons/faults')).status, 404);
});
