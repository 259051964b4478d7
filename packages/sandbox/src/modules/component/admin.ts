import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import { storedPayloadView } from '../../push/admin.js';
import { ComponentPushSettingsError, componentKey, type ComponentPushSettings } from '../../push/component.js';
import { findEvent, listDeliveriesOf, listEvents, requeueEvent, type DeliveryRow, type OutboxRow } from '../../push/store.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { ComponentInputError, TRANSACTION_COMPONENT_SET, type AuthorizationChange } from './service.js';
import type { PlatformRecord } from './store.js';

const PUSH_KEYS = ['url', 'token', 'encoding_aes_key'];

function componentPushView(settings: ComponentPushSettings) {
  return { url: settings.url, token: settings.token, encoding_aes_key: settings.encoding_aes_key, updated_at: settings.updated_at };
}

/** Shapes a push to a platform for the admin API, with its delivery attempts, oldest first. */
function componentEventView(event: OutboxRow, deliveries: DeliveryRow[]) {
  return {
    id: event.id,
    info_type: event.event,
    state: event.state,
    attempts: event.attempts,
    created_at: event.created_at,
    delivered_at: event.delivered_at,
    message: storedPayloadView(event.payload),
    deliveries: deliveries.filter((delivery) => delivery.event_id === event.id),
  };
}

const UPDATE_KEYS = ['func_info', 'pre_auth_code'];

function readFuncInfo(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((id) => Number.isSafeInteger(id) && id > 0)) {
    throw new AdminError(400, 'invalid_func_info', 'func_info must be a non-empty array of permission set ids, e.g. [85] for the transaction component');
  }
  return value as number[];
}

/** Runs a consent, turning a rejected pre_auth_code into a 400. */
async function consent<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ComponentInputError) throw new AdminError(400, 'invalid_authorization', error.message);
    throw error;
  }
}

/** Shapes the response to a consent: the authorization_code the redirect carries, and the notice pushed. */
function authorizationChangeView(authorizerAppid: string, change: AuthorizationChange) {
  return {
    authorizer_appid: authorizerAppid,
    authorization_code: change.code.value,
    expires_in: Math.floor((change.code.expires_at - change.code.issued_at) / 1000),
    info_type: change.info_type,
    event_id: change.event_id,
  };
}

function readLimit(value: string | undefined): number {
  const limit = value === undefined ? 100 : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AdminError(400, 'invalid_limit', 'limit must be an integer from 1 to 1000');
  return limit;
}

/** Shapes a platform for the admin API, secret included (the admin API is the owner's tool). */
function platformView(platform: PlatformRecord) {
  return { ...platform };
}

function readWhitelist(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((ip) => typeof ip === 'string' && (ip === '*' || isIP(ip) !== 0))) {
    throw new AdminError(400, 'invalid_ip_whitelist', 'ip_whitelist must be an array of IP addresses, or ["*"] to allow every caller');
  }
  return value as string[];
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AdminError(400, `invalid_${name}`, `${name} must be a string`);
  return value;
}

async function requirePlatform(services: Services, componentAppid: string): Promise<PlatformRecord> {
  const platform = await services.components.getPlatform(componentAppid);
  if (!platform) throw new AdminError(404, 'component_not_found', `No third-party platform ${componentAppid}`);
  return platform;
}

/** Admin API of third-party platforms: create one, set its push URL, push tickets, and act as the authorizing merchant. */
export function registerComponentAdmin(admin: FastifyInstance, services: Services): void {
  admin.get('/components', async () => ({ components: (await services.components.listPlatforms()).map(platformView) }));

  admin.post('/components', async (request, reply) => {
    const body = adminBody(request);
    try {
      const platform = await services.components.createPlatform(
        {
          component_appid: optionalString(body, 'component_appid'),
          secret: optionalString(body, 'secret'),
          name: optionalString(body, 'name'),
          ip_whitelist: body.ip_whitelist === undefined ? undefined : readWhitelist(body.ip_whitelist),
        },
        services.clock.now(),
      );
      const ticket = await services.components.latestTicket(platform.component_appid);
      return reply.code(201).send({ component: platformView(platform), component_verify_ticket: ticket?.value });
    } catch (error) {
      if (error instanceof ComponentInputError) throw new AdminError(400, 'invalid_component', error.message);
      throw error;
    }
  });

  admin.get<{ Params: { id: string } }>('/components/:id', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const ticket = await services.components.latestTicket(platform.component_appid);
    const authorizations = await services.components.listAuthorizations(platform.component_appid);
    return {
      component: platformView(platform),
      latest_ticket: ticket ? { component_verify_ticket: ticket.value, issued_at: ticket.issued_at, expires_at: ticket.expires_at } : null,
      authorizations,
    };
  });

  admin.put<{ Params: { id: string } }>('/components/:id/ip-whitelist', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const whitelist = readWhitelist(adminBody(request).ip_whitelist);
    await services.components.setWhitelist(platform.component_appid, whitelist);
    return { component: platformView({ ...platform, ip_whitelist: whitelist }) };
  });

  // Pushes a component_verify_ticket now, as the platform does every 10 minutes.
  admin.post<{ Params: { id: string } }>('/components/:id/ticket', async (request, reply) => {
    const platform = await requirePlatform(services, request.params.id);
    const ticket = await services.components.issueTicket(platform.component_appid, services.clock.now());
    return reply
      .code(201)
      .send({ component_verify_ticket: ticket.value, issued_at: ticket.issued_at, expires_at: ticket.expires_at, event_id: ticket.event_id });
  });

  admin.get<{ Params: { id: string } }>('/components/:id/push', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const settings = await services.push.getComponentSettings(platform.component_appid);
    return { push: settings ? componentPushView(settings) : null };
  });

  // The authorization-event URL with its token and EncodingAESKey; pushes go out XML, encrypted.
  admin.put<{ Params: { id: string } }>('/components/:id/push', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const body = adminBody(request);
    const unknown = Object.keys(body).filter((key) => !PUSH_KEYS.includes(key));
    if (unknown.length > 0) throw new AdminError(400, 'unknown_setting', `Unknown push settings ${unknown.join(', ')}; valid: ${PUSH_KEYS.join(', ')}`);
    const [url, token, key] = PUSH_KEYS.map((name) => optionalString(body, name));
    if (url === undefined || token === undefined || key === undefined) throw new AdminError(400, 'missing_setting', 'url, token and encoding_aes_key are required');
    try {
      const settings = await services.push.setComponentSettings(platform.component_appid, { url, token, encoding_aes_key: key });
      return { push: componentPushView(settings) };
    } catch (error) {
      if (error instanceof ComponentPushSettingsError) throw new AdminError(400, 'invalid_push_settings', error.message);
      throw error;
    }
  });

  admin.delete<{ Params: { id: string } }>('/components/:id/push', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    return { deleted: await services.push.deleteComponentSettings(platform.component_appid) };
  });

  // Pushes to the platform, newest first, with their delivery attempts.
  admin.get<{ Params: { id: string }; Querystring: { limit?: string } }>('/components/:id/push/events', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const key = componentKey(platform.component_appid);
    const events = await listEvents(services.storage.db, key, { limit: readLimit(request.query.limit) });
    const deliveries = await listDeliveriesOf(services.storage.db, key, events.map((event) => event.id));
    return { events: events.map((event) => componentEventView(event, deliveries)) };
  });

  // Sends a push again with a fresh round of attempts, and returns once they are made.
  admin.post<{ Params: { id: string; event: string } }>('/components/:id/push/events/:event/redeliver', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const key = componentKey(platform.component_appid);
    const id = Number(request.params.event);
    if (!Number.isSafeInteger(id) || id < 1) throw new AdminError(400, 'invalid_event_id', 'The event id must be a positive integer');
    if (!(await findEvent(services.storage.db, key, id))) throw new AdminError(404, 'event_not_found', `No push ${id} to ${platform.component_appid}`);
    if (!(await services.push.getComponentSettings(platform.component_appid))) {
      throw new AdminError(409, 'push_not_configured', `Third-party platform ${platform.component_appid} has no authorization-event URL`);
    }
    if (!(await requeueEvent(services.storage.db, key, id, Date.now()))) {
      throw new AdminError(409, 'event_delivering', 'The push is being delivered right now; try again when the attempts end');
    }
    await services.push.deliverOne(id);
    const event = await findEvent(services.storage.db, key, id);
    return { event: componentEventView(event!, await listDeliveriesOf(services.storage.db, key, [id])) };
  });

  // The merchant scans the consent page and authorizes the platform with the chosen permission sets.
  admin.post<{ Params: { id: string } }>('/components/:id/authorizations', async (request, reply) => {
    const platform = await requirePlatform(services, request.params.id);
    const body = adminBody(request);
    const authorizerAppid = optionalString(body, 'authorizer_appid');
    if (authorizerAppid === undefined) throw new AdminError(400, 'invalid_authorizer_appid', 'authorizer_appid is required');
    await requireApp(services, authorizerAppid);
    const funcInfo = readFuncInfo(body.func_info ?? [TRANSACTION_COMPONENT_SET]);
    const preAuthCode = optionalString(body, 'pre_auth_code');
    const change = await consent(() => services.components.authorize(platform.component_appid, authorizerAppid, funcInfo, preAuthCode, services.clock.now()));
    return reply.code(201).send(authorizationChangeView(authorizerAppid, change));
  });

  // The merchant changes the permission sets it grants, on the consent page again.
  admin.put<{ Params: { id: string; appid: string } }>('/components/:id/authorizations/:appid', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const body = adminBody(request);
    const unknown = Object.keys(body).filter((key) => !UPDATE_KEYS.includes(key));
    if (unknown.length > 0) throw new AdminError(400, 'unknown_field', `Unknown fields ${unknown.join(', ')}; valid: ${UPDATE_KEYS.join(', ')}`);
    if (body.func_info === undefined) throw new AdminError(400, 'invalid_func_info', 'func_info is required');
    const funcInfo = readFuncInfo(body.func_info);
    const preAuthCode = optionalString(body, 'pre_auth_code');
    const appid = request.params.appid;
    const change = await consent(() => services.components.updateAuthorization(platform.component_appid, appid, funcInfo, preAuthCode, services.clock.now()));
    if (!change) throw new AdminError(404, 'authorization_not_found', `${appid} has not authorized ${platform.component_appid}`);
    return authorizationChangeView(appid, change);
  });

  admin.delete<{ Params: { id: string; appid: string } }>('/components/:id/authorizations/:appid', async (request) => {
    const platform = await requirePlatform(services, request.params.id);
    const revoked = await services.components.revoke(platform.component_appid, request.params.appid, services.clock.now());
    if (!revoked) throw new AdminError(404, 'authorization_not_found', `${request.params.appid} has not authorized ${platform.component_appid}`);
    return { ok: true, info_type: 'unauthorized', event_id: revoked.event_id };
  });
}
