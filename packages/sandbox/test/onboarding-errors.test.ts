import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, APPID, call, getToken, productBody, uploadImage, startSandbox, type TestSandbox } from './helpers.js';
import { accessState, assertOk, assertWireError, brandBody, categoryBody, newApp, openComponent, wxpayBody } from './onboarding-helpers.js';

let server: TestSandbox;
let declaredToken: string;
let image: string;

before(async () => {
  server = await startSandbox();
  declaredToken = await getToken(server.url);
  image = await uploadImage(server.url, declaredToken);
});

after(async () => {
  await server.close();
});

async function auditCount(appid: string): Promise<number> {
  return ((await admin(server.url, 'GET', `/apps/${appid}/qualification-audits`)).json.audits as unknown[]).length;
}

test('register/apply answers 1400007 by default, as the platform has since 2024', async () => {
  const { appid, token } = await newApp(server.url);
  assertWireError(await call(server.url, '/shop/register/apply', {}, { token }), 1400007);
  assert.equal(await accessState(server.url, appid), 'not_applied');
});

test('register/apply refuses by the account facts of the profile, leaving the app unopened', async () => {
  const cases: [string, number][] = [
    ['mini_game', 1040001],
    ['category_ineligible', 1040005],
    ['not_on_allow_list', 1040006],
    ['standard_component', 1040007],
    ['prerequisites_unmet', 1040008],
    ['recent_violation', 1040009],
    ['under_mp_review', 1040010],
  ];
  for (const [fact, code] of cases) {
    const { appid, token } = await newApp(server.url, { apply_generation: '2022', profile: { [fact]: true } });
    assertWireError(await call(server.url, '/shop/register/apply', {}, { token }), code);
    assert.equal(await accessState(server.url, appid), 'not_applied', fact);
  }
});

test('register/apply on an opened, pending or banned component: 1040002, 1040019, 1040004', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url, { apply_generation: '2022' });
  assertOk(await call(url, '/shop/register/apply', {}, { token }));
  assertWireError(await call(url, '/shop/register/apply', {}, { token }), 1040019);
  assert.equal(await accessState(url, appid), 'pending_agreement');
  await admin(url, 'POST', `/apps/${appid}/register/sign`);
  assertWireError(await call(url, '/shop/register/apply', {}, { token }), 1040002, '申请失败,该小程序已接入');
  assert.equal(await accessState(url, appid), 'accessed');
  await admin(url, 'POST', `/apps/${appid}/register/ban`);
  assertWireError(await call(url, '/shop/register/apply', {}, { token }), 1040004);
  assert.equal(((await call(url, '/shop/register/check', {}, { token })).json.data as any).status, 3);
  assertWireError(await call(url, '/shop/register/finish_access_info', { access_info_item: 6 }, { token }), 1040004);
  assertWireError(await call(url, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token }), 48001);
  await admin(url, 'POST', `/apps/${appid}/register/unban`);
  assert.equal(await accessState(url, appid), 'accessed');
});

test('register calls before opening answer 1040003; other shop calls 48001', async () => {
  const { token } = await newApp(server.url);
  assertWireError(await call(server.url, '/shop/register/check', {}, { token }), 1040003);
  assertWireError(await call(server.url, '/shop/register/finish_access_info', { access_info_item: 6 }, { token }), 1040003);
  assertWireError(await call(server.url, '/shop/register/apply_scene', { scene_group_id: 1 }, { token }), 1040003);
  assertWireError(await call(server.url, '/shop/account/get_info', {}, { token }), 48001);
});

test('finish_access_info checks the item and its prerequisites (990007, 1040021)', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  assertWireError(await call(url, '/shop/register/finish_access_info', {}, { token }), 990007, '');
  assertWireError(await call(url, '/shop/register/finish_access_info', { access_info_item: 12 }, { token }), 990007, '');
  assertWireError(await call(url, '/shop/register/finish_access_info', { access_info_item: 7 }, { token }), 1040021);
  // Testing (10) needs the four API tasks finished, even with every success flag set.
  await admin(url, 'POST', `/apps/${appid}/register/tasks`, { success_flags: ['spu_audit_success', 'ec_order_success', 'send_delivery_success', 'ec_after_sale_success'] });
  assertWireError(await call(url, '/shop/register/finish_access_info', { access_info_item: 10 }, { token }), 1040021);
  const flags = ((await call(url, '/shop/register/check', {}, { token })).json.data as any).access_info;
  assert.equal(flags.test_api_finished, 0);
  assertOk(await call(url, '/shop/register/finish_access_info', { access_info_item: '6' }, { token }));
  assert.equal(((await call(url, '/shop/register/check', {}, { token })).json.data as any).access_info.spu_audit_finished, 1);
});

test('apply_scene: 1040041 with tasks unfinished, 990007 for a missing or unknown scene', async () => {
  const { appid, token } = await newApp(server.url);
  await openComponent(server.url, appid);
  assertWireError(await call(server.url, '/shop/register/apply_scene', {}, { token }), 990007, '');
  assertWireError(await call(server.url, '/shop/register/apply_scene', { scene_group_id: 2 }, { token }), 990007, '');
  assertWireError(await call(server.url, '/shop/register/apply_scene', { scene_group_id: 1 }, { token }), 1040041);
  assert.deepEqual(((await call(server.url, '/shop/register/check', {}, { token })).json.data as any).scene_group_list, []);
  // A declared app has the scene open already: applying again is not a transition.
  assertOk(await call(server.url, '/shop/register/check', {}, { token: declaredToken }));
});

test('audit_category: 1000009, 1050011, 1050004, 1050009, 1050003, 1000042 and 990008', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  await admin(url, 'PATCH', `/apps/${appid}/settings`, { reviewer: { mode: 'manual' } });
  // A misspelt category block leaves the category unknown, as on the platform.
  const misspelt = { audit_req: { license: [image], categoryInfo: { level1: 1301, level2: 1303, level3: 130301, certificate: [image] } } };
  assertWireError(await call(url, '/shop/audit/audit_category', misspelt, { token }), 1000009);
  // The body as posted on the platform: camelCase block and no audit_req wrapper.
  const unwrapped = { license: [image], scene_group_list: [], categoryInfo: { certificate: [image], level1: 1301, level3: 130301, level2: 1303 } };
  assertWireError(await call(url, '/shop/audit/audit_category', unwrapped, { token }), 1000009);
  // Comments make the JSON unparsable; the platform reads it as empty and finds no category.
  const commented = `{"audit_req": {"license": ["${image}"], // licence\n "category_info": {"level1": 1301, "level2": 1303, "level3": 130301, "certificate": ["${image}"]}}}`;
  assertWireError(await call(url, '/shop/audit/audit_category', undefined, { token, raw: commented }), 1000009);
  assertWireError(await call(url, '/shop/audit/audit_category', categoryBody(image, { level2: 1302 }), { token }), 1000009);
  assertWireError(await call(url, '/shop/audit/audit_category', categoryBody(image, { level1: 1001, level2: 1002, level3: 100201 }), { token }), 1050011);
  assertWireError(await call(url, '/shop/audit/audit_category', categoryBody(image, { certificate: [] }), { token }), 1050004);
  assertWireError(await call(url, '/shop/audit/audit_category', categoryBody(image, { certificate: Array(11).fill(image) }), { token }), 990008, '');
  assertWireError(await call(url, '/shop/audit/audit_category', { audit_req: { category_info: { level1: 1301, level2: 1303, level3: 130301 } } }, { token }), 990007, '');
  const scene = categoryBody(image);
  (scene.audit_req as any).scene_group_list = [1];
  assertWireError(await call(url, '/shop/audit/audit_category', scene, { token }), 1000042);
  assert.equal(await auditCount(appid), 0);

  const first = await call(url, '/shop/audit/audit_category', categoryBody(image), { token });
  assertOk(first);
  assertWireError(await call(url, '/shop/audit/audit_category', categoryBody(image), { token }), 1050009);
  assert.equal(await auditCount(appid), 1);
  await admin(url, 'POST', `/apps/${appid}/qualification-audits/${first.json.audit_id}/decide`, { decision: 'approve' });
  assertWireError(await call(url, '/shop/audit/audit_category', categoryBody(image), { token }), 1050003);
  // A category of optional qualification is owned from the start.
  assertWireError(await call(url, '/shop/audit/audit_category', categoryBody(image, { level1: 1301, level2: 1302, level3: 130201 }), { token }), 1050003);
  assert.equal(await auditCount(appid), 1);
});

test('audit_brand: 1040002 for a body that is not JSON, 990007, 1000043, 1050009, 1050010', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  await admin(url, 'PATCH', `/apps/${appid}/settings`, { reviewer: { mode: 'manual' } });
  assertWireError(await call(url, '/shop/audit/audit_brand', undefined, { token, raw: '{"audit_req":' }), 1040002, '');
  assertWireError(await call(url, '/shop/audit/audit_brand', { license: [image] }, { token }), 990007, '');
  // A TM mark needs the application documents, not the registration certificate.
  assertWireError(await call(url, '/shop/audit/audit_brand', brandBody('商标申请中', image, { brand_audit_type: 2 }), { token }), 990007, '');
  // An agency brand needs the sales authorisation.
  assertWireError(await call(url, '/shop/audit/audit_brand', brandBody('代理品牌', image, { brand_management_type: 2 }), { token }), 990007, '');
  const scene = brandBody('场景品牌', image);
  (scene.audit_req as any).scene_group_list = [1];
  assertWireError(await call(url, '/shop/audit/audit_brand', scene, { token }), 1000043);
  assert.equal(await auditCount(appid), 0);

  // The 2021 samples send license as one string; it is accepted.
  const single = brandBody('积木王', image);
  (single.audit_req as any).license = image;
  const first = await call(url, '/shop/audit/audit_brand', single, { token });
  assertOk(first);
  assertWireError(await call(url, '/shop/audit/audit_brand', brandBody('积木王', image), { token }), 1050009, '审核中');
  await admin(url, 'POST', `/apps/${appid}/qualification-audits/${first.json.audit_id}/decide`, { decision: 'approve' });
  assertWireError(await call(url, '/shop/audit/audit_brand', brandBody('积木王', image), { token }), 1050010);
  assert.equal(await auditCount(appid), 1);
});

test('audit/result: 990007 without an id, 1050005 for an unknown or foreign id', async () => {
  const url = server.url;
  assertWireError(await call(url, '/shop/audit/result', {}, { token: declaredToken }), 990007, '');
  assertWireError(await call(url, '/shop/audit/result', { audit_id: 'RQAAAPX1nuJsAAAAFTrfXW' }, { token: declaredToken }), 1050005);
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  const audit = await call(url, '/shop/audit/audit_brand', brandBody('别家品牌', image), { token });
  assertOk(audit);
  assertWireError(await call(url, '/shop/audit/result', { audit_id: audit.json.audit_id }, { token: declaredToken }), 1050005);
});

test('get_miniapp_certificate: 1050006 until the mini program has qualifications on file', async () => {
  const url = server.url;
  assertWireError(await call(url, '/shop/audit/get_miniapp_certificate', { req_type: 1 }, { token: declaredToken }), 1050006);
  assertWireError(await call(url, '/shop/audit/get_miniapp_certificate', { req_type: 3 }, { token: declaredToken }), 990007, '');
  const records = [{ first_category_id: 304, first_category_name: '商家自营', second_category_id: 306, second_category_name: '玩具', certificate_url: [image] }];
  const stored = await admin(url, 'PUT', `/apps/${APPID}/miniapp-certificate`, { category_info_list: records });
  assert.equal(stored.status, 200);
  const response = await call(url, '/shop/audit/get_miniapp_certificate', { req_type: 1 }, { token: declaredToken });
  assertOk(response);
  assert.deepEqual(response.json.category_info_list, records);
  assertWireError(await call(url, '/shop/audit/get_miniapp_certificate', { req_type: 2 }, { token: declaredToken }), 1050006);
});

test('wxpay/apply refuses by the applicant facts: 1040014 to 1040022, 1040038, 1040058', async () => {
  const cases: [Record<string, unknown>, number, string?][] = [
    [{ real_name_failed: true }, 1040014],
    [{ security_check_failed: true }, 1040015],
    [{ pay_score_low: true }, 1040016],
    [{ has_mini_store: true }, 1040018],
    [{ not_trial_store: true }, 1040020],
    [{ shop_limit_reached: true }, 1040022],
    [{ wxpay_reject_reason: '银行账户名与主体名称不一致' }, 1040038, '进件失败,银行账户名与主体名称不一致'],
    [{ wxpay_superseded: true }, 1040058],
  ];
  for (const [profile, code, message] of cases) {
    const { appid, token } = await newApp(server.url, { profile });
    await openComponent(server.url, appid);
    assertWireError(await call(server.url, '/shop/wxpay/apply', wxpayBody(), { token }), code, message);
    // Nothing was stored: reading the application still finds none.
    assertWireError(await call(server.url, '/shop/wxpay/get', {}, { token }), 1040039);
  }
});

test('wxpay application lifecycle and its codes', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  await admin(url, 'PATCH', `/apps/${appid}/settings`, { reviewer: { mode: 'manual' } });
  assertWireError(await call(url, '/shop/wxpay/get', {}, { token }), 1040039);
  assertWireError(await call(url, '/shop/wxpay/get_info', {}, { token }), 1040039);
  const { account_info: _account, ...withoutAccount } = wxpayBody();
  assertWireError(await call(url, '/shop/wxpay/apply', withoutAccount, { token }), 990007, '');
  assertOk(await call(url, '/shop/wxpay/apply', wxpayBody(), { token }));
  assertWireError(await call(url, '/shop/wxpay/apply', wxpayBody(), { token }), 1040019);
  const rejected = await admin(url, 'POST', `/apps/${appid}/wxpay/decide`, { decision: 'reject', reason: '营业执照不清晰', param_name: 'business_license_info' });
  assert.equal(rejected.status, 200);
  const state = (await call(url, '/shop/wxpay/get', {}, { token })).json.pay_resp as any;
  assert.equal(state.applyment_state, 'REJECTED');
  assert.deepEqual(state.audit_detail, [{ param_name: 'business_license_info', reject_reason: '营业执照不清晰' }]);
  assertOk(await call(url, '/shop/wxpay/apply', wxpayBody(), { token }));
  await admin(url, 'POST', `/apps/${appid}/wxpay/decide`, { decision: 'approve' });
  assertWireError(await call(url, '/shop/wxpay/apply', wxpayBody(), { token }), 1040004);
});

test('account/update_info validates its fields and spu/add gates on WeChat customer service', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  assertWireError(await call(url, '/shop/account/update_info', {}, { token }), 990007, '');
  assertWireError(await call(url, '/shop/account/update_info', { service_agent_type: [1] }, { token }), 990007, '');
  assertWireError(await call(url, '/shop/account/update_info', { service_agent_type: [5] }, { token }), 990007, '');
  assertWireError(await call(url, '/shop/account/update_info', { service_agent_type: [2], service_agent_phone: '1'.repeat(300) }, { token }), 990008, '');
  const empty = await call(url, '/shop/account/get_info', {}, { token });
  assert.deepEqual((empty.json.data as any).service_agent_type, []);
  assertOk(await call(url, '/shop/account/update_info', { service_agent_type: [1], service_agent_path: 'pages/service/index' }, { token }));
  const info = await call(url, '/shop/account/get_info', {}, { token });
  assert.equal((info.json.data as any).service_agent_path, 'pages/service/index');
});

test('spu/add external image gets 1070013 when the app selects it', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  await call(url, '/shop/account/update_info', { service_agent_type: [0] }, { token });
  const body = productBody('P-EXT', image, { head_img: ['https://img.example.com/a.jpg'] });
  assertWireError(await call(url, '/shop/spu/add', body, { token }), 1070010);
  const patched = await admin(url, 'PATCH', `/apps/${appid}/settings`, { external_image_errcode: 1070013 });
  assert.equal(patched.status, 200, JSON.stringify(patched.json));
  assertWireError(await call(url, '/shop/spu/add', body, { token }), 1070013);
  assert.equal((await admin(url, 'PATCH', `/apps/${appid}/settings`, { external_image_errcode: 1070011 })).status, 400);
  const listed = await call(url, '/shop/spu/get_list', { page: 1, page_size: 10, need_edit_spu: 1 }, { token });
  assert.equal(listed.json.total_num, 0);
});

test('audit_brand concurrent duplicates', async () => {
  const url = server.url;
  const { appid, token } = await newApp(url);
  await openComponent(url, appid);
  await admin(url, 'PATCH', `/apps/${appid}/settings`, { reviewer: { mode: 'manual' } });
  const responses = await Promise.all(Array.from({ length: 6 }, () => call(url, '/shop/audit/audit_brand', brandBody('并发品牌', image), { token })));
  const codes = responses.map((response) => response.json.errcode).sort();
  assert.deepEqual(codes, [0, 1050009, 1050009, 1050009, 1050009, 1050009]);
  assert.equal(await auditCount(appid), 1);
});
