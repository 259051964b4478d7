import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody, adminQueryInt } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { adminAction, plain } from '../order/admin.js';
import { listAftersales, type EcDetail, type V1Detail } from './store.js';
import { ecView, v1View } from './view.js';

/** Registers the buyer's and the platform's side of v2 after-sales, and the console's lists of v2 and v1 after-sales. */
export function registerAftersaleAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string }; Querystring: { status?: string; offset?: string; limit?: string } }>('/apps/:appid/aftersales', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const status = adminQueryInt(request.query.status, 'status', 0, 2 ** 31 - 1, undefined);
    const limit = adminQueryInt(request.query.limit, 'limit', 1, 500, 100)!;
    const offset = adminQueryInt(request.query.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0)!;
    const items = await listAftersales<EcDetail>(services.storage.db, { appid: app.appid, generation: 2, status, offset, limit });
    return { aftersales: items.map((item) => plain(ecView(item))) };
  });

  // v1 after-sales are reported by the merchant over the wire; the platform side only reads them.
  admin.get<{ Params: { appid: string }; Querystring: { status?: string; offset?: string; limit?: string } }>('/apps/:appid/legacy-aftersales', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const status = adminQueryInt(request.query.status, 'status', 0, 2 ** 31 - 1, undefined);
    const limit = adminQueryInt(request.query.limit, 'limit', 1, 500, 100)!;
    const offset = adminQueryInt(request.query.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0)!;
    const items = await listAftersales<V1Detail>(services.storage.db, { appid: app.appid, generation: 1, status, offset, limit });
    return {
      aftersales: items.map((item) => plain({ aftersale_id: item.aftersale_id, ...v1View(item), created_at: item.created_at, updated_at: item.updated_at })),
    };
  });

  const buyerOperations = { update: 'update', cancel: 'cancel', return: 'return' } as const;
  for (const [name, operation] of Object.entries(buyerOperations)) {
    admin.post<{ Params: { appid: string; id: string } }>(`/apps/:appid/aftersales/:id/${name}`, async (request) => {
      const app = await requireApp(services, request.params.appid);
      const body = adminBody(request);
      requireAftersaleId(request.params.id);
      // A 2021 after-sale: the buyer can only withdraw it.
      if (operation === 'cancel' && (await services.legacyAftersales.find(app.appid, request.params.id))) {
        const record = await adminAction(() => services.legacyAftersales.buyerCancel(app, request.params.id, services.clock.now()));
        return { aftersale: plain({ aftersale_id: record.aftersale_id, ...v1View(record) }) };
      }
      const record = await adminAction(() => services.aftersales.asBuyer(app, request.params.id, operation, body as never, services.clock.now()));
      return { aftersale: plain(ecView(record)) };
    });
  }

  const platformOperations = {
    cancel_waybill: services.aftersales.cancelWaybill.bind(services.aftersales),
    fail_refund: services.aftersales.failRefund.bind(services.aftersales),
    confirm_certificate: services.aftersales.confirmCertificate.bind(services.aftersales),
  };
  for (const [name, run] of Object.entries(platformOperations)) {
    admin.post<{ Params: { appid: string; id: string } }>(`/apps/:appid/aftersales/:id/${name}`, async (request) => {
      const app = await requireApp(services, request.params.appid);
      requireAftersaleId(request.params.id);
      const record = await adminAction(() => run(app, request.params.id, services.clock.now()));
      return { aftersale: plain(ecView(record)) };
    });
  }
}

function requireAftersaleId(id: string): void {
  if (!/^\d{1,20}$/.test(id)) throw new AdminError(404, 'not_found', 'No such after-sale');
}
