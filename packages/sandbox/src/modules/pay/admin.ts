import type { FastifyInstance } from 'fastify';
import { AdminError } from '../../admin/router.js';
import { hasNul } from '../../server/fields.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { platformAction } from '../funds/admin.js';
import { tradeView } from './service.js';

/** The buyer's side of the payment service: list trades and pay a combined order. */
export function registerPayAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string } }>('/apps/:appid/pay/trades', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { trades: await services.pay.list(app, services.clock.now()) };
  });

  admin.post<{ Params: { appid: string; trade: string } }>('/apps/:appid/pay/trades/:trade/pay', async (request) => {
    const app = await requireApp(services, request.params.appid);
    if (hasNul(request.params.trade)) throw new AdminError(404, 'not_found', 'No such trade');
    const paid = await platformAction(() => services.pay.buyerPay(app, request.params.trade, services.clock.now()));
    return { trades: paid.map(tradeView) };
  });
}
