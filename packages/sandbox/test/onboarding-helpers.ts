import assert from 'node:assert/strict';
import { explain } from '@wxshop/api';
import { admin, call, getToken, type WireResponse } from './helpers.js';

export { getToken };

/** Creates an app that starts before register/apply and returns its appid and a token. */
export async function newApp(url: string, registerSettings?: Record<string, unknown>): Promise<{ appid: string; secret: string; token: string }> {
  const created = await admin(url, 'POST', '/apps', { onboarded: false });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const { appid, secret } = created.json.app as { appid: string; secret: string };
  if (registerSettings) {
    const patched = await admin(url, 'PATCH', `/apps/${appid}/register`, registerSettings);
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
  }
  return { appid, secret, token: await getToken(url, appid, secret) };
}

/** Opens the component through the admin API, as the MP console does. */
export async function openComponent(url: string, appid: string): Promise<void> {
  const opened = await admin(url, 'POST', `/apps/${appid}/register/open`);
  assert.equal(opened.status, 200, JSON.stringify(opened.json));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Asserts the platform's error envelope: the code, the catalogue message (or `message`) and the rid. */
export function assertWireError(response: WireResponse, errcode: number, message?: string): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, errcode, response.text);
  const text = message ?? explain(errcode)?.message ?? '';
  assert.match(String(response.json.errmsg), new RegExp(`^${escape(text)} rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`), response.text);
}

export function assertOk(response: WireResponse): void {
  assert.equal(response.status, 200);
  assert.equal(response.json.errcode, 0, response.text);
}

export async function accessState(url: string, appid: string): Promise<string> {
  const response = await admin(url, 'GET', `/apps/${appid}/register`);
  assert.equal(response.status, 200);
  return response.json.access_state as string;
}

export async function events(url: string, appid: string, name: string): Promise<Record<string, any>[]> {
  const response = await admin(url, 'GET', `/apps/${appid}/events`);
  assert.equal(response.status, 200);
  return (response.json.events as { event: string; payload: Record<string, any> }[]).filter((row) => row.event === name).map((row) => row.payload);
}

/** Builds a complete own-brand, registered-mark (R) brand audit request. */
export function brandBody(wording: string, image: string, overrides: Record<string, unknown> = {}) {
  return {
    audit_req: {
      license: [image],
      brand_info: {
        brand_audit_type: 1,
        trademark_type: '28',
        brand_management_type: 1,
        commodity_origin_type: 2,
        brand_wording: wording,
        trademark_registration_certificate: [image],
        trademark_registrant: '沙箱玩具有限公司',
        trademark_registrant_nu: '12345678',
        trademark_authorization_period: '2030-12-31 23:59:59',
        ...overrides,
      },
      scene_group_list: [],
    },
  };
}

/** Builds a category audit request for 防晒霜 (130301), whose qualification is required. */
export function categoryBody(image: string, overrides: Record<string, unknown> = {}) {
  return {
    audit_req: {
      license: [image],
      category_info: { level1: 1301, level2: 1303, level3: 130301, certificate: [image], ...overrides },
      scene_group_list: [],
    },
  };
}

/** Builds a payment onboarding (进件) request of an enterprise. */
export function wxpayBody() {
  return {
    organization_type: '2',
    merchant_shortname: '沙箱小店',
    business_license_info: { legal_person: '张三', business_time: '["2020-01-01","长期"]', business_license_number: '91440300MA5DXXXX1X', merchant_name: '沙箱玩具有限公司' },
    id_doc_type: 'IDENTIFICATION_TYPE_MAINLAND_IDCARD',
    id_card_info: { id_card_name: '张三', id_card_number: '110101199001011234', id_card_valid_time: '2035-01-01' },
    contact_info: { contact_type: '65', contact_email: 'shop@example.com', mobile_phone: '13800000000' },
    account_info: { bank_account_type: '74', account_name: '沙箱玩具有限公司', account_number: '6222000000000000', account_bank: '工商银行', bank_address_code: '440300' },
  };
}

export { call };
