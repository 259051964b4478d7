import assert from 'node:assert/strict';
import { admin, APPID, call, clockNow, getToken, RID_SUFFIX, startSandbox, type TestSandbox, type WireResponse } from './helpers.js';

/** Formats unix ms as the platform's `yyyy-MM-dd HH:mm:ss` in China time. */
export function chinaTime(ms: number): string {
  const iso = new Date(ms + 8 * 3600 * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** The openids of the app's built-in buyers, from the admin API. */
export async function buyers(url: string, appid = APPID): Promise<string[]> {
  const response = await admin(url, 'GET', `/apps/${appid}/buyers`);
  assert.equal(response.status, 200);
  return (response.json.buyers as { openid: string }[]).map((buyer) => buyer.openid);
}

/** A wire response whose body the test reads field by field, without a declared type. */
export type LooseResponse = Awaited<ReturnType<typeof call>> & { json: any };

/** A started sandbox with a token of the declared app and the app's first built-in buyer. */
export interface ShopSandbox {
  sb: TestSandbox;
  token: string;
  buyer: string;
}

/** Starts a sandbox on a fresh database and takes a token and the first built-in buyer. */
export async function startShop(): Promise<ShopSandbox> {
  const sb = await startSandbox();
  const token = await getToken(sb.url);
  const [buyer] = await buyers(sb.url);
  return { sb, token, buyer: buyer! };
}

/**
 * A 2022 (fund_type 1) order/add body that satisfies both price equations: two lines,
 * 2 × 1000 with 200 discount spread into the first line, freight 500.
 */
export async function v2Order(url: string, openid: string, outOrderId: string, overrides: Record<string, unknown> = {}) {
  const now = await clockNow(url);
  return {
    create_time: chinaTime(now),
    out_order_id: outOrderId,
    openid,
    path: `pages/order/detail?id=${outOrderId}`,
    fund_type: 1,
    expire_time: Math.floor(now / 1000) + 3600,
    order_detail: {
      product_infos: [
        { out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 2, sale_price: 1000, sku_real_price: 1800, path: 'pages/goods?id=P-1', title: '积木套装', head_img: 'https://mmecimage.cn/p/x/1' },
        { out_product_id: 'P-2', out_sku_id: 'S-2', product_cnt: 1, sale_price: 500, sku_real_price: 500, path: 'pages/goods?id=P-2', title: '拼图', head_img: 'https://mmecimage.cn/p/x/2' },
      ],
      pay_info: { pay_method_type: 0 },
      price_info: { order_price: 2800, freight: 500, discounted_price: 200, additional_price: 0 },
    },
    delivery_detail: { delivery_type: 1 },
    address_info: { receiver_name: '收件人A', detailed_address: '测试地址1号', tel_number: '13800000000', province: '广东省', city: '广州市', town: '天河区' },
    ...overrides,
  };
}

/** A 2021 (fund_type 0) order/add body: the merchant's own prepay, real_price per unit. */
export async function v1Order(url: string, openid: string, outOrderId: string, overrides: Record<string, unknown> = {}) {
  const now = await clockNow(url);
  return {
    create_time: chinaTime(now),
    out_order_id: outOrderId,
    openid,
    path: `pages/order/detail?id=${outOrderId}`,
    scene: 1177,
    order_detail: {
      product_infos: [{ out_product_id: 'P-1', out_sku_id: 'S-1', product_cnt: 3, sale_price: 1000, real_price: 900, path: 'pages/goods?id=P-1', title: '积木套装', head_img: 'https://mmecimage.cn/p/x/1' }],
      pay_info: { pay_method_type: 0, prepay_id: 'wx_prepay_0001', prepay_time: chinaTime(now) },
      price_info: { order_price: 2800, freight: 100, discounted_price: 300, additional_price: 0 },
    },
    delivery_detail: { delivery_type: 1 },
    address_info: { receiver_name: '收件人A', detailed_address: '测试地址1号', tel_number: '13800000000' },
    ...overrides,
  };
}

/** Asserts an error envelope: the errcode, the exact text before ` rid: …`, and the rid suffix. */
export function assertError(response: WireResponse, errcode: number, message: string): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, errcode, response.text);
  const errmsg = String(response.json.errmsg);
  assert.match(errmsg, RID_SUFFIX, errmsg);
  assert.equal(errmsg.replace(RID_SUFFIX, ''), message);
}

/** Asserts an error sent without a rid (several ecaftersale codes): the errcode and the exact errmsg. */
export function assertBareError(response: WireResponse, errcode: number, errmsg: string): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, errcode, response.text);
  assert.equal(response.json.errmsg, errmsg);
  assert.doesNotMatch(String(response.json.errmsg), RID_SUFFIX);
}

/** Adds an order and returns its order_id as a decimal string. */
export async function addOrder(url: string, token: string, body: unknown): Promise<string> {
  const response = await call(url, '/shop/order/add', body, { token });
  assert.equal(response.json.errcode, 0, response.text);
  return String((response.json.data as Record<string, unknown>).order_id);
}

/** Reads an order through order/get. */
export async function getOrder(url: string, token: string, outOrderId: string, openid: string): Promise<Record<string, any>> {
  const response = await call(url, '/shop/order/get', { out_order_id: outOrderId, openid }, { token });
  assert.equal(response.json.errcode, 0, response.text);
  return response.json.order as Record<string, any>;
}
