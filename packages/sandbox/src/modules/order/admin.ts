import type { FastifyInstance } from 'fastify';
import { explain } from '@wxshop/api';
import { AdminError, adminBody, adminQueryInt } from '../../admin/router.js';
import { WireError } from '../../server/wire-error.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import type { AppRecord } from '../app/store.js';
import { hasNul, type JsonObject } from '../../server/fields.js';
import { ecView, v1View } from '../aftersale/view.js';
import { listOrders, type OrderKey } from './store.js';
import { orderView } from './view.js';

// A field named `id` or ending in `_id`.
const ID_FIELD = /(?:^|_)id$/;

/**
 * Converts a wire view for the admin API: every id becomes a string, so that a 19-digit order id
 * reads exactly in JavaScript and a client finds the same type in every id field.
 */
export function plain<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, item) => {
      if (typeof item === 'bigint') return item.toString();
      if (typeof item === 'number' && ID_FIELD.test(key)) return String(item);
      return item;
    }),
  );
}

/** Runs a platform-side action; refusals of the rules become 404 (unknown) or 409 (wrong state). */
export async function adminAction<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WireError && (error.errcode === 1010011 || error.errcode === 2747007)) throw new AdminError(404, 'not_found', 'No such order or after-sale');
    if (error instanceof WireError) throw new AdminError(409, error.rule, `Refused with errcode ${error.errcode}: ${error.wireMessage ?? explain(error.errcode)?.message ?? ''}`);
    throw error;
  }
}

/** Resolves an order named in the path by order_id or by out_order_id. */
async function orderKey(services: Services, app: AppRecord, id: string): Promise<OrderKey> {
  if (hasNul(id)) throw new AdminError(404, 'order_not_found', 'No such order');
  if (/^\d{1,20}$/.test(id) && (await services.orders.find(services.storage.db, app.appid, { order_id: id }))) return { order_id: id };
  return { out_order_id: id };
}

/** Registers the buyer's and the platform's side of orders, and the console's order list. */
export function registerOrderAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string }; Querystring: { status?: string; openid?: string; offset?: string; limit?: string } }>('/apps/:appid/orders', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const now = services.clock.now();
    await services.orders.expireDue(now);
    const status = adminQueryInt(request.query.status, 'status', 0, 2 ** 31 - 1, undefined);
    const limit = adminQueryInt(request.query.limit, 'limit', 1, 500, 100)!;
    const offset = adminQueryInt(request.query.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0)!;
    const { total, items } = await listOrders(services.storage.db, { appid: app.appid, status, openid: request.query.openid, ascending: false, offset, limit });
    return { total, orders: items.map((order) => plain(orderView(order, now, true))) };
  });

  admin.get<{ Params: { appid: string; id: string } }>('/apps/:appid/orders/:id', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const now = services.clock.now();
    const found = await services.orders.find(services.storage.db, app.appid, await orderKey(services, app, request.params.id));
    if (!found) throw new AdminError(404, 'order_not_found', 'No such order');
    const order = await services.orders.expireIfDue(found, now);
    const aftersales = (await services.aftersales.listForOrder(app.appid, order.order_id)).map(ecView);
    // The admin view adds the platform id of each 2021 after-sale, which aftersale/get does not return.
    const legacy = (await services.legacyAftersales.listForOrder(app.appid, order.order_id)).map((item) => ({ aftersale_id: item.aftersale_id, ...v1View(item) }));
    return { order: plain(orderView(order, now, true)), aftersales: plain(aftersales), legacy_aftersales: plain(legacy) };
  });

  const actions = {
    pay: (app: AppRecord, key: OrderKey, now: number) => services.orders.buyerPay(app, key, now),
    cancel: (app: AppRecord, key: OrderKey, now: number) => services.orders.buyerCancel(app, key, now),
    confirm: (app: AppRecord, key: OrderKey, now: number) => services.orders.buyerConfirm(app, key, now),
    settle: (app: AppRecord, key: OrderKey, now: number) => services.orders.settle(app, key, now),
  };
  for (const [name, run] of Object.entries(actions)) {
    admin.post<{ Params: { appid: string; id: string } }>(`/apps/:appid/orders/:id/${name}`, async (request) => {
      const app = await requireApp(services, request.params.appid);
      const now = services.clock.now();
      const key = await orderKey(services, app, request.params.id);
      const order = await adminAction(() => run(app, key, now));
      return { order: plain(orderView(order, now, true)) };
    });
  }

  // The buyer opens an after-sale on the order (the same rules as ecaftersale/add).
  admin.post<{ Params: { appid: string; id: string } }>('/apps/:appid/orders/:id/aftersales', async (request, reply) => {
    const app = await requireApp(services, request.params.appid);
    const now = services.clock.now();
    const key = await orderKey(services, app, request.params.id);
    const order = await services.orders.find(services.storage.db, app.appid, key);
    if (!order) throw new AdminError(404, 'order_not_found', 'No such order');
    const body = adminBody(request);
    const result = await adminAction(() => services.aftersales.add(app, { ...(body as JsonObject), order_id: order.order_id, out_order_id: order.out_order_id, openid: order.openid }, now));
    const aftersaleId = String(result.aftersale_id);
    const record = (await services.aftersales.listForOrder(app.appid, order.order_id)).find((item) => item.aftersale_id === aftersaleId)!;
    return reply.code(201).send({ aftersale: plain(ecView(record)) });
  });
}
