import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import type { SharerRecord } from './store.js';

const DECISIONS = ['accept', 'refuse', 'expire'] as const;

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new AdminError(400, `missing_${name}`, `${name} must be a non-empty string`);
  return value;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new AdminError(400, `invalid_${name}`, `${name} must be a non-empty string`);
  return value;
}

/** Shapes a sharer for the admin API: times in unix milliseconds, bind_status 0 for unbound. */
function sharerView(sharer: SharerRecord) {
  return {
    openid: sharer.openid,
    bind_status: sharer.bind_status,
    nickname: sharer.nickname,
    invited_time: sharer.invited_time,
    bind_time: sharer.bind_time,
    refuses_invites: sharer.refuses_invites,
  };
}

/** Registers the platform side of sharers: the invited user's decision, share actions, promoters. */
export function registerSharerAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string }; Querystring: { offset?: string; limit?: string } }>('/apps/:appid/sharers', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const offset = Number(request.query.offset ?? 0);
    const limit = Number(request.query.limit ?? 100);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
      throw new AdminError(400, 'invalid_paging', 'offset must be ≥ 0 and limit from 1 to 500');
    }
    const { total, items } = await services.sharers.listAll(app.appid, offset, limit);
    return { total, sharers: items.map(sharerView), share_mode: (await services.sharers.shareMode(app.appid)) ?? null };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/sharers/respond', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const decision = body.decision;
    if (typeof decision !== 'string' || !(DECISIONS as readonly string[]).includes(decision)) {
      throw new AdminError(400, 'invalid_decision', `decision must be one of ${DECISIONS.join(', ')}`);
    }
    if (body.refuse_future !== undefined && typeof body.refuse_future !== 'boolean') throw new AdminError(400, 'invalid_refuse_future', 'refuse_future must be a boolean');
    const sharer = await services.sharers.respond(
      app,
      requiredString(body, 'openid'),
      decision as (typeof DECISIONS)[number],
      { nickname: optionalString(body, 'nickname'), refuseFuture: body.refuse_future as boolean | undefined },
      services.clock.now(),
    );
    return { sharer: sharerView(sharer) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/sharers/share', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const type = body.type;
    if (type !== 1 && type !== 2 && type !== 3) throw new AdminError(400, 'invalid_type', 'type must be 1 (live room), 2 (product) or 3 (showcase)');
    const event = await services.sharers.shareAction(app, requiredString(body, 'openid'), type, optionalString(body, 'promoter_id'), services.clock.now());
    if (!event) throw new AdminError(404, 'promoter_not_found', 'No promoter with that promoter_id');
    return { event };
  });

  admin.get<{ Params: { appid: string } }>('/apps/:appid/promoters', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const { total, items } = await services.sharers.listPromoters(app.appid);
    return { total, promoters: items.map(({ finder_nickname, promoter_id, promoter_openid }) => ({ finder_nickname, promoter_id, promoter_openid })) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/promoters', async (request, reply) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const promoter = {
      finder_nickname: requiredString(body, 'finder_nickname'),
      promoter_id: optionalString(body, 'promoter_id') ?? `finder_${randomBytes(6).toString('hex')}`,
      promoter_openid: optionalString(body, 'promoter_openid') ?? randomBytes(21).toString('base64url'),
    };
    const record = await services.sharers.addPromoter(app, promoter, services.clock.now());
    if (!record) throw new AdminError(409, 'promoter_exists', 'A promoter with that promoter_id exists');
    return reply.code(201).send({ promoter });
  });
}
