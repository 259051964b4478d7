import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admin, APPID } from './helpers.js';

/** The person key of test buyer `n`; the admin API derives the buyer's openid from it. */
function person(n: number): string {
  return `test-user-${n}`;
}

/**
 * The openid of test buyer `n` under `appid`, as the sandbox derives it (sha256 of appid and
 * person). It is a buyer of the app only once `registerBuyers` created it.
 */
export function openid(n: number, appid = APPID): string {
  return `o${createHash('sha256').update(`${appid}:${person(n)}`).digest('base64url').slice(0, 27)}`;
}

/** Creates test buyers `numbers` in the app through the admin API and checks their openids. */
export async function registerBuyers(url: string, numbers: number[], appid = APPID): Promise<void> {
  for (const n of numbers) {
    const created = await admin(url, 'POST', `/apps/${appid}/buyers`, { person: person(n) });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.buyer.openid, openid(n, appid));
  }
}

/** The numbers from `from` to `to`, both included. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

/** Builds a valid shop/coupon/add body: a shop-wide direct reduction (type 104), no products needed. */
export function couponBody(outCouponId: string, nowSeconds: number, overrides: { total?: number; info?: Record<string, unknown>; coupon?: Record<string, unknown> } = {}) {
  return {
    coupon: {
      out_coupon_id: outCouponId,
      type: 104,
      promote_type: 4,
      coupon_info: {
        name: '店铺直减券',
        promote_info: { promote_type: 4, finder: { nickname: '视频号小店' } },
        discount_info: { discount_fee: 500 },
        receive_info: { start_time: nowSeconds - 60, end_time: nowSeconds + 30 * 86400, limit_num_one_person: 1, total_num: overrides.total ?? 100 },
        valid_info: { valid_type: 2, valid_day_num: 7 },
        ...overrides.info,
      },
      ...overrides.coupon,
    },
  };
}

/** Marks the coupon handshake as passed through the admin API. */
export async function confirmCoupons(url: string, appid = APPID): Promise<void> {
  const response = await admin(url, 'POST', `/apps/${appid}/coupon-settings`, { confirmed: true });
  assert.equal(response.status, 200, JSON.stringify(response.json));
}

export type CallbackHandler = (body: Record<string, unknown>, res: ServerResponse) => void;

/** A merchant callback endpoint on 127.0.0.1 whose reply each test decides. */
export interface MerchantCallback {
  url: string;
  received: Record<string, unknown>[];
  answer(handler: CallbackHandler): void;
  close(): Promise<void>;
}

export async function startMerchantCallback(): Promise<MerchantCallback> {
  const received: Record<string, unknown>[] = [];
  let handler: CallbackHandler = (_body, res) => res.end('{}');
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // Left empty; the test checks what arrived.
      }
      received.push(body);
      handler(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wx/callback`,
    received,
    answer(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The reply the confirm test call expects. */
export const CONFIRM_REPLY = {
  out_user_coupon_id: 'test_coupon_user_coupon_id',
  request_id: 'test_coupon_request_id',
  ret_code: 0,
  out_coupon_id: 'test_coupon',
};
