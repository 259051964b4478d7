import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { COUPON_FAULT_CODES, type CouponFaultStep } from './faults.js';
import { couponView, stockView, userCouponView } from './view.js';

const USER_COUPON_ACTIONS = ['use', 'unuse', 'expire', 'discard'] as const;
const ADMIN_PAGE_MAX = 500;

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new AdminError(400, `missing_${name}`, `${name} must be a non-empty string`);
  return value;
}

function paging(query: { offset?: string; limit?: string }): { offset: number; limit: number } {
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  const limit = query.limit === undefined ? 100 : Number(query.limit);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new AdminError(400, 'invalid_offset', 'offset must be a non-negative integer');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > ADMIN_PAGE_MAX) throw new AdminError(400, 'invalid_limit', `limit must be an integer from 1 to ${ADMIN_PAGE_MAX}`);
  return { offset, limit };
}

function settingsView(settings: { callback_url: string | null; callback_timeout_ms: number; confirmed_at: number | null }) {
  return { callback_url: settings.callback_url, callback_timeout_ms: settings.callback_timeout_ms, confirmed_at: settings.confirmed_at };
}

/** The platform side of coupons: callback settings, user claims and redemptions, listings, faults. */
export function registerCouponAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string } }>('/apps/:appid/coupon-settings', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { settings: settingsView(await services.coupons.settings(app.appid)) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/coupon-settings', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const url = body.callback_url;
    if (url !== undefined && url !== null) {
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new AdminError(400, 'invalid_callback_url', 'callback_url must be an http(s) URL or null');
    }
    const timeout = body.callback_timeout_ms;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 1 || timeout > 60000)) {
      throw new AdminError(400, 'invalid_callback_timeout_ms', 'callback_timeout_ms must be an integer from 1 to 60000');
    }
    let settings = await services.coupons.setCallback(app.appid, url as string | null | undefined, timeout as number | undefined);
    if (body.confirmed !== undefined) {
      if (typeof body.confirmed !== 'boolean') throw new AdminError(400, 'invalid_confirmed', 'confirmed must be a boolean');
      settings = await services.coupons.markConfirmed(app.appid, body.confirmed, services.clock.now());
    }
    return { settings: settingsView(settings) };
  });

  admin.get<{ Params: { appid: string }; Querystring: { offset?: string; limit?: string } }>('/apps/:appid/coupons', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const { offset, limit } = paging(request.query);
    const { total, items } = await services.coupons.listAll(app.appid, offset, limit);
    return { total, coupons: items.map((coupon) => ({ coupon: couponView(coupon), coupon_stock: stockView(coupon) ?? null })) };
  });

  admin.get<{ Params: { appid: string }; Querystring: { offset?: string; limit?: string; openid?: string; out_coupon_id?: string } }>(
    '/apps/:appid/user-coupons',
    async (request) => {
      const app = await requireApp(services, request.params.appid);
      const { offset, limit } = paging(request.query);
      const filter = { openid: request.query.openid || undefined, out_coupon_id: request.query.out_coupon_id || undefined };
      const { total, items } = await services.userCoupons.listAll(app.appid, filter, offset, limit);
      return { total, user_coupons: items.map(userCouponView) };
    },
  );

  admin.post<{ Params: { appid: string } }>('/apps/:appid/coupons/claim', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const requestId = typeof body.request_id === 'string' && body.request_id !== '' ? body.request_id : randomBytes(12).toString('hex');
    const record = await services.userCoupons.claim(app, requiredString(body, 'openid'), requiredString(body, 'out_coupon_id'), requestId, services.clock.now());
    return { request_id: requestId, user_coupon: userCouponView(record) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/user-coupons/status', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const action = body.action;
    if (typeof action !== 'string' || !(USER_COUPON_ACTIONS as readonly string[]).includes(action)) {
      throw new AdminError(400, 'invalid_action', `action must be one of ${USER_COUPON_ACTIONS.join(', ')}`);
    }
    const record = await services.userCoupons.changeStatus(
      app,
      requiredString(body, 'out_coupon_id'),
      requiredString(body, 'out_user_coupon_id'),
      action as (typeof USER_COUPON_ACTIONS)[number],
      services.clock.now(),
    );
    return { user_coupon: userCouponView(record) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/coupons/faults', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const step = body.step;
    if (typeof step !== 'string' || !Object.prototype.hasOwnProperty.call(COUPON_FAULT_CODES, step)) {
      throw new AdminError(400, 'invalid_step', `step must be one of ${Object.keys(COUPON_FAULT_CODES).join(', ')}`);
    }
    const count = body.count ?? 1;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > 1000) {
      throw new AdminError(400, 'invalid_count', 'count must be an integer from 0 to 1000');
    }
    await services.coupons.faults.arm(app.appid, step as CouponFaultStep, count);
    return { step, errcode: COUPON_FAULT_CODES[step as CouponFaultStep], count };
  });

  // Every fault step of the app with its errcode and the calls it still fails (0 when not armed).
  admin.get<{ Params: { appid: string } }>('/apps/:appid/coupons/faults', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const armed = await services.coupons.faults.list(app.appid);
    return {
      faults: (Object.keys(COUPON_FAULT_CODES) as CouponFaultStep[]).map((step) => ({ step, errcode: COUPON_FAULT_CODES[step], remaining: armed[step] ?? 0 })),
    };
  });
}
