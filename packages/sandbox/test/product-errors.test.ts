import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  admin,
  APPID,
  call,
  getToken,
  productBody,
  RID_SUFFIX,
  startSandbox,
  uploadImage,
  type TestSandbox,
  type WireResponse,
} from './helpers.js';

/** Wire texts before ` rid: …`, copied here so that a change to the error catalogue fails a test. */
const MESSAGE = {
  outProductIdMissing: '未上传商品out_product_id,请检查json及字段合法性',
  underReview: '商品审核中,请先撤回审核',
  noOnlineCopy: '商品未审核通过,没有线上数据',
  skuNotOnline: '线上商品不存在该sku',
  brandNotApproved: '品牌未授权,请先申请品牌',
  notLevel3: '类目id不是三级类目',
  qualificationPicsMissing: '商品资质图片不能为空',
  categoryUnknown: '调用的类目id不存在',
  productNotFound: '商品id不存在',
  outProductIdTaken: '商品id已存在,请调用更新接口',
  updateConflict: '商品更新冲突',
  requiredFieldMissing: '商品必填字段缺失',
  stockZero: '初始库存必须大于0',
  nothingUnderReview: '商品没有审核中的版本',
  tooManySubmissions: '提审次数过多,请一小时后再试',
  skusEmpty: 'sku列表为空',
  deposit: '保证金状态异常,无法提审',
  categoryRetired: '类目已失效,请重新获取类目',
  sceneNotOpen: '请确认交易组件场景是否开通',
  asciiTitle: 'title违规,不能是纯字母、数字、英文、指定字符集(具体参照文档)',
  noWechatCustomerService: '该账号客服方式必须包含微信客服',
  imageNotWechatHosted: '请使用自定义交易组件图片上传接口换取临时链接后,再上传图片,修改完成前请重试',
  imageNotIssued: '图片转换失败,请检查链接是否有效后重试',
  pageSizeTooLarge: 'page_size超过上限',
  timeRangeReversed: '开始时间不能晚于结束时间',
  timeFormat: '时间格式错误,请确认交易组件所有接口(包括创建订单接口)传输了正确时间格式 yyyy-MM-dd HH:mm:ss',
  // 990007 and 990008 carry no text, so their errmsg is only ` rid: …`.
  empty: '',
} as const;

// Categories of the built-in tree.
/** 防晒霜: qualification_type 1, so it needs an approved category audit. */
const CATEGORY_NEEDS_AUDIT = 130301;
/** 电吹风: qualification_type 0 (owned by every shop) and product_qualification_type 1. */
const CATEGORY_NEEDS_PRODUCT_PICS = 140602;
/** 电子烟 (qualification_type 0) and 手机号卡 (qualification_type 1), both retired. */
const RETIRED_CATEGORIES = [250704, 390203];
/** 玩具乐器 (level 1) and 益智玩具 (level 2), the parents of 380001 积木. */
const LEVEL1_CATEGORY = 3701;
const LEVEL2_CATEGORY = 3800;
const UNKNOWN_CATEGORY = 999999;
/** A brand id without approval for this account. Only 2100000000 (no brand) is always allowed. */
const UNAPPROVED_BRAND = 2100000001;

const OTHER_APPID = 'wx00000000000000b2';
const OTHER_SECRET = 'fedcba9876543210fedcba9876543210';

let sandbox: TestSandbox;
let baseUrl: string;
let token: string;
let image: string;

before(async () => {
  sandbox = await startSandbox();
  baseUrl = sandbox.url;
  token = await getToken(baseUrl);
  image = await uploadImage(baseUrl, token);
  // Reviews wait for the admin unless a test switches the reviewer to auto, so that clock moves
  // in one test never decide the reviews of another.
  await patchSettings({ reviewer: { mode: 'manual' } });
});

after(async () => {
  await sandbox?.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

type Body = Record<string, any>;

function wire(path: string, body: unknown, options: Parameters<typeof call>[3] = {}): Promise<WireResponse> {
  return call(baseUrl, path, body, { token, ...options });
}

/** Checks a platform error: HTTP 200, the errcode, the exact text and the rid suffix, no payload. */
function assertWireError(response: WireResponse, errcode: number, message: string): void {
  assert.equal(response.status, 200, `HTTP status of ${response.text}`);
  assert.equal(response.json.errcode, errcode, `errcode of ${response.text}`);
  const errmsg = String(response.json.errmsg);
  assert.match(errmsg, RID_SUFFIX, `rid suffix of ${JSON.stringify(errmsg)}`);
  assert.equal(errmsg.replace(RID_SUFFIX, ''), message, 'errmsg text before the rid');
  assert.deepEqual(Object.keys(response.json).sort(), ['errcode', 'errmsg'], 'an error carries no payload');
}

function assertOk(response: WireResponse): void {
  assert.equal(response.status, 200, `HTTP status of ${response.text}`);
  assert.equal(response.json.errcode, 0, response.text);
}

/** Builds a valid spu/add body, with `overrides` replacing top-level fields. */
function body(outProductId: string, overrides: Body = {}): Body {
  return structuredClone(productBody(outProductId, image, overrides)) as Body;
}

function sku(outProductId: string, outSkuId: string, overrides: Body = {}): Body {
  return {
    out_product_id: outProductId,
    out_sku_id: outSkuId,
    thumb_img: image,
    sale_price: 5900,
    market_price: 7900,
    stock_num: 100,
    sku_attrs: [{ attr_key: '规格', attr_value: outSkuId }],
    ...overrides,
  };
}

async function addProduct(outProductId: string, overrides: Body = {}): Promise<Body> {
  const response = await wire('/shop/spu/add', body(outProductId, overrides));
  assertOk(response);
  return response.json.data as Body;
}

async function updateProduct(outProductId: string, overrides: Body = {}): Promise<Body> {
  const response = await wire('/shop/spu/update', body(outProductId, overrides));
  assertOk(response);
  return response.json.data as Body;
}

async function decideReview(outProductId: string, decision: 'approve' | 'reject', reason?: string): Promise<void> {
  const result = await admin(baseUrl, 'POST', `/apps/${APPID}/products/audit`, { out_product_id: outProductId, decision, reason });
  assert.equal(result.status, 200, JSON.stringify(result.json));
}

/** Adds a product and approves its first review: edit_status 4, status 5. */
async function addApproved(outProductId: string, overrides: Body = {}): Promise<Body> {
  const data = await addProduct(outProductId, overrides);
  await decideReview(outProductId, 'approve');
  return data;
}

async function getSpu(key: Body, draft = false): Promise<Body> {
  const response = await wire('/shop/spu/get', draft ? { ...key, need_edit_spu: 1 } : key);
  assertOk(response);
  return response.json.spu as Body;
}

/** Reads both copies of a product, to compare them before and after a rejected call. */
async function snapshot(outProductId: string): Promise<{ online: Body; draft: Body }> {
  return { online: await getSpu({ out_product_id: outProductId }), draft: await getSpu({ out_product_id: outProductId }, true) };
}

async function assertNotStored(outProductId: string): Promise<void> {
  assertWireError(await wire('/shop/spu/get', { out_product_id: outProductId }), 1000011, MESSAGE.productNotFound);
}

async function listTotal(filter: Body = {}): Promise<number> {
  const response = await wire('/shop/spu/get_list', { page: 1, page_size: 1, ...filter });
  assertOk(response);
  return response.json.total_num as number;
}

/** Collects every product that get_list returns for the filter, page after page. */
async function listAll(filter: Body = {}): Promise<Body[]> {
  const spus: Body[] = [];
  for (let page = 1; ; page++) {
    const response = await wire('/shop/spu/get_list', { ...filter, page, page_size: 100 });
    assertOk(response);
    const items = response.json.spus as Body[];
    spus.push(...items);
    if (items.length < 100) return spus;
  }
}

/** Reads the outbox events about one product, oldest first. */
async function productEvents(outProductId: string): Promise<Body[]> {
  const result = await admin(baseUrl, 'GET', `/apps/${APPID}/events`);
  assert.equal(result.status, 200);
  return (result.json.events as Body[]).filter((event) => {
    const fields = event.payload.OpenProductSpuAudit ?? event.payload.OpenProductSpuStatusUpdate;
    return fields?.out_product_id === outProductId;
  });
}

async function patchSettings(patch: Body): Promise<void> {
  const result = await admin(baseUrl, 'PATCH', `/apps/${APPID}/settings`, patch);
  assert.equal(result.status, 200, JSON.stringify(result.json));
}

async function advanceClock(seconds: number): Promise<void> {
  const result = await admin(baseUrl, 'POST', '/clock/advance', { seconds });
  assert.equal(result.status, 200, JSON.stringify(result.json));
}

const WECHAT_CUSTOMER_SERVICE = { service_agent_type: [0] };

// ---------------------------------------------------------------------------------------------

describe('spu add body checks', () => {
  test('spu add rejects a missing out_product_id', async () => {
    const total = await listTotal();
    const request = body('E1-1');
    delete request.out_product_id;

    assertWireError(await wire('/shop/spu/add', request), 1000001, MESSAGE.outProductIdMissing);
    assert.equal(await listTotal(), total, 'no product was stored');
  });

  test('spu add rejects an empty out_product_id', async () => {
    const total = await listTotal();

    assertWireError(await wire('/shop/spu/add', body('E1-2', { out_product_id: '' })), 1000001, MESSAGE.outProductIdMissing);
    assertWireError(await wire('/shop/spu/add', body('E1-2', { out_product_id: '   ' })), 1000001, MESSAGE.outProductIdMissing);
    assert.equal(await listTotal(), total, 'no product was stored');
  });

  test('spu add answers a non-JSON body with 1000001', async () => {
    const total = await listTotal();
    const broken = JSON.stringify(body('E1-3')).slice(0, -1);

    assertWireError(await wire('/shop/spu/add', undefined, { raw: broken }), 1000001, MESSAGE.outProductIdMissing);
    assertWireError(await wire('/shop/spu/add', undefined, { raw: 'out_product_id=E1-3' }), 1000001, MESSAGE.outProductIdMissing);
    await assertNotStored('E1-3');
    assert.equal(await listTotal(), total, 'no product was stored');
  });

  test('spu add checks out_product_id before skus', async () => {
    assertWireError(await wire('/shop/spu/add', {}), 1000001, MESSAGE.outProductIdMissing);
    assertWireError(await wire('/shop/spu/add', { out_product_id: 'E1-4' }), 1000020, MESSAGE.skusEmpty);
    await assertNotStored('E1-4');
  });

  test('spu add rejects missing skus', async () => {
    const request = body('E20-1');
    delete request.skus;

    assertWireError(await wire('/shop/spu/add', request), 1000020, MESSAGE.skusEmpty);
    await assertNotStored('E20-1');
  });

  test('spu add rejects an empty skus list', async () => {
    assertWireError(await wire('/shop/spu/add', body('E20-2', { skus: [] })), 1000020, MESSAGE.skusEmpty);
    await assertNotStored('E20-2');
  });

  test('spu add rejects skus sent as an object', async () => {
    const request = body('E20-3');
    request.skus = request.skus[0];

    assertWireError(await wire('/shop/spu/add', request), 1000020, MESSAGE.skusEmpty);
    await assertNotStored('E20-3');
  });

  const missingFields: [string, (request: Body) => void][] = [
    ['title', (request) => delete request.title],
    ['path', (request) => delete request.path],
    ['head_img', (request) => delete request.head_img],
    ['third_cat_id', (request) => delete request.third_cat_id],
    ['brand_id', (request) => delete request.brand_id],
    ['an sku out_sku_id', (request) => delete request.skus[0].out_sku_id],
  ];
  for (const [index, [name, mutate]] of missingFields.entries()) {
    test(`spu add rejects a body without ${name}`, async () => {
      const outProductId = `E14-${index}`;
      const request = body(outProductId);
      mutate(request);

      assertWireError(await wire('/shop/spu/add', request), 1000014, MESSAGE.requiredFieldMissing);
      await assertNotStored(outProductId);
    });
  }

  test('spu add rejects an empty title and an empty head_img', async () => {
    assertWireError(await wire('/shop/spu/add', body('E14-10', { title: '' })), 1000014, MESSAGE.requiredFieldMissing);
    assertWireError(await wire('/shop/spu/add', body('E14-10', { head_img: [] })), 1000014, MESSAGE.requiredFieldMissing);
    await assertNotStored('E14-10');
  });

  test('spu add rejects a negative sku price', async () => {
    const request = body('E14-11', { skus: [sku('E14-11', 'E14-11-S1', { sale_price: -1 })] });

    assertWireError(await wire('/shop/spu/add', request), 1000014, MESSAGE.requiredFieldMissing);
    await assertNotStored('E14-11');
  });

  test('spu add rejects a duplicate out_sku_id', async () => {
    const request = body('E14-12', { skus: [sku('E14-12', 'E14-12-S1'), sku('E14-12', 'E14-12-S1', { sale_price: 100 })] });

    assertWireError(await wire('/shop/spu/add', request), 1000014, MESSAGE.requiredFieldMissing);
    await assertNotStored('E14-12');
  });

  test('spu add rejects zero initial stock', async () => {
    const request = body('E15-1', { skus: [sku('E15-1', 'E15-1-S1'), sku('E15-1', 'E15-1-S2', { stock_num: 0 })] });

    assertWireError(await wire('/shop/spu/add', request), 1000015, MESSAGE.stockZero);
    await assertNotStored('E15-1');
  });

  test('spu add rejects a title over 60 characters', async () => {
    assertWireError(await wire('/shop/spu/add', body('E8-1', { title: '积'.repeat(61) })), 990008, MESSAGE.empty);
    await assertNotStored('E8-1');

    const data = await addProduct('E8-1', { title: '积'.repeat(60) });
    assert.equal(data.out_product_id, 'E8-1', 'a 60-character title is accepted');
  });

  test('spu add rejects an out_product_id over 128 characters', async () => {
    const tooLong = `E8-2-${'x'.repeat(124)}`;
    assert.equal(tooLong.length, 129);

    assertWireError(await wire('/shop/spu/add', body(tooLong)), 990008, MESSAGE.empty);
    await assertNotStored(tooLong);

    const longest = tooLong.slice(0, 128);
    const data = await addProduct(longest, { skus: [sku(longest, 'E8-2-S1')] });
    assert.equal(data.out_product_id, longest, 'a 128-character out_product_id is accepted');
  });

  test('spu add rejects an ASCII-only title', async () => {
    assertWireError(await wire('/shop/spu/add', body('E45-1', { title: 'LEGO Classic 10698' })), 1000045, MESSAGE.asciiTitle);
    assertWireError(await wire('/shop/spu/add', body('E45-1', { title: '12345-678' })), 1000045, MESSAGE.asciiTitle);
    await assertNotStored('E45-1');
  });

  test('spu add accepts Chinese and mixed titles', async () => {
    assert.equal((await addProduct('E45-2', { title: '乐高经典创意积木' })).out_product_id, 'E45-2');
    assert.equal((await addProduct('E45-3', { title: 'LEGO 经典积木 10698' })).out_product_id, 'E45-3');
  });
});

describe('account gates', () => {
  test('spu add requires WeChat customer service', async () => {
    const total = await listTotal();
    await patchSettings({ account_info: null });
    try {
      assertWireError(await wire('/shop/spu/add', body('E1040042-1')), 1040042, MESSAGE.noWechatCustomerService);
      await patchSettings({ account_info: { service_agent_type: [1, 2] } });
      assertWireError(await wire('/shop/spu/add', body('E1040042-1')), 1040042, MESSAGE.noWechatCustomerService);
    } finally {
      await patchSettings({ account_info: WECHAT_CUSTOMER_SERVICE });
    }
    await assertNotStored('E1040042-1');
    assert.equal(await listTotal(), total, 'no product was stored');
  });

  test('spu update requires WeChat customer service', async () => {
    await addApproved('E1040042-2');
    const before = await snapshot('E1040042-2');
    await patchSettings({ account_info: null });
    try {
      assertWireError(await wire('/shop/spu/update', body('E1040042-2', { title: '新标题积木' })), 1040042, MESSAGE.noWechatCustomerService);
    } finally {
      await patchSettings({ account_info: WECHAT_CUSTOMER_SERVICE });
    }
    assert.deepEqual(await snapshot('E1040042-2'), before, 'both copies are unchanged');
  });

  test('spu add rejects an account with a deposit problem', async () => {
    await patchSettings({ deposit_ok: false });
    try {
      assertWireError(await wire('/shop/spu/add', body('E21-1')), 1000021, MESSAGE.deposit);
    } finally {
      await patchSettings({ deposit_ok: true });
    }
    await assertNotStored('E21-1');
  });

  test('spu update rejects an account with a deposit problem', async () => {
    await addApproved('E21-2');
    const before = await snapshot('E21-2');
    await patchSettings({ deposit_ok: false });
    try {
      assertWireError(await wire('/shop/spu/update', body('E21-2', { title: '新标题积木' })), 1000021, MESSAGE.deposit);
    } finally {
      await patchSettings({ deposit_ok: true });
    }
    assert.deepEqual(await snapshot('E21-2'), before, 'both copies are unchanged');
  });

  test('spu add rejects a scene group that is not open', async () => {
    assertWireError(await wire('/shop/spu/add', body('E42-1', { scene_group_list: [1, 3] })), 1000042, MESSAGE.sceneNotOpen);
    await assertNotStored('E42-1');

    await patchSettings({ opened_scene_groups: [1, 3] });
    try {
      const data = await addProduct('E42-1', { scene_group_list: [1, 3] });
      assert.equal(data.out_product_id, 'E42-1', 'accepted once scene 3 is open');
    } finally {
      await patchSettings({ opened_scene_groups: [1] });
    }
  });
});

describe('category and brand rules', () => {
  test('spu add rejects an unapproved category', async () => {
    const request = body('E5-1', { third_cat_id: CATEGORY_NEEDS_AUDIT, qualification_pics: [image] });

    assertWireError(
      await wire('/shop/spu/add', request),
      1000005,
      '请先申请[美妆护肤](1301):[特殊功效护肤](1303):[防晒霜](130301)类目通过后再提审此类目对应的商品。',
    );
    await assertNotStored('E5-1');
  });

  test('spu update rejects an unapproved category', async () => {
    await addApproved('E5-2');
    const before = await snapshot('E5-2');

    const response = await wire('/shop/spu/update', body('E5-2', { third_cat_id: CATEGORY_NEEDS_AUDIT, qualification_pics: [image] }));
    assertWireError(response, 1000005, '请先申请[美妆护肤](1301):[特殊功效护肤](1303):[防晒霜](130301)类目通过后再提审此类目对应的商品。');
    assert.deepEqual(await snapshot('E5-2'), before, 'both copies are unchanged');
  });

  test('spu add rejects an unapproved brand', async () => {
    assertWireError(await wire('/shop/spu/add', body('E6-1', { brand_id: UNAPPROVED_BRAND })), 1000006, MESSAGE.brandNotApproved);
    await assertNotStored('E6-1');
  });

  test('spu add rejects a level-1 or level-2 category', async () => {
    assertWireError(await wire('/shop/spu/add', body('E7-1', { third_cat_id: LEVEL1_CATEGORY })), 1000007, MESSAGE.notLevel3);
    assertWireError(await wire('/shop/spu/add', body('E7-1', { third_cat_id: LEVEL2_CATEGORY })), 1000007, MESSAGE.notLevel3);
    await assertNotStored('E7-1');
  });

  test('spu add requires qualification pictures', async () => {
    const withoutPics = body('E8Q-1', { third_cat_id: CATEGORY_NEEDS_PRODUCT_PICS });
    assertWireError(await wire('/shop/spu/add', withoutPics), 1000008, MESSAGE.qualificationPicsMissing);

    const emptyPic = body('E8Q-1', { third_cat_id: CATEGORY_NEEDS_PRODUCT_PICS, qualification_pics: [''] });
    assertWireError(await wire('/shop/spu/add', emptyPic), 1000008, MESSAGE.qualificationPicsMissing);
    await assertNotStored('E8Q-1');

    const data = await addProduct('E8Q-1', { third_cat_id: CATEGORY_NEEDS_PRODUCT_PICS, qualification_pics: [image] });
    assert.equal(data.out_product_id, 'E8Q-1', 'accepted with a qualification picture');
  });

  test('spu add rejects an unknown category', async () => {
    assertWireError(await wire('/shop/spu/add', body('E9-1', { third_cat_id: UNKNOWN_CATEGORY })), 1000009, MESSAGE.categoryUnknown);
    await assertNotStored('E9-1');
  });

  test('spu add rejects a retired category', async () => {
    for (const category of RETIRED_CATEGORIES) {
      const response = await wire('/shop/spu/add', body('E40-1', { third_cat_id: category, qualification_pics: [image] }));
      assertWireError(response, 1000040, MESSAGE.categoryRetired);
    }
    await assertNotStored('E40-1');
  });

  test('spu update rejects invalid bodies', async () => {
    await addApproved('EU-1');
    const before = await snapshot('EU-1');
    const cases: [Body, number, string][] = [
      [{ skus: [] }, 1000020, MESSAGE.skusEmpty],
      [{ title: '' }, 1000014, MESSAGE.requiredFieldMissing],
      [{ title: 'Plain ASCII title' }, 1000045, MESSAGE.asciiTitle],
      [{ brand_id: UNAPPROVED_BRAND }, 1000006, MESSAGE.brandNotApproved],
      [{ third_cat_id: LEVEL2_CATEGORY }, 1000007, MESSAGE.notLevel3],
      [{ third_cat_id: CATEGORY_NEEDS_PRODUCT_PICS }, 1000008, MESSAGE.qualificationPicsMissing],
      [{ third_cat_id: UNKNOWN_CATEGORY }, 1000009, MESSAGE.categoryUnknown],
      [{ third_cat_id: RETIRED_CATEGORIES[0] }, 1000040, MESSAGE.categoryRetired],
      [{ scene_group_list: [3] }, 1000042, MESSAGE.sceneNotOpen],
      [{ head_img: ['https://127.0.0.1/a.jpg'] }, 1070010, MESSAGE.imageNotWechatHosted],
      [{ head_img: [`https://mmecimage.cn/p/${APPID}/never-issued`] }, 1070011, MESSAGE.imageNotIssued],
    ];
    for (const [overrides, errcode, message] of cases) {
      const response = await wire('/shop/spu/update', body('EU-1', overrides));
      assertWireError(response, errcode, message);
    }
    assert.deepEqual(await snapshot('EU-1'), before, 'both copies are unchanged');
    assert.equal((await productEvents('EU-1')).length, 1, 'only the first approval is in the outbox');
  });
});

describe('image links', () => {
  test('spu add rejects an external head_img', async () => {
    const response = await wire('/shop/spu/add', body('E1070010-1', { head_img: ['https://127.0.0.1/a.jpg'] }));
    assertWireError(response, 1070010, MESSAGE.imageNotWechatHosted);
    await assertNotStored('E1070010-1');
  });

  test('spu add rejects an external sku thumb_img', async () => {
    const request = body('E1070010-2', { skus: [sku('E1070010-2', 'E1070010-2-S1', { thumb_img: 'http://127.0.0.1/thumb.png' })] });

    assertWireError(await wire('/shop/spu/add', request), 1070010, MESSAGE.imageNotWechatHosted);
    await assertNotStored('E1070010-2');
  });

  test('spu add rejects an mmecimage link never issued', async () => {
    const forged = `https://mmecimage.cn/p/${APPID}/wxashop_forged`;

    assertWireError(await wire('/shop/spu/add', body('E1070011-1', { head_img: [forged] })), 1070011, MESSAGE.imageNotIssued);
    await assertNotStored('E1070011-1');
  });

  test('spu add rejects an image issued to another app', async () => {
    const created = await admin(baseUrl, 'POST', '/apps', { appid: OTHER_APPID, secret: OTHER_SECRET });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const otherImage = await uploadImage(baseUrl, await getToken(baseUrl, OTHER_APPID, OTHER_SECRET));
    assert.ok(otherImage.startsWith(`https://mmecimage.cn/p/${OTHER_APPID}/`), otherImage);

    assertWireError(await wire('/shop/spu/add', body('E1070011-2', { head_img: [otherImage] })), 1070011, MESSAGE.imageNotIssued);
    const ownAppidPath = otherImage.replace(OTHER_APPID, APPID);
    assertWireError(await wire('/shop/spu/add', body('E1070011-2', { head_img: [ownAppidPath] })), 1070011, MESSAGE.imageNotIssued);
    await assertNotStored('E1070011-2');
  });
});

describe('product identity errors', () => {
  const unknownKeys: Body[] = [{ out_product_id: 'NO-SUCH-PRODUCT' }, { product_id: 1 }, { product_id: '999999999999' }];
  const calls: [string, (key: Body) => Body][] = [
    ['get', (key) => key],
    ['update', (key) => ({ ...body('NO-SUCH-PRODUCT'), out_product_id: undefined, ...key })],
    ['update_without_audit', (key) => ({ ...key, skus: [{ out_sku_id: 'NO-SUCH-PRODUCT-S1', stock_num: 1 }] })],
    ['del', (key) => key],
    ['del_audit', (key) => key],
    ['listing', (key) => key],
    ['delisting', (key) => key],
  ];
  for (const [action, request] of calls) {
    test(`spu ${action} rejects an unknown product`, async () => {
      const total = await listTotal();
      for (const key of unknownKeys) {
        assertWireError(await wire(`/shop/spu/${action}`, request(key)), 1000011, MESSAGE.productNotFound);
      }
      assert.equal(await listTotal(), total, 'no product was stored');
    });
  }

  test('spu calls reject a deleted product', async () => {
    const data = await addApproved('E11-DEL');
    assertOk(await wire('/shop/spu/del', { out_product_id: 'E11-DEL' }));

    for (const key of [{ out_product_id: 'E11-DEL' }, { product_id: data.product_id }]) {
      for (const [action, request] of calls) {
        assertWireError(await wire(`/shop/spu/${action}`, request(key)), 1000011, MESSAGE.productNotFound);
      }
    }
    assert.equal((await listAll()).some((spu) => spu.out_product_id === 'E11-DEL'), false, 'get_list omits it');
    assert.equal((await listAll({ need_edit_spu: 1 })).some((spu) => spu.out_product_id === 'E11-DEL'), false, 'get_list of drafts omits it');
  });

  test('spu add rejects a reused out_product_id', async () => {
    await addProduct('E12-1');
    const before = await snapshot('E12-1');
    const total = await listTotal();

    assertWireError(await wire('/shop/spu/add', body('E12-1', { title: '另一个积木' })), 1000012, MESSAGE.outProductIdTaken);
    assert.deepEqual(await snapshot('E12-1'), before, 'the stored product is unchanged');
    assert.equal(await listTotal(), total, 'no product was added');
  });

  test('spu add rejects the out_product_id of a deleted product', async () => {
    await addApproved('E12-2');
    assertOk(await wire('/shop/spu/del', { out_product_id: 'E12-2' }));
    const total = await listTotal();

    assertWireError(await wire('/shop/spu/add', body('E12-2')), 1000012, MESSAGE.outProductIdTaken);
    await assertNotStored('E12-2');
    assert.equal(await listTotal(), total, 'no product was added');
    const stored = await admin(baseUrl, 'GET', `/apps/${APPID}/products?deleted=1`);
    const matches = (stored.json.products as Body[]).filter((product) => product.out_product_id === 'E12-2');
    assert.equal(matches.length, 1, 'one record holds the id');
    assert.equal(matches[0]!.deleted, true, 'and it stays deleted');
  });
});

describe('product state errors', () => {
  test('spu update rejects a product under review', async () => {
    await addProduct('E2-1');
    const before = await snapshot('E2-1');

    assertWireError(await wire('/shop/spu/update', body('E2-1', { title: '改过的积木' })), 1000002, MESSAGE.underReview);
    assert.deepEqual(await snapshot('E2-1'), before, 'both copies are unchanged');
    assert.equal(before.draft.edit_status, 2);
  });

  test('update_without_audit rejects a never-approved product', async () => {
    await addProduct('E3-1');
    const before = await snapshot('E3-1');

    const response = await wire('/shop/spu/update_without_audit', { out_product_id: 'E3-1', skus: [{ out_sku_id: 'E3-1-S1', stock_num: 5 }] });
    assertWireError(response, 1000003, MESSAGE.noOnlineCopy);
    assert.deepEqual(await snapshot('E3-1'), before, 'both copies are unchanged');
  });

  test('spu listing rejects a never-approved product', async () => {
    await addProduct('E3-2');
    const before = await snapshot('E3-2');

    assertWireError(await wire('/shop/spu/listing', { out_product_id: 'E3-2' }), 1000003, MESSAGE.noOnlineCopy);
    assert.deepEqual(await snapshot('E3-2'), before, 'both copies are unchanged');
    assert.equal(before.online.status, 0);

    await decideReview('E3-2', 'reject', '图片不清晰');
    assertWireError(await wire('/shop/spu/listing', { out_product_id: 'E3-2' }), 1000003, MESSAGE.noOnlineCopy);
    assert.equal((await getSpu({ out_product_id: 'E3-2' })).status, 0, 'a rejected first review leaves nothing to list');
  });

  test('spu listing rejects a violation delisting', async () => {
    await addApproved('E3-3');
    const violation = await admin(baseUrl, 'POST', `/apps/${APPID}/products/violation`, { out_product_id: 'E3-3', reason: '涉嫌虚假宣传' });
    assert.equal(violation.status, 200, JSON.stringify(violation.json));
    const before = await snapshot('E3-3');
    const events = await productEvents('E3-3');

    assertWireError(await wire('/shop/spu/listing', { out_product_id: 'E3-3' }), 1000003, MESSAGE.noOnlineCopy);
    assert.deepEqual(await snapshot('E3-3'), before, 'both copies are unchanged');
    assert.equal(before.online.status, 13);
    assert.deepEqual(await productEvents('E3-3'), events, 'no event was added');
  });

  test('update_without_audit rejects an sku not online', async () => {
    await addApproved('E4-1');
    await updateProduct('E4-1', { skus: [sku('E4-1', 'E4-1-S1'), sku('E4-1', 'E4-1-S2')] });
    const before = await snapshot('E4-1');
    const events = await productEvents('E4-1');

    const response = await wire('/shop/spu/update_without_audit', {
      out_product_id: 'E4-1',
      skus: [
        { out_sku_id: 'E4-1-S1', stock_num: 1 },
        { out_sku_id: 'E4-1-S2', stock_num: 2 },
      ],
    });
    assertWireError(response, 1000004, MESSAGE.skuNotOnline);
    assert.deepEqual(await snapshot('E4-1'), before, 'the change to E4-1-S1 was not applied either');
    assert.deepEqual(await productEvents('E4-1'), events, 'no event was added');
  });

  test('spu del_audit rejects a product not under review', async () => {
    await addApproved('E16-1');
    const approved = await snapshot('E16-1');

    assertWireError(await wire('/shop/spu/del_audit', { out_product_id: 'E16-1' }), 1000016, MESSAGE.nothingUnderReview);
    assert.deepEqual(await snapshot('E16-1'), approved, 'an approved product is unchanged');

    await updateProduct('E16-1', { title: '第二版积木' });
    assertOk(await wire('/shop/spu/del_audit', { out_product_id: 'E16-1' }));
    const withdrawn = await snapshot('E16-1');

    assertWireError(await wire('/shop/spu/del_audit', { out_product_id: 'E16-1' }), 1000016, MESSAGE.nothingUnderReview);
    assert.deepEqual(await snapshot('E16-1'), withdrawn, 'a withdrawn product is unchanged');
    assert.equal(withdrawn.draft.edit_status, 1);
  });

  test('spu update limits review submissions per hour', async () => {
    // spu/add is the first submission, and 19 updates bring the rolling hour to 20.
    await addProduct('E19-1');
    for (let round = 1; round <= 19; round++) {
      assertOk(await wire('/shop/spu/del_audit', { out_product_id: 'E19-1' }));
      await updateProduct('E19-1', { title: `第${round}版积木` });
    }
    assertOk(await wire('/shop/spu/del_audit', { out_product_id: 'E19-1' }));
    const before = await snapshot('E19-1');

    assertWireError(await wire('/shop/spu/update', body('E19-1', { title: '第20版积木' })), 1000019, MESSAGE.tooManySubmissions);
    assert.deepEqual(await snapshot('E19-1'), before, 'both copies are unchanged');
    assert.equal(before.draft.title, '第19版积木');
    assert.equal(before.draft.edit_status, 1);

    await advanceClock(3601);
    token = await getToken(baseUrl);
    await updateProduct('E19-1', { title: '第20版积木' });
    const draft = await getSpu({ out_product_id: 'E19-1' }, true);
    assert.equal(draft.title, '第20版积木', 'an update is accepted an hour later');
    assert.equal(draft.edit_status, 2);
  });
});

describe('concurrent writes', () => {
  test('racing spu updates store one draft', async () => {
    const original = await addApproved('E13-1');
    const racers = 8;

    const responses = await Promise.all(
      Array.from({ length: racers }, (_, index) =>
        wire('/shop/spu/update', body('E13-1', { title: `并发草稿${index}`, skus: [sku('E13-1', 'E13-1-S1', { sale_price: 1000 + index })] })),
      ),
    );

    for (const response of responses) {
      assert.equal(response.status, 200, response.text);
      // A racer that read the product before the winner committed loses with 1000013. A racer that
      // read it afterwards finds the winner's draft under review and gets 1000002.
      assert.ok([0, 1000013, 1000002].includes(response.json.errcode as number), response.text);
      if (response.json.errcode === 1000013) assertWireError(response, 1000013, MESSAGE.updateConflict);
      if (response.json.errcode === 1000002) assertWireError(response, 1000002, MESSAGE.underReview);
    }
    const winners = responses.flatMap((response, index) => (response.json.errcode === 0 ? [index] : []));
    assert.equal(winners.length, 1, `exactly one update succeeds: ${responses.map((response) => response.json.errcode).join(',')}`);
    const winner = winners[0]!;

    const draft = await getSpu({ out_product_id: 'E13-1' }, true);
    assert.equal(draft.title, `并发草稿${winner}`, "the winner's title is the draft");
    assert.equal(draft.skus[0].sale_price, 1000 + winner, "the winner's price is the draft");
    assert.equal(draft.skus[0].sku_id, original.skus[0].sku_id, 'the sku keeps its id');
    assert.equal(draft.edit_status, 2);
    const online = await getSpu({ out_product_id: 'E13-1' });
    assert.equal(online.title, '儿童益智积木套装', 'the online copy is untouched');
    assert.equal(online.skus[0].sale_price, 5900);
  });

  test('racing spu adds store one product', async () => {
    const racers = 8;
    const total = await listTotal();

    const responses = await Promise.all(
      Array.from({ length: racers }, (_, index) => wire('/shop/spu/add', body('E12-RACE', { title: `并发新增${index}` }))),
    );

    for (const response of responses) {
      assert.equal(response.status, 200, response.text);
      if (response.json.errcode !== 0) assertWireError(response, 1000012, MESSAGE.outProductIdTaken);
    }
    const winners = responses.flatMap((response, index) => (response.json.errcode === 0 ? [index] : []));
    assert.equal(winners.length, 1, `exactly one add succeeds: ${responses.map((response) => response.json.errcode).join(',')}`);
    assert.equal(await listTotal(), total + 1, 'one product was stored');
    assert.equal((await getSpu({ out_product_id: 'E12-RACE' }, true)).title, `并发新增${winners[0]}`);
  });

  test('racing update_without_audit calls lose no change', async () => {
    const racers = 8;
    const skus = Array.from({ length: racers }, (_, index) => sku('E13-2', `E13-2-S${index}`));
    await addApproved('E13-2', { skus });

    const responses = await Promise.all(
      Array.from({ length: racers }, (_, index) =>
        wire('/shop/spu/update_without_audit', { out_product_id: 'E13-2', skus: [{ out_sku_id: `E13-2-S${index}`, stock_num: 500 + index }] }),
      ),
    );

    for (const response of responses) {
      assert.equal(response.status, 200, response.text);
      assert.ok([0, 1000013].includes(response.json.errcode as number), response.text);
      if (response.json.errcode === 1000013) assertWireError(response, 1000013, MESSAGE.updateConflict);
    }
    const { online, draft } = await snapshot('E13-2');
    for (const [index, response] of responses.entries()) {
      const expected = response.json.errcode === 0 ? 500 + index : 100;
      const outSkuId = `E13-2-S${index}`;
      assert.equal(online.skus.find((item: Body) => item.out_sku_id === outSkuId).stock_num, expected, `online stock of ${outSkuId}`);
      assert.equal(draft.skus.find((item: Body) => item.out_sku_id === outSkuId).stock_num, expected, `draft stock of ${outSkuId}`);
    }
    assert.equal(online.edit_status, 4, 'edit_status is untouched');
  });
});

describe('spu get_list parameters', () => {
  test('spu get_list rejects a page_size over 100', async () => {
    assertWireError(await wire('/shop/spu/get_list', { page: 1, page_size: 101 }), 990005, MESSAGE.pageSizeTooLarge);
    assertOk(await wire('/shop/spu/get_list', { page: 1, page_size: 100 }));
  });

  test('spu get_list with a status beyond 32 bits lists nothing', async () => {
    // PostgreSQL's integer column used to fail the query on 2^40 (-1 system error).
    const response = await wire('/shop/spu/get_list', { page: 1, page_size: 10, status: 2 ** 40 });
    assertOk(response);
    assert.equal(response.json.total_num, 0);
    assert.deepEqual(response.json.spus, []);
  });

  test('spu get_list rejects page 0', async () => {
    assertWireError(await wire('/shop/spu/get_list', { page: 0, page_size: 10 }), 990007, MESSAGE.empty);
    assertWireError(await wire('/shop/spu/get_list', { page_size: 10 }), 990007, MESSAGE.empty);
  });

  test('spu get_list rejects a reversed time range', async () => {
    const request = { page: 1, page_size: 10, start_create_time: '2024-05-02 00:00:00', end_create_time: '2024-05-01 23:59:59' };
    assertWireError(await wire('/shop/spu/get_list', request), 990009, MESSAGE.timeRangeReversed);

    const updateRange = { page: 1, page_size: 10, start_update_time: '2024-05-02 00:00:00', end_update_time: '2024-05-01 00:00:00' };
    assertWireError(await wire('/shop/spu/get_list', updateRange), 990009, MESSAGE.timeRangeReversed);
  });

  test('spu get_list time filters include the end second', async () => {
    await addProduct('L-SECOND');
    const created = (await getSpu({ out_product_id: 'L-SECOND' }, true)).create_time as string;
    const sameSecond = { start_create_time: created, end_create_time: created };
    const listed = await listAll(sameSecond);
    assert.ok(listed.some((spu) => spu.out_product_id === 'L-SECOND'), `no product created at ${created}`);
    const updated = (await getSpu({ out_product_id: 'L-SECOND' }, true)).update_time as string;
    const byUpdate = await listAll({ start_update_time: updated, end_update_time: updated });
    assert.ok(byUpdate.some((spu) => spu.out_product_id === 'L-SECOND'), `no product updated at ${updated}`);
  });

  test('spu get_list rejects a badly formatted time', async () => {
    for (const start of ['2024-05-01', '2024/05/01 00:00:00', '2024-05-01 18:34', '2022-02-30 00:00:00']) {
      const request = { page: 1, page_size: 10, start_create_time: start, end_create_time: '2024-05-31 00:00:00' };
      assertWireError(await wire('/shop/spu/get_list', request), 990018, MESSAGE.timeFormat);
    }
  });
});

describe('review lifecycle', () => {
  test('spu get_list returns the online skeleton', async () => {
    const data = await addProduct('L-SKELETON');

    const listed = (await listAll()).find((spu) => spu.out_product_id === 'L-SKELETON');
    assert.ok(listed, 'get_list includes the product under review');
    const fetched = await getSpu({ out_product_id: 'L-SKELETON' });
    for (const spu of [listed, fetched]) {
      assert.deepEqual(
        Object.keys(spu).sort(),
        ['audit_info', 'create_time', 'edit_status', 'head_img', 'out_product_id', 'product_id', 'qualification_pics', 'skus', 'status', 'update_time'],
        'only the skeleton fields are present',
      );
      assert.equal(spu.product_id, data.product_id);
      assert.deepEqual(spu.head_img, []);
      assert.deepEqual(spu.skus, []);
      assert.deepEqual(spu.qualification_pics, []);
      assert.equal(spu.status, 0);
      assert.equal(spu.edit_status, 2);
      assert.deepEqual(Object.keys(spu.audit_info).sort(), ['audit_id', 'submit_time']);
    }
  });

  test('auto review approves after the delay', async () => {
    await patchSettings({ reviewer: { mode: 'auto', delay_seconds: 30, auto_list: true } });
    try {
      await addProduct('L-AUTO');

      await advanceClock(29);
      assert.equal((await getSpu({ out_product_id: 'L-AUTO' })).edit_status, 2, 'still under review before the delay');
      assert.deepEqual(await productEvents('L-AUTO'), []);

      await advanceClock(1);
      const online = await getSpu({ out_product_id: 'L-AUTO' });
      assert.equal(online.edit_status, 4);
      assert.equal(online.status, 5);
      assert.equal(online.title, '儿童益智积木套装');
      assert.match(online.audit_info.audit_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

      const events = await productEvents('L-AUTO');
      assert.equal(events.length, 1);
      assert.equal(events[0]!.event, 'open_product_spu_audit');
      assert.equal(events[0]!.payload.OpenProductSpuAudit.status, 4);
      assert.equal(events[0]!.payload.OpenProductSpuAudit.spu_status, 5);
    } finally {
      await patchSettings({ reviewer: { mode: 'manual' } });
    }
  });

  test('a later approval does not list a product never on sale', async () => {
    await patchSettings({ reviewer: { mode: 'manual', auto_list: false } });
    try {
      await addProduct('L-NOT-LISTED');
      await decideReview('L-NOT-LISTED', 'approve');
      assert.equal((await getSpu({ out_product_id: 'L-NOT-LISTED' })).status, 0);
      await patchSettings({ reviewer: { mode: 'manual', auto_list: true } });
      await updateProduct('L-NOT-LISTED', { title: '更新后的积木套装' });
      await decideReview('L-NOT-LISTED', 'approve');
      const spu = await getSpu({ out_product_id: 'L-NOT-LISTED' });
      assert.equal(spu.edit_status, 4);
      assert.equal(spu.status, 0, 'only a first approval lists the product');
    } finally {
      await patchSettings({ reviewer: { mode: 'manual', auto_list: true } });
    }
  });

  test('a fractional audit delay is kept to whole milliseconds', async () => {
    // Due times are integers in the database, and 0.0004 s used to reach PostgreSQL as a fraction.
    await patchSettings({ reviewer: { mode: 'auto', delay_seconds: 0.0004, auto_list: true } });
    try {
      await addProduct('L-FRACTION');
      await advanceClock(1);
      assert.equal((await getSpu({ out_product_id: 'L-FRACTION' })).edit_status, 4);
    } finally {
      await patchSettings({ reviewer: { mode: 'manual', delay_seconds: 10 } });
    }
  });

  test('reviewer.delay_seconds must be a finite number up to ten years', async () => {
    for (const wrong of [-1, '10', 1e308, 10 * 365 * 86400 + 1, null]) {
      const result = await admin(baseUrl, 'PATCH', `/apps/${APPID}/settings`, { reviewer: { delay_seconds: wrong } });
      assert.equal(result.status, 400, `${wrong}: ${JSON.stringify(result.json)}`);
      assert.equal(result.json.error.code, 'invalid_reviewer');
    }
    const maximum = await admin(baseUrl, 'PATCH', `/apps/${APPID}/settings`, { reviewer: { delay_seconds: 10 * 365 * 86400 } });
    assert.equal(maximum.status, 200, JSON.stringify(maximum.json));
    await patchSettings({ reviewer: { delay_seconds: 10 } });
  });

  test('reject rule rejects the review', async () => {
    await patchSettings({ reviewer: { mode: 'auto', delay_seconds: 5, reject_rules: [{ title_contains: '仿冒', reason: '标题含仿冒字样' }] } });
    try {
      await addProduct('L-REJECT', { title: '仿冒品牌积木' });
      await advanceClock(5);

      const draft = await getSpu({ out_product_id: 'L-REJECT' }, true);
      assert.equal(draft.edit_status, 3);
      assert.equal(draft.audit_info.reject_reason, '标题含仿冒字样');
      const online = await getSpu({ out_product_id: 'L-REJECT' });
      assert.equal(online.status, 0, 'the online copy stays empty');
      assert.deepEqual(online.skus, []);

      const events = await productEvents('L-REJECT');
      assert.equal(events.length, 1);
      assert.equal(events[0]!.payload.OpenProductSpuAudit.status, 3);
      assert.equal(events[0]!.payload.OpenProductSpuAudit.reject_reason, '标题含仿冒字样');
      assert.equal(events[0]!.payload.OpenProductSpuAudit.spu_status, 0);
    } finally {
      await patchSettings({ reviewer: { mode: 'manual', reject_rules: [] } });
    }
  });

  test('manual review waits for the admin', async () => {
    await addProduct('L-MANUAL');
    await advanceClock(600);
    assert.equal((await getSpu({ out_product_id: 'L-MANUAL' })).edit_status, 2, 'no decision without the admin');
    assert.deepEqual(await productEvents('L-MANUAL'), []);

    await decideReview('L-MANUAL', 'approve');
    const approved = await getSpu({ out_product_id: 'L-MANUAL' });
    assert.equal(approved.edit_status, 4);
    assert.equal(approved.status, 5);

    await updateProduct('L-MANUAL', { title: '第二版积木' });
    await decideReview('L-MANUAL', 'reject', '主图与标题不符');
    const draft = await getSpu({ out_product_id: 'L-MANUAL' }, true);
    assert.equal(draft.edit_status, 3);
    assert.equal(draft.audit_info.reject_reason, '主图与标题不符');
    const online = await getSpu({ out_product_id: 'L-MANUAL' });
    assert.equal(online.title, '儿童益智积木套装', 'a rejected update leaves the online copy');
    assert.equal(online.status, 5);

    const statuses = (await productEvents('L-MANUAL')).map((event) => event.payload.OpenProductSpuAudit.status);
    assert.deepEqual(statuses, [4, 3]);
  });

  test('spu update keeps the online copy until approval', async () => {
    const added = await addApproved('L-UPDATE');
    const data = await updateProduct('L-UPDATE', { title: '升级版积木', skus: [sku('L-UPDATE', 'L-UPDATE-S1', { sale_price: 6900 })] });
    assert.equal(data.skus[0].sku_id, added.skus[0].sku_id, 'the sku keeps its id');

    const online = await getSpu({ out_product_id: 'L-UPDATE' });
    assert.equal(online.title, '儿童益智积木套装');
    assert.equal(online.skus[0].sale_price, 5900);
    assert.equal(online.status, 5);
    assert.equal(online.edit_status, 2);
    const draft = await getSpu({ out_product_id: 'L-UPDATE' }, true);
    assert.equal(draft.title, '升级版积木');
    assert.equal(draft.skus[0].sale_price, 6900);

    await decideReview('L-UPDATE', 'approve');
    const approved = await getSpu({ out_product_id: 'L-UPDATE' });
    assert.equal(approved.title, '升级版积木');
    assert.equal(approved.skus[0].sale_price, 6900);
    assert.equal(approved.edit_status, 4);
    assert.equal(approved.status, 5);
  });

  test('update_without_audit changes both copies', async () => {
    await addApproved('L-NOAUDIT');
    await updateProduct('L-NOAUDIT', { title: '升级版积木' });
    const events = await productEvents('L-NOAUDIT');

    const response = await wire('/shop/spu/update_without_audit', {
      out_product_id: 'L-NOAUDIT',
      skus: [{ out_sku_id: 'L-NOAUDIT-S1', sale_price: 4900, stock_num: 7 }],
    });
    assertOk(response);
    const data = response.json.data as Body;
    assert.equal(data.out_product_id, 'L-NOAUDIT');
    assert.deepEqual(data.skus.map((item: Body) => item.out_sku_id), ['L-NOAUDIT-S1']);
    assert.match(data.update_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const { online, draft } = await snapshot('L-NOAUDIT');
    assert.equal(online.skus[0].sale_price, 4900);
    assert.equal(online.skus[0].stock_num, 7);
    assert.equal(online.skus[0].market_price, 7900, 'fields not sent are kept');
    assert.equal(online.title, '儿童益智积木套装', 'the online title is untouched');
    assert.equal(draft.skus[0].sale_price, 4900);
    assert.equal(draft.skus[0].stock_num, 7);
    assert.equal(draft.title, '升级版积木', 'the draft title is untouched');
    assert.equal(online.edit_status, 2, 'edit_status is untouched');
    assert.equal(online.status, 5, 'status is untouched');
    assert.deepEqual(await productEvents('L-NOAUDIT'), events, 'no review was started');
  });

  test('spu del_audit withdraws the review', async () => {
    await patchSettings({ reviewer: { mode: 'auto', delay_seconds: 10 } });
    try {
      await addProduct('L-WITHDRAW');
      assertOk(await wire('/shop/spu/del_audit', { out_product_id: 'L-WITHDRAW' }));
      const withdrawn = await snapshot('L-WITHDRAW');
      assert.equal(withdrawn.draft.edit_status, 1);
      assert.equal(withdrawn.draft.title, '儿童益智积木套装', 'the draft is kept');
      assert.equal(withdrawn.online.status, 0);

      await advanceClock(11);
      assert.deepEqual(await snapshot('L-WITHDRAW'), withdrawn, 'a withdrawn review is never decided');
      assert.deepEqual(await productEvents('L-WITHDRAW'), []);
    } finally {
      await patchSettings({ reviewer: { mode: 'manual' } });
    }

    await updateProduct('L-WITHDRAW', { title: '重新提交的积木' });
    assert.equal((await getSpu({ out_product_id: 'L-WITHDRAW' }, true)).edit_status, 2, 'an update submits it again');
  });

  test('spu get_list filters by status and reads drafts', async () => {
    await addApproved('L-LIST-ON');
    await addApproved('L-LIST-OFF');
    assertOk(await wire('/shop/spu/delisting', { out_product_id: 'L-LIST-OFF' }));
    await addProduct('L-LIST-NEW', { title: '待审核积木' });

    const delisted = await listAll({ status: 11 });
    assert.ok(delisted.every((spu) => spu.status === 11), 'status 11 returns only delisted products');
    assert.deepEqual(delisted.filter((spu) => spu.out_product_id.startsWith('L-LIST-')).map((spu) => spu.out_product_id), ['L-LIST-OFF']);
    assert.equal(await listTotal({ status: 11 }), delisted.length, 'total_num counts the filtered products');

    const listed = await listAll({ status: 5 });
    assert.ok(listed.every((spu) => spu.status === 5), 'status 5 returns only listed products');
    assert.ok(listed.some((spu) => spu.out_product_id === 'L-LIST-ON'));
    assert.ok(!listed.some((spu) => spu.out_product_id === 'L-LIST-OFF'));

    const onlineCopy = (await listAll({ status: 0 })).find((spu) => spu.out_product_id === 'L-LIST-NEW');
    assert.equal(onlineCopy?.title, undefined, 'without need_edit_spu the online skeleton is returned');
    const draftCopy = (await listAll({ status: 0, need_edit_spu: 1 })).find((spu) => spu.out_product_id === 'L-LIST-NEW');
    assert.equal(draftCopy?.title, '待审核积木', 'need_edit_spu 1 returns the draft');
    assert.equal(draftCopy?.skus.length, 1);
  });

  test('violation delisting sets status 13', async () => {
    const data = await addApproved('L-VIOLATION');
    const result = await admin(baseUrl, 'POST', `/apps/${APPID}/products/violation`, { out_product_id: 'L-VIOLATION', reason: '涉嫌虚假宣传' });
    assert.equal(result.status, 200, JSON.stringify(result.json));

    const online = await getSpu({ out_product_id: 'L-VIOLATION' });
    assert.equal(online.status, 13);
    assert.equal(online.edit_status, 4, 'the review state is untouched');
    const events = await productEvents('L-VIOLATION');
    const update = events.find((event) => event.event === 'open_product_spu_status_update');
    assert.ok(update, 'an open_product_spu_status_update event is in the outbox');
    assert.equal(update.payload.OpenProductSpuStatusUpdate.status, 13);
    assert.equal(update.payload.OpenProductSpuStatusUpdate.reason, '涉嫌虚假宣传');
    assert.equal(update.payload.OpenProductSpuStatusUpdate.product_id, data.product_id);
  });

  test('approval after a fix relists a violation', async () => {
    await addApproved('L-FIX');
    const violation = await admin(baseUrl, 'POST', `/apps/${APPID}/products/violation`, { out_product_id: 'L-FIX', reason: '主图侵权' });
    assert.equal(violation.status, 200, JSON.stringify(violation.json));

    await updateProduct('L-FIX', { title: '修正后的积木' });
    assert.equal((await getSpu({ out_product_id: 'L-FIX' })).status, 13, 'still delisted while the fix is reviewed');
    await decideReview('L-FIX', 'approve');

    const online = await getSpu({ out_product_id: 'L-FIX' });
    assert.equal(online.status, 5);
    assert.equal(online.edit_status, 4);
    assert.equal(online.title, '修正后的积木');
    const events = (await productEvents('L-FIX')).map((event) => [
      event.event,
      (event.payload.OpenProductSpuAudit ?? event.payload.OpenProductSpuStatusUpdate).status,
    ]);
    assert.deepEqual(events, [
      ['open_product_spu_audit', 4],
      ['open_product_spu_status_update', 13],
      ['open_product_spu_audit', 4],
      ['open_product_spu_status_update', 5],
    ]);
  });
});

describe('product ids on the wire', () => {
  test('spu calls accept product_id numbers and strings', async () => {
    const data = await addProduct('ID-1');
    const productId = data.product_id as number;
    assert.equal(typeof productId, 'number');

    assert.equal((await getSpu({ product_id: productId })).out_product_id, 'ID-1');
    assert.equal((await getSpu({ product_id: String(productId) })).out_product_id, 'ID-1');

    assertOk(await wire('/shop/spu/del_audit', { product_id: String(productId) }));
    assert.equal((await getSpu({ product_id: productId }, true)).edit_status, 1);

    const update = body('ID-1', { title: '按编号更新的积木' });
    delete update.out_product_id;
    assertOk(await wire('/shop/spu/update', { ...update, product_id: String(productId) }));
    assert.equal((await getSpu({ product_id: productId }, true)).title, '按编号更新的积木');

    await decideReview('ID-1', 'approve');
    assertOk(await wire('/shop/spu/delisting', { product_id: String(productId) }));
    assert.equal((await getSpu({ product_id: productId })).status, 11);
    assertOk(await wire('/shop/spu/listing', { product_id: productId }));
    assert.equal((await getSpu({ product_id: productId })).status, 5);

    const stock = { product_id: String(productId), skus: [{ out_sku_id: 'ID-1-S1', stock_num: '42' }] };
    assertOk(await wire('/shop/spu/update_without_audit', stock));
    assert.equal((await getSpu({ product_id: productId })).skus[0].stock_num, 42);
  });

  test('spu add accepts out_product_id as a number', async () => {
    const data = await addProduct('880001', { out_product_id: 880001 });
    assert.equal(data.out_product_id, '880001', 'the id is returned as a string');

    const byNumber = await getSpu({ out_product_id: 880001 }, true);
    const byString = await getSpu({ out_product_id: '880001' }, true);
    assert.equal(byNumber.product_id, data.product_id);
    assert.equal(byString.product_id, data.product_id);
    assert.equal(byString.out_product_id, '880001');
    assert.equal(byString.skus[0].out_product_id, '880001');

    assertWireError(await wire('/shop/spu/add', body('880001')), 1000012, MESSAGE.outProductIdTaken);
  });
});
