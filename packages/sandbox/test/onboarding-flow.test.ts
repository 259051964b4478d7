import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WIRE_ROUTES } from '@wxshop/sandbox';
import { admin, advanceClock, call, getToken, productBody, startSandbox, uploadImage, type TestSandbox } from './helpers.js';
import { accessState, assertOk, assertWireError, brandBody, categoryBody, events, newApp, wxpayBody } from './onboarding-helpers.js';

let server: TestSandbox;

before(async () => {
  server = await startSandbox();
});

after(async () => {
  await server.close();
});

test('new app onboards from 48001 to an open shop', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url, { apply_generation: '2022' });

  // 1. Before opening, every /shop/* call but the register family is refused with 48001.
  const gated = WIRE_ROUTES.map((route) => route.path).filter((path) => path.startsWith('/shop/') && !path.startsWith('/shop/register/'));
  assert.ok(gated.length >= 20);
  for (const path of gated) {
    const response = await call(url, path, {}, { token });
    assertWireError(response, 48001);
  }
  assertWireError(await call(url, '/shop/register/check', {}, { token }), 1040003);

  // 2. register/apply (2022 generation) waits for the admin's agreement; still 48001 meanwhile.
  assertOk(await call(url, '/shop/register/apply', {}, { token }));
  assert.equal(await accessState(url, appid), 'pending_agreement');
  assertWireError(await call(url, '/shop/register/check', {}, { token }), 1040003);
  assertWireError(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token }), 48001);

  // 3. The admin signs: the component opens and open_product_account_register status 2 is pushed.
  const signed = await admin(url, 'POST', `/apps/${appid}/register/sign`);
  assert.equal(signed.status, 200, JSON.stringify(signed.json));
  assert.equal(signed.json.app.access_state, 'accessed');
  const opened = await events(url, appid, 'open_product_account_register');
  assert.deepEqual(opened.map((payload) => payload.OpenProductAccountRegister), [{ status: 2 }]);
  const checked = await call(url, '/shop/register/check', {}, { token });
  assertOk(checked);
  const data = checked.json.data as Record<string, any>;
  assert.equal(data.status, 2);
  assert.equal(data.access_info.open_product_task_finished, 0);
  assert.deepEqual(data.scene_group_list, []);

  // 4. spu/add needs WeChat customer service first (1040042); update_info sets it.
  const image = await uploadImage(url, token);
  assertWireError(await call(url, '/shop/spu/add', productBody('P-1', image), { token }), 1040042);
  assertOk(await call(url, '/shop/account/update_info', {
    service_agent_type: [0, 2],
    service_agent_phone: '020-888888',
    default_receiving_address: { receiver_name: '收件人A', detailed_address: '测试地址1号', tel_number: '13800000000', province: '广东省' },
  }, { token }));
  const info = await call(url, '/shop/account/get_info', {}, { token });
  assertOk(info);
  assert.deepEqual((info.json.data as any).service_agent_type, [0, 2]);
  assert.equal((info.json.data as any).default_receiving_address.receiver_name, '收件人A');

  // 5. A category audit: 防晒霜 is refused on spu/add until the audit passes.
  const sunscreen = productBody('P-2', image, { third_cat_id: 130301, qualification_pics: [image] });
  assertWireError(await call(url, '/shop/spu/add', sunscreen, { token }), 1000005,
    '请先申请[美妆护肤](1301):[特殊功效护肤](1303):[防晒霜](130301)类目通过后再提审此类目对应的商品。');
  const categoryAudit = await call(url, '/shop/audit/audit_category', categoryBody(image), { token });
  assertOk(categoryAudit);
  const categoryAuditId = categoryAudit.json.audit_id as string;
  assert.match(categoryAuditId, /^[A-Za-z0-9_-]{22}$/);
  const pending = await call(url, '/shop/audit/result', { audit_id: categoryAuditId }, { token });
  assert.deepEqual(pending.json.data, { status: 0, brand_id: 0, reject_reason: '' });

  // 6. A brand audit, decided with the category one when the sandbox clock passes the review delay.
  const brandAudit = await call(url, '/shop/audit/audit_brand', brandBody('沙箱积木', image), { token });
  assertOk(brandAudit);
  await advanceClock(url, 11);
  assert.deepEqual((await call(url, '/shop/audit/result', { audit_id: categoryAuditId }, { token })).json.data, { status: 1, brand_id: 0, reject_reason: '' });
  const brandResult = (await call(url, '/shop/audit/result', { audit_id: brandAudit.json.audit_id }, { token })).json.data as Record<string, any>;
  assert.equal(brandResult.status, 1);
  const brandId = Number(brandResult.brand_id);
  assert.ok(brandId > 2100000000);
  const categoryEvents = await events(url, appid, 'open_product_category_audit');
  assert.deepEqual(categoryEvents.map((payload) => payload.QualificationAuditResult), [{ audit_id: categoryAuditId, status: 1, audit_type: 2, reject_reason: '' }]);
  const brandEvents = await events(url, appid, 'open_product_brand_audit');
  assert.deepEqual(brandEvents.map((payload) => payload.QualificationAuditResult), [{ audit_id: brandAudit.json.audit_id, status: 1, audit_type: 1, reject_reason: '', brand_id: brandId }]);
  const categories = await call(url, '/shop/account/get_category_list', {}, { token });
  assert.deepEqual(categories.json.data, [{ first_cat_id: 1301, first_cat_name: '美妆护肤', second_cat_id: 1303, second_cat_name: '特殊功效护肤', third_cat_id: 130301, third_cat_name: '防晒霜' }]);
  const brands = await call(url, '/shop/account/get_brand_list', {}, { token });
  assert.deepEqual(brands.json.data, [{ brand_id: brandId, brand_wording: '沙箱积木' }]);

  // 7. The approved category and brand now pass spu/add; the product's approval ticks spu_audit_success.
  assertWireError(await call(url, '/shop/spu/add', { ...sunscreen, qualification_pics: [] }, { token }), 1000008);
  assertWireError(await call(url, '/shop/spu/add', { ...sunscreen, brand_id: brandId + 1 }, { token }), 1000006);
  assertOk(await call(url, '/shop/spu/add', { ...sunscreen, brand_id: brandId }, { token }));
  assertWireError(await call(url, '/shop/register/finish_access_info', { access_info_item: 6 }, { token }), 1040021);
  await advanceClock(url, 11);

  // 8. The onboarding tasks: orders, deliveries and after-sales are observed through the admin API here.
  const flagged = await admin(url, 'POST', `/apps/${appid}/register/tasks`, { success_flags: ['ec_order_success', 'send_delivery_success', 'ec_after_sale_success'] });
  assert.equal(flagged.status, 200);
  assertWireError(await call(url, '/shop/register/apply_scene', { scene_group_id: 1 }, { token }), 1040041);
  for (const item of [6, 7, 8, 9, 10, 11]) {
    assertOk(await call(url, '/shop/register/finish_access_info', { access_info_item: item }, { token }));
  }
  const afterTasks = (await call(url, '/shop/register/check', {}, { token })).json.data as Record<string, any>;
  assert.deepEqual(afterTasks.access_info, {
    spu_audit_success: 1, spu_audit_finished: 1, ec_order_success: 1, ec_order_finished: 1,
    send_delivery_success: 1, send_delivery_finished: 1, ec_after_sale_success: 1, ec_after_sale_finished: 1,
    test_api_finished: 1, deploy_wxa_finished: 1, open_product_task_finished: 1,
    pay_order_success: 1, pay_order_finished: 1, add_aftersale_success: 1, add_aftersale_finished: 1,
  });

  // 9. The scene: under review, then passed, with open_product_scene_group_audit pushed.
  assertOk(await call(url, '/shop/register/apply_scene', { scene_group_id: 1 }, { token }));
  const reviewing = (await call(url, '/shop/register/check', {}, { token })).json.data as Record<string, any>;
  assert.equal(reviewing.scene_group_list[0].status, 0);
  assertWireError(await call(url, '/shop/register/apply_scene', { scene_group_id: 1 }, { token }), 1040019);
  await advanceClock(url, 11);
  const passed = (await call(url, '/shop/register/check', {}, { token })).json.data as Record<string, any>;
  assert.deepEqual(passed.scene_group_list, [{
    group_id: 1, name: '视频号、公众号场景', status: 1, reason: '',
    scene_group_ext_list: [{ ext_id: 1, status: 1 }, { ext_id: 2, status: 1 }],
  }]);
  assertWireError(await call(url, '/shop/register/apply_scene', { scene_group_id: 1 }, { token }), 1040004);
  const sceneEvents = await events(url, appid, 'open_product_scene_group_audit');
  assert.equal(sceneEvents.length, 1);
  assert.equal(sceneEvents[0]!.SceneGroupAudit.group_id, 1);
  assert.deepEqual(sceneEvents[0]!.SceneGroupAudit.scene_group_ext_list.map((item: any) => item.status), [1, 1]);
  const appAfter = await admin(url, 'GET', `/apps/${appid}`);
  assert.deepEqual(appAfter.json.app.settings.opened_scene_groups, [1]);
  // The scene is now usable on products.
  assertOk(await call(url, '/shop/spu/add', productBody('P-3', image, { scene_group_list: [1] }), { token }));

  // 10. Payment onboarding: auditing, then finished.
  assertWireError(await call(url, '/shop/wxpay/get', {}, { token }), 1040039);
  assertOk(await call(url, '/shop/wxpay/apply', wxpayBody(), { token }));
  const auditing = await call(url, '/shop/wxpay/get', {}, { token });
  assert.equal((auditing.json.pay_resp as any).applyment_state, 'AUDITING');
  await advanceClock(url, 11);
  const finished = await call(url, '/shop/wxpay/get', {}, { token });
  assert.equal((finished.json.pay_resp as any).applyment_state, 'FINISH');
  assert.match(String((finished.json.pay_resp as any).sub_mchid), /^\d{10}$/);
  const summary = await call(url, '/shop/wxpay/get_info', {}, { token });
  assertOk(summary);
  assert.equal((summary.json.pay_req as any).contact_info.mobile_phone, '1*********0');
});

test('register/apply of the 2021 generation opens at once, without an event', async () => {
  const { appid, token } = await newApp(server.url, { apply_generation: '2021' });
  assertOk(await call(server.url, '/shop/register/apply', {}, { token }));
  assert.equal(await accessState(server.url, appid), 'accessed');
  assertOk(await call(server.url, '/shop/register/check', {}, { token }));
  assert.deepEqual(await events(server.url, appid, 'open_product_account_register'), []);
});

test('an unsigned agreement expires after 24 hours of sandbox time', async () => {
  const { appid, secret, token } = await newApp(server.url, { apply_generation: '2022' });
  assertOk(await call(server.url, '/shop/register/apply', {}, { token }));
  await advanceClock(server.url, 24 * 3600 + 1);
  assert.equal(await accessState(server.url, appid), 'not_applied');
  const fresh = await getToken(server.url, appid, secret);
  assertOk(await call(server.url, '/shop/register/apply', {}, { token: fresh }));
  assert.equal(await accessState(server.url, appid), 'pending_agreement');
});

test('closing access pushes status 10 and empties the approved categories and brands', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  const openedNow = await admin(url, 'POST', `/apps/${appid}/register/open`);
  assert.equal(openedNow.status, 200);
  await admin(url, 'PATCH', `/apps/${appid}/settings`, { reviewer: { mode: 'manual' } });
  const image = await uploadImage(url, token);
  const audit = await call(url, '/shop/audit/audit_brand', brandBody('关店品牌', image), { token });
  const decided = await admin(url, 'POST', `/apps/${appid}/qualification-audits/${audit.json.audit_id}/decide`, { decision: 'approve' });
  assert.equal(decided.status, 200, JSON.stringify(decided.json));
  assert.equal((await call(url, '/shop/account/get_brand_list', {}, { token })).json.data!.toString().length > 0, true);
  const closed = await admin(url, 'POST', `/apps/${appid}/register/close`);
  assert.equal(closed.status, 200);
  assertWireError(await call(url, '/shop/account/get_brand_list', {}, { token }), 48001);
  const statuses = (await events(url, appid, 'open_product_account_register')).map((payload) => payload.OpenProductAccountRegister.status);
  assert.deepEqual(statuses, [2, 10]);
  await admin(url, 'POST', `/apps/${appid}/register/open`);
  assert.deepEqual((await call(url, '/shop/account/get_brand_list', {}, { token })).json.data, []);
  // Closing twice is not a transition the lifecycle has.
  await admin(url, 'POST', `/apps/${appid}/register/close`);
  assert.equal((await admin(url, 'POST', `/apps/${appid}/register/close`)).status, 409);
});

test('a rejected audit and a rejected scene carry the reason', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await admin(url, 'POST', `/apps/${appid}/register/open`);
  await admin(url, 'PATCH', `/apps/${appid}/settings`, { reviewer: { mode: 'manual' } });
  const image = await uploadImage(url, token);
  const audit = await call(url, '/shop/audit/audit_category', categoryBody(image), { token });
  await admin(url, 'POST', `/apps/${appid}/qualification-audits/${audit.json.audit_id}/decide`, { decision: 'reject', reason: '证书模糊' });
  assert.deepEqual((await call(url, '/shop/audit/result', { audit_id: audit.json.audit_id }, { token })).json.data, { status: 9, brand_id: 0, reject_reason: '证书模糊' });
  const [event] = await events(url, appid, 'open_product_category_audit');
  assert.deepEqual(event!.QualificationAuditResult, { audit_id: audit.json.audit_id, status: 9, audit_type: 2, reject_reason: '证书模糊' });
  // A rejected category may be submitted again.
  assertOk(await call(url, '/shop/audit/audit_category', categoryBody(image), { token }));

  await admin(url, 'POST', `/apps/${appid}/register/tasks`, { success_flags: ['spu_audit_success', 'ec_order_success', 'send_delivery_success', 'ec_after_sale_success'] });
  for (const item of [6, 19, 8, 20, 10, 11]) assertOk(await call(url, '/shop/register/finish_access_info', { access_info_item: item }, { token }));
  // The doc table's field name scene_group is accepted as well as scene_group_id.
  assertOk(await call(url, '/shop/register/apply_scene', { scene_group: 1 }, { token }));
  const rejected = await admin(url, 'POST', `/apps/${appid}/register/scene`, { decision: 'reject', reason: '视频号未绑定' });
  assert.equal(rejected.status, 200);
  const scene = ((await call(url, '/shop/register/check', {}, { token })).json.data as any).scene_group_list[0];
  assert.equal(scene.status, 2);
  assert.equal(scene.reason, '视频号未绑定');
  assertOk(await call(url, '/shop/register/apply_scene', { scene_group_id: 1 }, { token }));
});

test('concurrent register/apply and sign take effect once', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url, { apply_generation: '2021' });
  const applies = await Promise.all(Array.from({ length: 12 }, () => call(url, '/shop/register/apply', {}, { token })));
  const codes = applies.map((response) => response.json.errcode).sort();
  assert.deepEqual(codes, [0, ...Array(11).fill(1040002)], applies.map((response) => response.text).join('\n'));

  const other = await newApp(url, { apply_generation: '2022' });
  assertOk(await call(url, '/shop/register/apply', {}, { token: other.token }));
  const signs = await Promise.all(Array.from({ length: 12 }, () => admin(url, 'POST', `/apps/${other.appid}/register/sign`)));
  assert.equal(signs.filter((response) => response.status === 200).length, 1, signs.map((response) => response.status).join(','));
  assert.equal((await events(url, other.appid, 'open_product_account_register')).length, 1);
  assert.equal(await accessState(url, appid), 'accessed');
});

test('concurrent update_info calls keep every field', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url, { apply_generation: '2021' });
  assertOk(await call(url, '/shop/register/apply', {}, { token }));
  assertOk(await call(url, '/shop/account/update_info', { service_agent_type: [0, 1, 2], service_agent_path: 'pages/a', service_agent_phone: '020-1' }, { token }));
  const address = { receiver_name: '收件人', detailed_address: '测试路1号', tel_number: '13800000000', province: '广东省' };
  const updates = await Promise.all([
    call(url, '/shop/account/update_info', { service_agent_path: 'pages/new' }, { token }),
    call(url, '/shop/account/update_info', { service_agent_phone: '020-2' }, { token }),
    call(url, '/shop/account/update_info', { default_receiving_address: address }, { token }),
  ]);
  for (const response of updates) assertOk(response);
  const info = (await call(url, '/shop/account/get_info', {}, { token })).json.data as any;
  assert.equal(info.service_agent_path, 'pages/new', appid);
  assert.equal(info.service_agent_phone, '020-2');
  assert.equal(info.default_receiving_address.receiver_name, '收件人');
});
