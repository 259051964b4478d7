import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';

/** Buyers of an app: list, create, and issue a trace_id as the mini program's pre-order check would. */
export function registerBuyerAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string } }>('/apps/:appid/buyers', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { buyers: await services.buyers.list(app.appid) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/buyers', async (request, reply) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    for (const key of ['nickname', 'person']) {
      if (body[key] !== undefined && (typeof body[key] !== 'string' || body[key] === '')) throw new AdminError(400, `invalid_${key}`, `${key} must be a non-empty string`);
    }
    const buyer = await services.buyers.create(app.appid, { nickname: body.nickname as string | undefined, person: body.person as string | undefined }, services.clock.now());
    return reply.code(201).send({ buyer });
  });

  admin.post<{ Params: { appid: string; openid: string } }>('/apps/:appid/buyers/:openid/trace_id', async (request) => {
    const app = await requireApp(services, request.params.appid);
    if (!(await services.buyers.isBuyer(services.storage.db, app.appid, request.params.openid))) {
      throw new AdminError(404, 'buyer_not_found', `No buyer ${request.params.openid} in app ${app.appid}`);
    }
    return { trace_id: await services.buyers.issueTraceId(app.appid, request.params.openid, services.clock.now()) };
  });
}
