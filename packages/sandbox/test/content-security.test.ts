import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, APPID, call, clockNow, getToken, productBody, RID_SUFFIX, startSandbox, uploadImage, type TestSandbox } from './helpers.js';
import { confirmCoupons, couponBody } from './coupon-helpers.js';

let sandbox: TestSandbox;
let token: string;
let image: string;

before(async () => {
  sandbox = await startSandbox();
  token = await getToken(sandbox.url);
  image = await uploadImage(sandbox.url, token);
});

after(async () => {
  await sandbox.close();
});

function wire(path: string, body: unknown) {
  return call(sandbox.url, path, body, { token });
}

function assertRisky(response: Awaited<ReturnType<typeof wire>>) {
  assert.equal(response.json.errcode, 87014, response.text);
  assert.equal(typeof response.json.errmsg, 'string');
  assert.match(response.json.errmsg as string, /^risky content rid: /);
  assert.match(response.json.errmsg as string, RID_SUFFIX);
}

async function draftTitle(outProductId: string): Promise<string | undefined> {
  const response = await wire('/shop/spu/get', { out_product_id: outProductId, need_edit_spu: 1 });
  if (response.json.errcode !== 0) return undefined;
  return (response.json.spu as Record<string, string>).title;
}

describe('content security on spu/add', () => {
  test('built-in title word gets 87014, nothing stored', async () => {
    assertRisky(await wire('/shop/spu/add', productBody('CS-1', image, { title: '高仿名牌手提包' })));
    assert.equal(await draftTitle('CS-1'), undefined);
    // The out_product_id stays free for a clean submission.
    const clean = await wire('/shop/spu/add', productBody('CS-1', image));
    assert.equal(clean.json.errcode, 0, clean.text);
  });

  test('a word in the description is refused too', async () => {
    assertRisky(await wire('/shop/spu/add', productBody('CS-2', image, { desc_info: { desc: '支持代开发票', imgs: [image] } })));
  });

  test('a word in a sku attribute is refused', async () => {
    const body = productBody('CS-3', image);
    body.skus[0]!.sku_attrs = [{ attr_key: '款式', attr_value: '精仿款' }];
    assertRisky(await wire('/shop/spu/add', body));
  });

  test('full-width letters and spaces do not hide a word', async () => {
    assertRisky(await wire('/shop/spu/add', productBody('CS-4', image, { title: 'ＲＥＰＬＩＣＡ 积木' })));
    assertRisky(await wire('/shop/spu/add', productBody('CS-5', image, { title: '高 仿积木' })));
  });
});

describe('content security on spu/update', () => {
  test('a risky update is refused and the draft keeps its old text', async () => {
    const added = await wire('/shop/spu/add', productBody('CS-U1', image));
    assert.equal(added.json.errcode, 0, added.text);
    // Withdraw the review so the product can be updated.
    assert.equal((await wire('/shop/spu/del_audit', { out_product_id: 'CS-U1' })).json.errcode, 0);
    assertRisky(await wire('/shop/spu/update', productBody('CS-U1', image, { title: '违规测试词积木' })));
    assert.equal(await draftTitle('CS-U1'), '儿童益智积木套装');
    assertRisky(await wire('/shop/spu/update', productBody('CS-U1', image, { desc_info: { desc: '包治百病', imgs: [] } })));
    const clean = await wire('/shop/spu/update', productBody('CS-U1', image, { title: '儿童益智积木套装 新款' }));
    assert.equal(clean.json.errcode, 0, clean.text);
  });
});

describe('per-app words', () => {
  test('app word rejected until removed', async () => {
    const body = productBody('CS-W1', image, { title: '星际战舰积木' });
    const added = await admin(sandbox.url, 'POST', `/apps/${APPID}/content-security/words`, { words: ['星际战舰'] });
    assert.equal(added.status, 200);
    assert.deepEqual(added.json.words, ['星际战舰']);
    assertRisky(await wire('/shop/spu/add', body));

    const removed = await admin(sandbox.url, 'DELETE', `/apps/${APPID}/content-security/words`, { words: ['星际战舰'] });
    assert.deepEqual(removed.json.words, []);
    const accepted = await wire('/shop/spu/add', body);
    assert.equal(accepted.json.errcode, 0, accepted.text);
  });

  test('the built-in list is readable and bad word lists are refused', async () => {
    const builtIn = await admin(sandbox.url, 'GET', '/content-security/words');
    assert.ok(builtIn.json.words.includes('高仿'));
    assert.equal((await admin(sandbox.url, 'POST', `/apps/${APPID}/content-security/words`, { words: [] })).status, 400);
    assert.equal((await admin(sandbox.url, 'POST', `/apps/${APPID}/content-security/words`, { words: [' '] })).status, 400);
    assert.equal((await admin(sandbox.url, 'POST', `/apps/${APPID}/content-security/words`, { words: 'x' })).status, 400);
    assert.equal((await admin(sandbox.url, 'POST', '/apps/wx0000000000000000/content-security/words', { words: ['x'] })).status, 404);
  });
});

describe('content security on coupon names', () => {
  const coupon = (path: string, body: unknown) => wire(`/shop/coupon/${path}`, body);
  const nowSeconds = async () => Math.floor((await clockNow(sandbox.url)) / 1000);
  const named = async (id: string, name: string) => {
    const body = couponBody(id, await nowSeconds());
    (body.coupon.coupon_info as Record<string, unknown>).name = name;
    return body;
  };

  test('coupon/add with a risky name gets 87014 and stores nothing', async () => {
    await confirmCoupons(sandbox.url);
    assertRisky(await coupon('add', await named('CS-CP-1', '高仿品牌立减券')));
    const missing = await coupon('get', { out_coupon_id: 'CS-CP-1' });
    assert.equal(missing.json.errcode, 1090001, missing.text);
    const clean = await coupon('add', await named('CS-CP-1', '店铺立减券'));
    assert.equal(clean.json.errcode, 0, clean.text);
  });

  test('coupon/update with a risky name is refused and the old name stays', async () => {
    assertRisky(await coupon('update', await named('CS-CP-1', 'ＲＥＰＬＩＣＡ 立减券')));
    const stored = await coupon('get', { out_coupon_id: 'CS-CP-1' });
    assert.equal((stored.json.result as any).coupon.coupon_info.name, '店铺立减券');
  });

  test('an app word added through the admin API applies to coupon names', async () => {
    await admin(sandbox.url, 'POST', `/apps/${APPID}/content-security/words`, { words: ['清仓大甩卖'] });
    assertRisky(await coupon('add', await named('CS-CP-2', '清仓大甩卖专享券')));
    await admin(sandbox.url, 'DELETE', `/apps/${APPID}/content-security/words`, { words: ['清仓大甩卖'] });
    const accepted = await coupon('add', await named('CS-CP-2', '清仓大甩卖专享券'));
    assert.equal(accepted.json.errcode, 0, accepted.text);
  });
});
