import type { FastifyInstance } from 'fastify';
import { parseJson } from '@wxshop/api';
import { AdminError, adminBody } from '../../admin/router.js';
import { storedPayloadView } from '../../push/admin.js';
import type { Services } from '../../services.js';
import { AppExistsError, AppInputError } from './service.js';
import { MAX_AUDIT_DELAY_SECONDS, type AccountInfo, type AppSettings, type ReviewerPolicy } from './settings.js';
import type { AccessState, AppRecord } from './store.js';

/** Maximum refund delay the settings accept: 30 days, in sandbox seconds. */
const MAX_REFUND_DELAY_SECONDS = 30 * 86400;

/** Shapes an app for the admin API, secret included, because the admin API is the owner's tool. */
export function appView(app: AppRecord) {
  return {
    appid: app.appid,
    secret: app.secret,
    name: app.name,
    username: app.username,
    access_state: app.access_state,
    settings: app.settings,
    created_at: app.created_at,
  };
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AdminError(400, `invalid_${name}`, `${name} must be a string`);
  return value;
}

function readReviewer(value: unknown, current: ReviewerPolicy): ReviewerPolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AdminError(400, 'invalid_reviewer', 'reviewer must be an object');
  const input = value as Record<string, unknown>;
  const next = { ...current };
  if (input.mode !== undefined) {
    if (input.mode !== 'auto' && input.mode !== 'manual') throw new AdminError(400, 'invalid_reviewer', 'reviewer.mode must be "auto" or "manual"');
    next.mode = input.mode;
  }
  if (input.delay_seconds !== undefined) {
    const delay = input.delay_seconds;
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0 || delay > MAX_AUDIT_DELAY_SECONDS) {
      throw new AdminError(400, 'invalid_reviewer', `reviewer.delay_seconds must be a number from 0 to ${MAX_AUDIT_DELAY_SECONDS} (10 years)`);
    }
    next.delay_seconds = delay;
  }
  if (input.auto_list !== undefined) {
    if (typeof input.auto_list !== 'boolean') throw new AdminError(400, 'invalid_reviewer', 'reviewer.auto_list must be a boolean');
    next.auto_list = input.auto_list;
  }
  if (input.reject_rules !== undefined) {
    if (!Array.isArray(input.reject_rules)) throw new AdminError(400, 'invalid_reviewer', 'reviewer.reject_rules must be an array');
    next.reject_rules = input.reject_rules.map((rule) => {
      const item = rule as Record<string, unknown>;
      if (typeof item?.title_contains !== 'string' || item.title_contains === '' || typeof item.reason !== 'string') {
        throw new AdminError(400, 'invalid_reviewer', 'each reject rule needs a non-empty title_contains and a reason string');
      }
      return { title_contains: item.title_contains, reason: item.reason };
    });
  }
  return next;
}

/** The merchant profile that account/update_info sets; null clears it (spu/add then returns 1040042). */
function readAccountInfo(value: unknown): AccountInfo | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AdminError(400, 'invalid_account_info', 'account_info must be an object or null');
  const input = value as Record<string, unknown>;
  const types = input.service_agent_type ?? [];
  if (!Array.isArray(types) || !types.every((type) => type === 0 || type === 1 || type === 2)) {
    throw new AdminError(400, 'invalid_account_info', 'account_info.service_agent_type must be an array of 0, 1 and 2');
  }
  return {
    service_agent_path: typeof input.service_agent_path === 'string' ? input.service_agent_path : '',
    service_agent_phone: typeof input.service_agent_phone === 'string' ? input.service_agent_phone : '',
    service_agent_type: types as number[],
    default_receiving_address: null,
  };
}

export function registerAppAdmin(admin: FastifyInstance, services: Services): void {
  admin.get('/apps', async () => ({ apps: (await services.apps.list()).map(appView) }));

  admin.post('/apps', async (request, reply) => {
    const body = adminBody(request);
    const onboarded = body.onboarded;
    if (onboarded !== undefined && typeof onboarded !== 'boolean') throw new AdminError(400, 'invalid_onboarded', 'onboarded must be a boolean');
    try {
      const app = await services.apps.create(
        { appid: optionalString(body, 'appid'), secret: optionalString(body, 'secret'), name: optionalString(body, 'name'), onboarded },
        services.clock.now(),
      );
      return reply.code(201).send({ app: appView(app) });
    } catch (error) {
      if (error instanceof AppInputError) throw new AdminError(400, 'invalid_app', error.message);
      if (error instanceof AppExistsError) throw new AdminError(409, 'app_exists', error.message);
      throw error;
    }
  });

  admin.get<{ Params: { appid: string } }>('/apps/:appid', async (request) => ({ app: appView(await requireApp(services, request.params.appid)) }));

  admin.patch<{ Params: { appid: string } }>('/apps/:appid/settings', async (request) => {
    const body = adminBody(request);
    const known = ['reviewer', 'deposit_ok', 'opened_scene_groups', 'account_info', 'external_image_errcode', 'strict_duplicates', 'refund_delay_seconds'];
    const unknown = Object.keys(body).filter((key) => !known.includes(key));
    if (unknown.length > 0) throw new AdminError(400, 'unknown_setting', `Unknown settings ${unknown.join(', ')}; valid: ${known.join(', ')}`);
    const current = await requireApp(services, request.params.appid);
    const settings: AppSettings = { ...current.settings };
    if (body.reviewer !== undefined) settings.reviewer = readReviewer(body.reviewer, current.settings.reviewer);
    if (body.deposit_ok !== undefined) {
      if (typeof body.deposit_ok !== 'boolean') throw new AdminError(400, 'invalid_deposit_ok', 'deposit_ok must be a boolean');
      settings.deposit_ok = body.deposit_ok;
    }
    if (body.external_image_errcode !== undefined) {
      if (body.external_image_errcode !== 1070010 && body.external_image_errcode !== 1070013) {
        throw new AdminError(400, 'invalid_external_image_errcode', 'external_image_errcode must be 1070010 or 1070013');
      }
      settings.external_image_errcode = body.external_image_errcode;
    }
    if (body.strict_duplicates !== undefined) {
      if (typeof body.strict_duplicates !== 'boolean') throw new AdminError(400, 'invalid_strict_duplicates', 'strict_duplicates must be a boolean');
      settings.strict_duplicates = body.strict_duplicates;
    }
    if (body.refund_delay_seconds !== undefined) {
      const delay = body.refund_delay_seconds;
      if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0 || delay > MAX_REFUND_DELAY_SECONDS) {
        throw new AdminError(400, 'invalid_refund_delay_seconds', `refund_delay_seconds must be a number from 0 to ${MAX_REFUND_DELAY_SECONDS}`);
      }
      settings.refund_delay_seconds = delay;
    }
    if (body.opened_scene_groups !== undefined) {
      const groups = body.opened_scene_groups;
      if (!Array.isArray(groups) || !groups.every((group) => Number.isInteger(group))) {
        throw new AdminError(400, 'invalid_opened_scene_groups', 'opened_scene_groups must be an array of integers');
      }
      settings.opened_scene_groups = groups as number[];
    }
    if (body.account_info !== undefined) settings.account_info = readAccountInfo(body.account_info);
    const updated = await services.apps.updateSettings(current.appid, () => settings);
    return { app: appView(updated!) };
  });

  // The platform side of opening or closing the custom component for an app.
  admin.put<{ Params: { appid: string } }>('/apps/:appid/access', async (request) => {
    const body = adminBody(request);
    const states = ['not_applied', 'pending_agreement', 'accessed', 'banned'];
    if (typeof body.state !== 'string' || !states.includes(body.state)) {
      throw new AdminError(400, 'invalid_state', `state must be one of ${states.join(', ')}`);
    }
    const app = await services.apps.setAccessState(request.params.appid, body.state as AccessState);
    if (!app) throw new AdminError(404, 'app_not_found', `No app ${request.params.appid}`);
    return { app: appView(app) };
  });

  admin.get<{ Params: { appid: string }; Querystring: { limit?: string } }>('/apps/:appid/requests', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AdminError(400, 'invalid_limit', 'limit must be an integer from 1 to 1000');
    await services.requestLog.flush();
    const rows = await services.requestLog.db
      .selectFrom('request_log')
      .selectAll()
      .where('appid', '=', app.appid)
      .orderBy('invoke_time', 'desc')
      .limit(limit)
      .execute();
    return { requests: rows };
  });

  admin.get<{ Params: { appid: string } }>('/apps/:appid/events', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const rows = await services.storage.db.selectFrom('outbox').selectAll().where('appid', '=', app.appid).orderBy('id').execute();
    return { events: rows.map((row) => ({ ...row, id: Number(row.id), payload: storedPayloadView(row.payload) })) };
  });
}

export async function requireApp(services: Services, appid: string): Promise<AppRecord> {
  const app = await services.apps.get(appid);
  if (!app) throw new AdminError(404, 'app_not_found', `No app ${appid}`);
  return app;
}

