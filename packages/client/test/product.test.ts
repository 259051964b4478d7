import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  WxShopCredentialError,
  WxShopError,
  WxShopNotFoundError,
  WxShopValidationError,
  type WxShopClient,
} from '@wxshop/client';
import { admin, APPID, makeClient, PNG_BYTES, SECRET, startSandbox, type RunningSandbox } from './helpers.js';

let running: RunningSandbox;
let client: WxShopClient;
let image: string;

before(async () => {
  running = await startSandbox();
  client = makeClient(running.url);
  const uploaded = await client.image.upload({ resp_type: 1, upload_type: 0, media: PNG_BYTES, filename: 'pixel.png' });
  image = uploaded.img_info.temp_img_url;
});
after(() => running.close());

function product(outProductId: string) {
  return {
    out_product_id: outProductId,
    title: '儿童益智积木套装',
    path: `pages/goods/detail?id=${outProductId}`,
    head_img: [image],
    desc_info: { desc: '一百块彩色积木', imgs: [image] },
    third_cat_id: 380001,
    brand_id: 2100000000,
    skus: [
      {
        out_product_id: outProductId,
        out_sku_id: `${outProductId}-S1`,
        thumb_img: image,
        sale_price: 5900,
        market_price: 7900,
        stock_num: 100,
        sku_attrs: [{ attr_key: '规格', attr_value: '100块' }],
      },
    ],
  };
}

test('token.get and token.stable return tokens', async () => {
  const plain = await client.token.get({ grant_type: 'client_credential', appid: APPID, secret: SECRET });
  assert.equal(typeof plain.access_token, 'string');
  assert.ok(plain.expires_in > 0);
  assert.ok(plain.expires_in <= 7200);
  const stable = await client.token.stable({ grant_type: 'client_credential', appid: APPID, secret: SECRET });
  assert.equal(typeof stable.access_token, 'string');
  assert.notEqual(stable.access_token, plain.access_token);
});

test('wrong AppSecret is a credential error', async () => {
  const wrong = makeClient(running.url, { secret: 'f'.repeat(32) });
  await assert.rejects(wrong.category.get(), (error: unknown) => {
    assert.ok(error instanceof WxShopCredentialError);
    assert.equal(error.family, 'credential');
    assert.equal(error.path, '/cgi-bin/token');
    assert.ok(error.description.length > 0);
    return true;
  });
});

test('category.get lists level-3 categories', async () => {
  const answer = await client.category.get();
  assert.ok(answer.third_cat_list.length > 0);
  const first = answer.third_cat_list[0]!;
  assert.equal(typeof first.third_cat_id, 'number');
  assert.ok([0, 1, 2].includes(first.qualification_type));
});

test('image.upload accepts a Blob', async () => {
  const answer = await client.image.upload({ resp_type: 0, upload_type: 0, media: new Blob([PNG_BYTES], { type: 'image/png' }) });
  assert.equal(typeof answer.img_info.media_id, 'string');
  assert.notEqual(answer.img_info.media_id, '');
  assert.equal(answer.img_info.temp_img_url, '');
});

test('image.upload without a file fails', async () => {
  await assert.rejects(client.image.upload({ resp_type: 1, upload_type: 0 }), (error: unknown) => {
    assert.ok(error instanceof WxShopError);
    assert.equal(error.errcode, 1070001);
    assert.match(error.rid ?? '', /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    return true;
  });
});

test('product lifecycle through nine spu methods', async () => {
  const added = await client.spu.add(product('sdk-p1'));
  assert.match(added.data.product_id, /^\d+$/);
  assert.equal(added.data.out_product_id, 'sdk-p1');
  const skuId = added.data.skus[0]!.sku_id;
  assert.match(skuId ?? '', /^\d+$/);

  const draft = await client.spu.get({ product_id: added.data.product_id, need_edit_spu: 1 });
  assert.equal(draft.spu.product_id, added.data.product_id);
  assert.equal(draft.spu.edit_status, 2);
  assert.equal(draft.spu.skus[0]!.sku_id, skuId);

  await client.spu.delAudit({ out_product_id: 'sdk-p1' });
  assert.equal((await client.spu.get({ out_product_id: 'sdk-p1', need_edit_spu: 1 })).spu.edit_status, 1);

  const updated = await client.spu.update({ ...product('sdk-p1'), product_id: added.data.product_id, title: '积木套装 二代' });
  assert.equal(updated.data.product_id, added.data.product_id);

  const decided = await admin(running.url, 'POST', `/apps/${APPID}/products/audit`, { out_product_id: 'sdk-p1', decision: 'approve' });
  assert.equal(decided.status, 200, JSON.stringify(decided.json));
  const online = await client.spu.get({ out_product_id: 'sdk-p1' });
  assert.equal(online.spu.status, 5);
  assert.equal(online.spu.title, '积木套装 二代');

  await client.spu.updateWithoutAudit({ out_product_id: 'sdk-p1', skus: [{ out_sku_id: 'sdk-p1-S1', sale_price: 4900 }] });
  assert.equal((await client.spu.get({ out_product_id: 'sdk-p1' })).spu.skus[0]!.sale_price, 4900);

  await client.spu.delisting({ product_id: BigInt(added.data.product_id) });
  assert.equal((await client.spu.get({ out_product_id: 'sdk-p1' })).spu.status, 11);
  await client.spu.listing({ out_product_id: 'sdk-p1' });
  assert.equal((await client.spu.get({ out_product_id: 'sdk-p1' })).spu.status, 5);

  const list = await client.spu.getList({ page: 1, page_size: 10 });
  assert.ok(list.total_num >= 1);
  assert.ok(list.spus.some((spu) => spu.product_id === added.data.product_id));

  await client.spu.del({ out_product_id: 'sdk-p1' });
  await assert.rejects(client.spu.get({ out_product_id: 'sdk-p1' }), WxShopNotFoundError);
});

test('spu.add without out_product_id fails', async () => {
  const body = product('sdk-p2') as Record<string, unknown>;
  delete body.out_product_id;
  await assert.rejects(client.spu.add(body as never), (error: unknown) => {
    assert.ok(error instanceof WxShopValidationError);
    assert.equal(error.errcode, 1000001);
    return true;
  });
});

test('spu.get of unknown product fails', async () => {
  await assert.rejects(client.spu.get({ out_product_id: 'sdk-missing' }), (error: unknown) => {
    assert.ok(error instanceof WxShopNotFoundError);
    assert.equal(error.errcode, 1000011);
    assert.equal(error.retry, 'no');
    return true;
  });
});

test('client.request calls a path by name', async () => {
  const answer = await client.request<{ total_num: number }>('/shop/spu/get_list', { page: 1, page_size: 5 });
  assert.equal(typeof answer.total_num, 'number');
  await assert.rejects(client.request('/shop/spu/not_a_path'), (error: unknown) => {
    assert.ok(error instanceof WxShopNotFoundError);
    assert.equal(error.errcode, 40066);
    return true;
  });
});
