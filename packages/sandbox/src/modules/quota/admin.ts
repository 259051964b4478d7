import { findEndpoint } from '@wxshop/api';
import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { chinaDay, DEFAULT_DAILY_LIMIT, DEFAULT_MINUTE_LIMIT, DEFAULT_RATE_LIMIT, DOCUMENTED_DAILY_LIMITS, DOCUMENTED_MINUTE_LIMITS, type RateLimit } from './limits.js';
import { ALL_APPS, type QuotaSettings } from './store.js';

const MAX_LIMIT = 1_000_000_000;

/** Reads `daily_limits` or `minute_limits`: API path (or `*`) to a limit, or to null to remove it. */
function readPathLimits(name: 'daily_limits' | 'minute_limits', value: unknown): Record<string, number | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AdminError(400, `invalid_${name}`, `${name} must be an object of API path (or "*") to a limit, or to null to remove it`);
  }
  const limits: Record<string, number | null> = {};
  for (const [path, limit] of Object.entries(value)) {
    if (path !== '*' && !findEndpoint(path)) throw new AdminError(400, 'unknown_path', `${name} names ${path}, which is not a platform API path`);
    if (limit !== null && (!Number.isInteger(limit) || (limit as number) < 0 || (limit as number) > MAX_LIMIT)) {
      throw new AdminError(400, `invalid_${name}`, `${name}["${path}"] must be an integer from 0 to ${MAX_LIMIT}, or null`);
    }
    limits[path] = limit as number | null;
  }
  return limits;
}

function readRateLimit(value: unknown): RateLimit | null {
  if (value === null) return null;
  const input = value as Record<string, unknown>;
  const valid = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_LIMIT;
  if (typeof value !== 'object' || Array.isArray(value) || !valid(input.call_count) || !valid(input.refresh_second)) {
    throw new AdminError(400, 'invalid_rate_limit', 'rate_limit (the burst limit behind 300000) must be {call_count, refresh_second} with non-negative integers (call_count 0 turns it off), or null');
  }
  return { call_count: input.call_count as number, refresh_second: input.refresh_second as number };
}

/** Applies a PUT body to stored settings: listed paths are set (null removes one), the rest are kept. */
function mergeSettings(current: QuotaSettings, body: Record<string, unknown>): QuotaSettings {
  const unknown = Object.keys(body).filter((key) => key !== 'daily_limits' && key !== 'minute_limits' && key !== 'rate_limit');
  if (unknown.length > 0) throw new AdminError(400, 'unknown_setting', `Unknown settings ${unknown.join(', ')}; valid: daily_limits, minute_limits, rate_limit`);
  const next: QuotaSettings = { daily_limits: { ...current.daily_limits }, minute_limits: { ...current.minute_limits }, rate_limit: current.rate_limit };
  for (const name of ['daily_limits', 'minute_limits'] as const) {
    if (body[name] === undefined) continue;
    for (const [path, limit] of Object.entries(readPathLimits(name, body[name]))) {
      if (limit === null) delete next[name][path];
      else next[name][path] = limit;
    }
  }
  if (body.rate_limit !== undefined) next.rate_limit = readRateLimit(body.rate_limit);
  return next;
}

/** Admin API of quotas: per-app and sandbox-wide limits, today's usage, and resets. */
export function registerQuotaAdmin(admin: FastifyInstance, services: Services): void {
  const defaults = {
    default_daily_limit: DEFAULT_DAILY_LIMIT,
    documented_daily_limits: DOCUMENTED_DAILY_LIMITS,
    default_minute_limit: DEFAULT_MINUTE_LIMIT,
    documented_minute_limits: DOCUMENTED_MINUTE_LIMITS,
    default_rate_limit: DEFAULT_RATE_LIMIT,
  };

  admin.get('/quota', async () => ({ settings: await services.quota.settings(ALL_APPS), platform: defaults, counters: services.quota.counters.backend }));

  admin.put('/quota', async (request) => {
    const body = adminBody(request);
    const settings = await services.quota.updateSettings(ALL_APPS, (current) => mergeSettings(current, body));
    return { settings };
  });

  admin.get<{ Params: { appid: string } }>('/apps/:appid/quota', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const now = services.clock.now();
    return {
      appid: app.appid,
      settings: await services.quota.settings(app.appid),
      day: chinaDay(now),
      usage: await services.quota.usage(app.appid, now),
      minute_usage: await services.quota.minuteUsage(app.appid, now),
    };
  });

  admin.put<{ Params: { appid: string } }>('/apps/:appid/quota', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const settings = await services.quota.updateSettings(app.appid, (current) => mergeSettings(current, body));
    return { appid: app.appid, settings };
  });

  // Resets today's counts and this month's resets, as if the day had just begun.
  admin.delete<{ Params: { appid: string } }>('/apps/:appid/quota/usage', async (request) => {
    const app = await requireApp(services, request.params.appid);
    await services.quota.resetUsage(app.appid, services.clock.now());
    return { ok: true };
  });
}
