import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { admin, APPID, call, getToken, productBody, startSandbox, uploadImage, type TestSandbox } from '../../sandbox/dist-test/helpers.js';
import { confirmCoupons, couponBody, startMerchantCallback } from '../../sandbox/dist-test/coupon-helpers.js';
import { brandBody, wxpayBody } from '../../sandbox/dist-test/onboarding-helpers.js';
import { addOrder, chinaTime, v1Order } from '../../sandbox/dist-test/order-support.js';
import { startReceiver } from '../../sandbox/dist-test/push-receiver.js';
import { launch, missingBrowser, screenshot } from './browser.js';

const missing = missingBrowser();
// On CI a missing browser is a failed set-up, not a reason to skip.
if (missing && process.env.CI) throw new Error(missing);

/** Longest wait for a page to show what a test expects. It is generous because test machines may be busy. */
const WAIT_MS = 15_000;

describe('console in Chromium', { skip: missing }, () => {
  let sandbox: TestSandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let consoleUrl: string;

  before(async () => {
    sandbox = await startSandbox();
    consoleUrl = `${sandbox.url}/_sandbox/console/`;
    token = await getToken(sandbox.url);
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
  });

  /** Opens a console page with a fresh load, even when the browser already shows that page. */
  async function visit(name: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${consoleUrl}#/${name}`);
  }

  after(async () => {
    await context?.close();
    await browser?.close();
    await sandbox?.close();
  });

  test('opens in Chinese and remembers the switch to English', async () => {
    await visit('apps');
    await page.getByRole('heading', { name: '小程序与令牌' }).waitFor();
    await page.getByTestId('apps-table').getByText(APPID).waitFor();
    await screenshot(page, '01-apps-zh');

    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Apps and tokens' }).waitFor();
    assert.equal(await page.getByTestId('nav-requests').textContent(), 'Request log');

    // The choice survives a reload: it is kept in localStorage.
    await page.reload();
    await page.getByRole('heading', { name: 'Apps and tokens' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await screenshot(page, '02-apps-en');

    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: '小程序与令牌' }).waitFor();
  });

  test('a very long app name does not widen the page', async () => {
    const created = await admin(sandbox.url, 'POST', '/apps', { name: '长'.repeat(2000) });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    await visit('apps');
    await page.getByTestId('apps-table').getByText(created.json.app.appid).waitFor();
    const [scrollWidth, viewportWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scrollWidth <= viewportWidth, `the page is ${scrollWidth}px wide in a ${viewportWidth}px window`);
  });

  test('gets a stable token for an app from the apps page', async () => {
    await visit('apps');
    // The token the test fetched in before() is listed.
    await page.getByTestId('token-table').getByText(token).waitFor();
    await page.getByRole('button', { name: '获取 stable_token' }).click();
    const shown = (await page.getByTestId('stable-token').textContent()) ?? '';
    assert.match(shown, /^[A-Za-z0-9_-]{20,}$/);
    const row = page.getByTestId('token-table').locator('tr', { hasText: shown });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /stable.*有效/);
    await screenshot(page, '02b-tokens');
  });

  test('approves a product review from the audit queue', async () => {
    // Manual reviews, so the product waits in the queue until the console decides.
    const settings = await admin(sandbox.url, 'PATCH', `/apps/${APPID}/settings`, { reviewer: { mode: 'manual' } });
    assert.equal(settings.status, 200);
    const image = await uploadImage(sandbox.url, token);
    const added = await call(sandbox.url, '/shop/spu/add', productBody('CONSOLE-1', image, { title: '控制台测试积木' }), { token });
    assert.equal(added.json.errcode, 0, added.text);

    await visit('products');
    const item = page.getByTestId('queue-CONSOLE-1');
    await item.waitFor();
    const card = page.getByTestId('product-CONSOLE-1');
    assert.match((await card.getByTestId('edit-status').textContent()) ?? '', /审核中/);
    assert.match((await card.getByTestId('online').textContent()) ?? '', /尚无线上版本/);
    await screenshot(page, '03-audit-queue');

    await page.getByTestId('approve-CONSOLE-1').click();
    await page.getByText('商品 CONSOLE-1 已审核通过').waitFor();
    await page.getByText('没有审核中的商品。').waitFor();
    assert.match((await card.getByTestId('edit-status').textContent()) ?? '', /审核成功/);
    assert.match((await card.getByTestId('status').textContent()) ?? '', /上架/);
    assert.match((await card.getByTestId('online').textContent()) ?? '', /控制台测试积木/);
    await screenshot(page, '04-audit-approved');

    const listed = await admin(sandbox.url, 'GET', `/apps/${APPID}/products`);
    const product = listed.json.products.find((entry: { out_product_id: string }) => entry.out_product_id === 'CONSOLE-1');
    assert.equal(product.edit_status, 4);
    assert.equal(product.status, 5);
  });

  test('rejects a product review with a reason', async () => {
    const image = await uploadImage(sandbox.url, token);
    const added = await call(sandbox.url, '/shop/spu/add', productBody('CONSOLE-2', image, { title: '主图模糊的积木' }), { token });
    assert.equal(added.json.errcode, 0, added.text);

    await visit('products');
    const item = page.getByTestId('queue-CONSOLE-2');
    await item.getByRole('textbox').fill('主图不清晰');
    await page.getByTestId('reject-CONSOLE-2').click();
    await page.getByText('商品 CONSOLE-2 已驳回').waitFor();
    const card = page.getByTestId('product-CONSOLE-2');
    assert.match((await card.getByTestId('edit-status').textContent()) ?? '', /审核失败/);
    assert.equal(await card.getByTestId('reject-reason').textContent(), '主图不清晰');

    const got = await call(sandbox.url, '/shop/spu/get', { out_product_id: 'CONSOLE-2', need_edit_spu: 1 }, { token });
    assert.equal(got.json.errcode, 0, got.text);
    const spu = got.json.spu as Record<string, unknown>;
    assert.equal(spu.edit_status, 3);
    assert.match(JSON.stringify(spu), /主图不清晰/);
  });

  test('lists the audit event on the events page', async () => {
    await visit('events');
    await page.getByTestId('events').getByText('open_product_spu_audit').first().waitFor();
  });

  test('request log explains an error with the catalogue and the rule that fired', async () => {
    await visit('requests');
    await page.getByTestId('request-log').locator('article').first().waitFor();

    // Made while the page is open: the polling brings it in without a reload.
    const failed = await call(sandbox.url, '/shop/spu/add', { title: '没有商家商品编号' }, { token });
    assert.equal(failed.json.errcode, 1000001);
    const rid = / rid: (\S+)$/.exec(String(failed.json.errmsg))![1]!;
    const entry = page.getByTestId(`request-${rid}`);
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-errcode'), '1000001');
    const explanation = entry.getByTestId('error-explanation');
    const text = (await explanation.textContent()) ?? '';
    assert.match(text, /未上传商品out_product_id/, 'the wire message');
    assert.match(text, /缺少 out_product_id,或请求体不是合法的 JSON/, 'the Chinese explanation');
    assert.match(text, /The out_product_id is missing/, 'the English explanation');
    assert.match(text, /spu\.out_product_id\.missing/);
    await screenshot(page, '05-request-log-zh');

    // "Errors only" hides the successful calls, such as the spu/add of the audit test.
    await page.getByTestId('errors-only').check();
    await page.locator('[data-testid="request-log"] article[data-errcode="0"]').first().waitFor({ state: 'detached' });
    assert.ok((await page.locator('[data-testid="request-log"] article').count()) >= 1);
    await page.getByTestId('errors-only').uncheck();

    await page.getByTestId('language-switch').click();
    await page.getByTestId(`request-${rid}`).getByText('Rule that fired').waitFor();
    await screenshot(page, '06-request-log-en');
    await page.getByTestId('language-switch').click();
  });

  test('error codes page finds a code by word', async () => {
    await visit('errorCodes');
    await page.getByTestId('error-search').fill('库存');
    const codes = page.getByTestId('error-codes');
    await codes.getByText('1000015').waitFor();
    assert.match((await codes.textContent()) ?? '', /初始库存必须大于0/);
    assert.equal(await codes.getByText('40001', { exact: true }).count(), 0, 'codes without the word are filtered out');
    await screenshot(page, '07b-error-codes');
  });

  test('advances the clock', async () => {
    await visit('clock');
    await page.getByTestId('clock-offset').getByText('00:00:00').waitFor();
    await page.getByRole('button', { name: '+1 小时' }).click();
    await page.getByTestId('clock-offset').getByText('01:00:00').waitFor();
    const clock = await admin(sandbox.url, 'GET', '/clock');
    assert.equal(clock.json.offset_ms, 3_600_000);
    await screenshot(page, '07-clock');
  });

  test('every page reads its admin endpoint and shows its list', async () => {
    for (const name of ['onboarding', 'buyers', 'orders', 'aftersales', 'coupons', 'sharers', 'deliveries', 'quota', 'faults']) {
      await visit(name);
      // The page shows its list (or that it is empty) and no error.
      await page.locator('main table, main .empty').first().waitFor();
      assert.equal(await page.getByTestId('notice-error').count(), 0, `${name} shows an error`);
    }
  });

  test('an admin error is shown with its status and code', async () => {
    await page.route('**/_sandbox/v1/apps/*/user-coupons', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'coupon_not_found', message: 'No such coupon' } }) }),
    );
    try {
      await visit('coupons');
      const error = page.getByTestId('user-coupons').getByTestId('notice-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /HTTP 404 coupon_not_found/);
    } finally {
      await page.unrouteAll();
    }
  });

  test('pays an order with the buyer action button', async () => {
    const { orderId, openid } = await createOrder(sandbox.url, token);
    await visit('orders');
    const pay = page.getByTestId(`order-pay-${orderId}`);
    await pay.waitFor();
    await screenshot(page, '09-order-unpaid');
    // Only the actions the transition table allows in status 10 are offered.
    await page.getByTestId(`order-cancel-${orderId}`).waitFor();
    assert.equal(await page.getByTestId(`order-confirm-${orderId}`).count(), 0);
    await pay.click();
    await page.getByTestId('orders').getByText('20 待发货').first().waitFor();
    await page.getByTestId(`order-aftersale-${orderId}`).waitFor();
    assert.equal(await page.getByTestId(`order-pay-${orderId}`).count(), 0);
    await screenshot(page, '10-order-paid');
    const order = await call(sandbox.url, '/shop/order/get', { order_id: orderId, openid }, { token });
    assert.equal(order.json.errcode, 0, order.text);
    assert.equal((order.json.order as Record<string, unknown>).status, 20);

    // The buyer asks for a refund from the order's row, then withdraws it on the aftersales page.
    await page.getByTestId(`order-aftersale-${orderId}`).click();
    await page.getByTestId('orders').getByTestId('notice-success').waitFor();
    const listed = await admin(sandbox.url, 'GET', `/apps/${APPID}/aftersales`);
    const aftersale = (listed.json.aftersales as { aftersale_id: string; order_id: string; status: number }[]).find((item) => item.order_id === orderId);
    assert.ok(aftersale, JSON.stringify(listed.json));
    assert.equal(aftersale.status, 2);
    await visit('aftersales');
    await page.getByTestId(`aftersale-cancel-${aftersale.aftersale_id}`).click();
    await page.getByTestId('aftersales').getByText('1 用户取消').waitFor();
    await screenshot(page, '10b-aftersale-withdrawn');
  });

  test('redelivers an event from the deliveries page', async () => {
    const receiver = await startReceiver();
    try {
      const settings = await admin(sandbox.url, 'PUT', `/apps/${APPID}/push`, { url: receiver.url, token: 'consoletoken', skip_verify: true });
      assert.equal(settings.status, 200, JSON.stringify(settings.json));
      const { json } = await admin(sandbox.url, 'GET', `/apps/${APPID}/push/events?event=open_product_spu_audit`);
      const event = (json.events as { id: number }[])[0];
      assert.ok(event, 'the audit test left an open_product_spu_audit event');
      const before = (await admin(sandbox.url, 'GET', `/apps/${APPID}/push/deliveries?event_id=${event.id}`)).json.deliveries as unknown[];
      const posts = receiver.received.filter((request) => request.method === 'POST').length;

      await visit('deliveries');
      await page.getByTestId('push-settings').getByText(receiver.url).waitFor();
      await page.getByTestId(`redeliver-${event.id}`).click();
      await page.getByTestId('notice-success').getByText(`事件 ${event.id} 已重新推送`).waitFor();
      await page.getByTestId('deliveries').getByTestId('delivery-outcome').getByText(/delivered 200/).first().waitFor();

      const afterwards = (await admin(sandbox.url, 'GET', `/apps/${APPID}/push/deliveries?event_id=${event.id}`)).json.deliveries as { outcome: string }[];
      assert.ok(afterwards.length > before.length, 'redeliver adds a delivery attempt');
      assert.equal(afterwards[0]!.outcome, 'delivered');
      const received = receiver.received.filter((request) => request.method === 'POST');
      assert.ok(received.length > posts, 'the receiver got the event again');
      assert.ok(received.some((request) => request.body.includes('open_product_spu_audit')));
      await screenshot(page, '11-redelivered');
    } finally {
      await admin(sandbox.url, 'DELETE', `/apps/${APPID}/push`);
      await receiver.close();
    }
  });

  test('approves a qualification audit on the onboarding page', async () => {
    const image = await uploadImage(sandbox.url, token);
    const submitted = await call(sandbox.url, '/shop/audit/audit_brand', brandBody('控制台积木', image), { token });
    assert.equal(submitted.json.errcode, 0, submitted.text);
    const auditId = String(submitted.json.audit_id);

    await visit('onboarding');
    const approve = page.getByTestId(`audit-approve-${auditId}`);
    await approve.waitFor();
    await screenshot(page, '12-audit-pending');
    await approve.click();
    await page.getByTestId('qualification-audits').getByText('1 审核通过').first().waitFor();
    assert.equal(await page.getByTestId(`audit-approve-${auditId}`).count(), 0);
    await screenshot(page, '13-audit-approved');

    const result = await call(sandbox.url, '/shop/audit/result', { audit_id: auditId }, { token });
    assert.equal(result.json.errcode, 0, result.text);
    assert.equal((result.json.data as Record<string, unknown>).status, 1);
  });

  test('claims a coupon for a buyer through the merchant callback', async () => {
    const merchant = await startMerchantCallback();
    try {
      merchant.answer((body, res) =>
        res.end(JSON.stringify({ out_user_coupon_id: 'UC-CONSOLE-1', request_id: body.request_id, ret_code: 0, ret_msg: 'ok', out_coupon_id: body.out_coupon_id })),
      );
      // The coupon capability check (the platform's handshake) counts as passed.
      await confirmCoupons(sandbox.url);
      const nowSeconds = Math.floor(((await admin(sandbox.url, 'GET', '/clock')).json.now_ms as number) / 1000);
      const added = await call(sandbox.url, '/shop/coupon/add', couponBody('CP-CONSOLE', nowSeconds, { total: 5 }), { token });
      assert.equal(added.json.errcode, 0, added.text);
      const activated = await call(sandbox.url, '/shop/coupon/update_status', { out_coupon_id: 'CP-CONSOLE', status: 2 }, { token });
      assert.equal(activated.json.errcode, 0, activated.text);
      const buyer = await admin(sandbox.url, 'POST', `/apps/${APPID}/buyers`, { nickname: '领券买家' });
      const openid = buyer.json.buyer.openid as string;

      await visit('coupons');
      await page.getByTestId('coupon-callback-url').fill(merchant.url);
      await page.getByTestId('coupon-callback-save').click();
      await page.getByText('回调地址已保存').waitFor();
      await page.getByTestId('coupon-claimant').selectOption(openid);
      await page.getByTestId('coupon-claim-CP-CONSOLE').click();
      const outcome = page.getByTestId('coupons').getByTestId('notice-success').or(page.getByTestId('coupons').getByTestId('notice-error'));
      assert.equal(await outcome.getAttribute('data-testid'), 'notice-success', (await outcome.textContent()) ?? '');
      const row = page.getByTestId('user-coupons').locator('tr', { hasText: 'UC-CONSOLE-1' });
      await row.getByText('100 可用').waitFor();
      assert.match((await row.textContent()) ?? '', new RegExp(openid));
      await screenshot(page, '14-coupon-claimed');

      await row.getByTestId('user-coupon-use-UC-CONSOLE-1').click();
      await page.getByTestId('user-coupons').locator('tr', { hasText: 'UC-CONSOLE-1' }).getByText('102 已使用').waitFor();
      const listed = await admin(sandbox.url, 'GET', `/apps/${APPID}/user-coupons?out_coupon_id=CP-CONSOLE`);
      assert.equal(listed.json.user_coupons[0].status, 102);
      assert.equal(merchant.received.length, 1);
    } finally {
      await merchant.close();
    }
  });

  test('saves, checks and deletes push settings from the form', async () => {
    const receiver = await startReceiver();
    try {
      await visit('push');
      await page.getByTestId('push-current').getByText('尚未配置消息推送。').waitFor();
      await page.getByTestId('push-url').fill(receiver.url);
      await page.getByTestId('push-token').fill('consoleToken7');
      await page.getByTestId('push-generate-key').click();
      const key = await page.getByTestId('push-aes-key').inputValue();
      assert.match(key, /^[A-Za-z0-9]{43}$/);
      await page.getByTestId('push-format').selectOption('xml');
      await page.getByTestId('push-mode').selectOption('secure');
      await screenshot(page, '15-push-form');
      await page.getByTestId('push-save').click();
      await page.getByTestId('notice-success').getByText('推送配置已保存').waitFor();
      await page.getByTestId('push-current-mode').getByText('安全模式').waitFor();
      await screenshot(page, '16-push-saved');

      const saved = (await admin(sandbox.url, 'GET', `/apps/${APPID}/push`)).json.push;
      assert.equal(saved.url, receiver.url);
      assert.equal(saved.token, 'consoleToken7');
      assert.equal(saved.encoding_aes_key, key);
      assert.equal(saved.format, 'xml');
      assert.equal(saved.mode, 'secure');
      assert.ok(saved.verified_at > 0, 'the echostr check passed');
      assert.ok(receiver.received.some((request) => request.method === 'GET' && request.url.searchParams.has('echostr')), 'the sandbox sent the URL check');

      // A receiver that does not echo echostr fails the check, and the saved settings stay.
      receiver.respond(() => ({ status: 200, body: 'not the echostr' }));
      await page.getByTestId('push-token').fill('otherToken8');
      await page.getByTestId('push-save').click();
      await page.getByTestId('notice-error').getByText(/HTTP 422 verification_failed/).waitFor();
      assert.equal((await admin(sandbox.url, 'GET', `/apps/${APPID}/push`)).json.push.token, 'consoleToken7');
      await screenshot(page, '17-push-check-failed');

      await page.getByTestId('push-delete').click();
      await page.getByTestId('notice-success').getByText('推送配置已删除').waitFor();
      assert.equal((await admin(sandbox.url, 'GET', `/apps/${APPID}/push`)).json.push, null);
    } finally {
      await admin(sandbox.url, 'DELETE', `/apps/${APPID}/push`);
      await receiver.close();
    }
  });

  test('lists v1 aftersales and filters them by status', async () => {
    const buyer = await admin(sandbox.url, 'POST', `/apps/${APPID}/buyers`, { nickname: '旧版售后买家' });
    const openid = buyer.json.buyer.openid as string;
    await addOrder(sandbox.url, token, await v1Order(sandbox.url, openid, 'CONSOLE-V1'));
    const paid = await call(sandbox.url, '/shop/order/pay', { out_order_id: 'CONSOLE-V1', openid, action_type: 1, transaction_id: '4200000000000000000000000077', pay_time: chinaTime(Date.now()) }, { token });
    assert.equal(paid.json.errcode, 0, paid.text);
    for (const outAftersaleId of ['AS-V1-A', 'AS-V1-B']) {
      const reported = {
        out_order_id: 'CONSOLE-V1',
        out_aftersale_id: outAftersaleId,
        openid,
        type: 1,
        create_time: chinaTime(Date.now()),
        status: 2,
        finish_all_aftersale: 0,
        path: 'pages/aftersale',
        refund: 900,
        refund_reason: '不想要了',
        product_infos: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 1 }],
      };
      const added = await call(sandbox.url, '/shop/aftersale/add', reported, { token });
      assert.equal(added.json.errcode, 0, added.text);
    }
    const updated = await call(sandbox.url, '/shop/aftersale/update', { out_order_id: 'CONSOLE-V1', out_aftersale_id: 'AS-V1-B', openid, status: 13, finish_all_aftersale: 0 }, { token });
    assert.equal(updated.json.errcode, 0, updated.text);

    await visit('legacyAftersales');
    await page.getByTestId('legacy-status-AS-V1-A').getByText('2 商家受理中').waitFor();
    assert.equal(await page.getByTestId('legacy-status-AS-V1-B').textContent(), '13 退款完成');
    await screenshot(page, '18-legacy-aftersales');

    await page.getByTestId('legacy-status-filter').selectOption('13');
    await page.getByTestId('legacy-status-AS-V1-A').waitFor({ state: 'detached' });
    // The table is redrawn as a whole, so wait for the kept row rather than count it at once.
    await page.getByTestId('legacy-status-AS-V1-B').getByText('13 退款完成').waitFor();
    const listed = await admin(sandbox.url, 'GET', `/apps/${APPID}/legacy-aftersales?status=13`);
    assert.deepEqual(listed.json.aftersales.map((item: { out_aftersale_id: string }) => item.out_aftersale_id), ['AS-V1-B']);
    assert.equal(listed.json.aftersales[0].refund_reason, '不想要了');
  });

  test('rejects, then approves WeChat Pay onboarding', async () => {
    await admin(sandbox.url, 'PATCH', `/apps/${APPID}/settings`, { reviewer: { mode: 'manual' } });
    const applied = await call(sandbox.url, '/shop/wxpay/apply', wxpayBody(), { token });
    assert.equal(applied.json.errcode, 0, applied.text);

    await visit('wxpay');
    await page.getByTestId('wxpay-state').getByText('1 审核中').waitFor();
    await screenshot(page, '19-wxpay-auditing');
    await page.getByTestId('wxpay-param-name').fill('id_card_copy');
    await page.getByTestId('wxpay-reason').fill('身份证照片不清晰');
    await page.getByTestId('wxpay-reject').click();
    await page.getByTestId('notice-success').getByText('进件已驳回').waitFor();
    await page.getByTestId('wxpay-state').getByText('2 已驳回').waitFor();
    assert.equal(await page.getByTestId('wxpay-reject').count(), 0, 'a rejected application offers no decision');
    const rejected = (await admin(sandbox.url, 'GET', `/apps/${APPID}/wxpay`)).json.application;
    assert.equal(rejected.state, 2);
    assert.deepEqual(rejected.audit_detail, [{ param_name: 'id_card_copy', reject_reason: '身份证照片不清晰' }]);
    const wire = await call(sandbox.url, '/shop/wxpay/get', {}, { token });
    assert.equal((wire.json.pay_resp as Record<string, unknown>).applyment_state, 'REJECTED', wire.text);

    // The merchant applies again, and this time the platform approves.
    const again = await call(sandbox.url, '/shop/wxpay/apply', wxpayBody(), { token });
    assert.equal(again.json.errcode, 0, again.text);
    await visit('wxpay');
    await page.getByTestId('wxpay-approve').click();
    await page.getByTestId('notice-success').getByText('进件已通过').waitFor();
    await page.getByTestId('wxpay-state').getByText('3 已完成').waitFor();
    await screenshot(page, '20-wxpay-finished');
    const finished = (await admin(sandbox.url, 'GET', `/apps/${APPID}/wxpay`)).json.application;
    assert.equal(finished.state, 3);
    assert.match(String(finished.sub_mchid), /^\d{10}$/);
    assert.equal(await page.getByTestId('wxpay-sub-mchid').textContent(), finished.sub_mchid);
  });

  test('adds and removes content-security words', async () => {
    await visit('words');
    await page.getByTestId('builtin-words').locator('li').first().waitFor();
    await page.getByTestId('words-input').fill('星际战舰\n银河舰队\n');
    await page.getByTestId('words-add').click();
    await page.getByTestId('notice-success').getByText('已添加 2 个词').waitFor();
    await page.getByTestId('app-word-星际战舰').waitFor();
    await screenshot(page, '21-words');
    const added = (await admin(sandbox.url, 'GET', `/apps/${APPID}/content-security/words`)).json.words as string[];
    assert.deepEqual([...added].sort(), ['星际战舰', '银河舰队'].sort());

    // The word now blocks a product title.
    const image = await uploadImage(sandbox.url, token);
    const blocked = await call(sandbox.url, '/shop/spu/add', productBody('CONSOLE-WORD', image, { title: '星际战舰积木' }), { token });
    assert.equal(blocked.json.errcode, 87014, blocked.text);

    await page.getByTestId('word-remove-星际战舰').click();
    await page.getByTestId('notice-success').getByText('已删除「星际战舰」').waitFor();
    await page.getByTestId('app-word-星际战舰').waitFor({ state: 'detached' });
    assert.deepEqual((await admin(sandbox.url, 'GET', `/apps/${APPID}/content-security/words`)).json.words, ['银河舰队']);
  });

  test('arms a coupon fault that add_user_coupon then returns', async () => {
    await visit('couponFaults');
    await page.getByTestId('coupon-fault-count-claim_rush').fill('2');
    await page.getByTestId('coupon-fault-arm-claim_rush').click();
    await page.getByTestId('coupon-fault-remaining-claim_rush').getByText('2').waitFor();
    await screenshot(page, '22-coupon-faults');
    const remaining = async () => ((await admin(sandbox.url, 'GET', `/apps/${APPID}/coupons/faults`)).json.faults as { step: string; remaining: number }[]).find((fault) => fault.step === 'claim_rush')?.remaining;
    assert.equal(await remaining(), 2);

    // CP-CONSOLE is effective since the coupon test, so only the armed fault stops the call.
    const buyer = await admin(sandbox.url, 'POST', `/apps/${APPID}/buyers`, { nickname: '故障买家' });
    const nowSeconds = Math.floor(((await admin(sandbox.url, 'GET', '/clock')).json.now_ms as number) / 1000);
    const claimed = await call(sandbox.url, '/shop/coupon/add_user_coupon', { openid: buyer.json.buyer.openid, user_coupon: { out_user_coupon_id: 'UC-FAULT-1', out_coupon_id: 'CP-CONSOLE', status: 100 }, recv_time: nowSeconds }, { token });
    assert.equal(claimed.json.errcode, 1090025, claimed.text);
    assert.equal(await remaining(), 1);

    await visit('couponFaults');
    await page.getByTestId('coupon-fault-disarm-claim_rush').click();
    await page.getByTestId('coupon-fault-remaining-claim_rush').getByText('0').waitFor();
    assert.equal(await remaining(), 0);
  });

  test('new pages show their English texts', async () => {
    const headings: Record<string, string> = {
      push: 'Message push settings',
      legacyAftersales: 'Aftersales (v1)',
      wxpay: 'WeChat Pay onboarding',
      words: 'Content-security word list',
      couponFaults: 'Coupon platform faults',
    };
    await visit('apps');
    await page.getByTestId('language-switch').click();
    try {
      for (const [name, heading] of Object.entries(headings)) {
        await visit(name);
        await page.getByRole('heading', { name: heading }).waitFor();
        assert.equal(await page.getByTestId('notice-error').count(), 0, `${name} shows an error`);
      }
      await screenshot(page, '23-coupon-faults-en');
    } finally {
      await page.getByTestId('language-switch').click();
    }
  });
});

/** Creates a buyer and an unpaid second-level-merchant order (fund_type 1) of CONSOLE-1; returns the order_id and the buyer's openid. */
async function createOrder(url: string, token: string): Promise<{ orderId: string; openid: string }> {
  const buyer = await admin(url, 'POST', `/apps/${APPID}/buyers`, { nickname: '下单买家' });
  assert.equal(buyer.status, 201, JSON.stringify(buyer.json));
  const openid = buyer.json.buyer.openid as string;
  const now = (await admin(url, 'GET', '/clock')).json.now as string;
  const nowSeconds = Math.floor(((await admin(url, 'GET', '/clock')).json.now_ms as number) / 1000);
  const product = (await admin(url, 'GET', `/apps/${APPID}/products`)).json.products.find((entry: { out_product_id: string }) => entry.out_product_id === 'CONSOLE-1');
  const reply = await call(
    url,
    '/shop/order/add',
    {
      create_time: now,
      out_order_id: 'CONSOLE-ORDER-1',
      openid,
      path: 'pages/order/detail?id=CONSOLE-ORDER-1',
      fund_type: 1,
      expire_time: nowSeconds + 3600,
      order_detail: {
        product_infos: [
          {
            out_product_id: 'CONSOLE-1',
            out_sku_id: 'CONSOLE-1-S1',
            product_cnt: 1,
            sale_price: 5900,
            sku_real_price: 5900,
            path: 'pages/goods/detail?id=CONSOLE-1',
            title: product?.online?.title ?? '控制台测试积木',
            head_img: product?.online?.head_img?.[0] ?? '',
          },
        ],
        pay_info: { pay_method_type: 0 },
        price_info: { order_price: 5900, freight: 0 },
      },
      delivery_detail: { delivery_type: 1 },
      address_info: { receiver_name: '张三', detailed_address: '广东省广州市海珠区新港中路397号', tel_number: '13800000000' },
    },
    { token },
  );
  assert.equal(reply.json.errcode, 0, `order/add failed: ${reply.text}`);
  return { orderId: String((reply.json.data as Record<string, unknown>).order_id), openid };
}
