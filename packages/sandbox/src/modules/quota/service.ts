import { findEndpoint } from '@wxshop/api';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { Counters } from '../../storage/counters.js';
import type { RequestLog } from '../../server/request-log.js';
import { RID_PATTERN } from '../../server/rid.js';
import { field, hasNul, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import {
  chinaDay,
  chinaMonth,
  CLEARS_PER_MONTH,
  DEFAULT_DAILY_LIMIT,
  DEFAULT_MINUTE_LIMIT,
  DEFAULT_RATE_LIMIT,
  DOCUMENTED_DAILY_LIMITS,
  DOCUMENTED_MINUTE_LIMITS,
  MINUTE_WINDOW_SECONDS,
  nextChinaDayStart,
  nextChinaMonthStart,
  SINGLE_CLEARS_PER_MONTH,
  type RateLimit,
} from './limits.js';
import { ALL_APPS, findLoggedRequest, findQuotaSettings, saveQuotaSettings, type LoggedRequest, type QuotaSettings } from './store.js';

/** rid lookups reach back 7 days of sandbox time, as on the platform. */
export const RID_RETENTION_MS = 7 * 24 * 3600 * 1000;

// Settings change rarely and every wire request reads them; other instances see a change within this time.
const SETTINGS_CACHE_TTL_MS = 1000;

/** One API's quota as `/cgi-bin/openapi/quota/get` reports it. */
export interface QuotaView {
  quota: { daily_limit: number; used: number; remain: number };
  rate_limit: RateLimit;
  component_rate_limit: RateLimit;
}

/** Daily quotas per app and API, the frequency limit, quota resets and rid lookups. */
export class QuotaService {
  private readonly cache = new Map<string, { settings: QuotaSettings; fetchedAt: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    readonly counters: Counters,
    private readonly requestLog: RequestLog,
    private readonly appExists: (appid: string) => Promise<boolean>,
  ) {}

  /**
   * Step 5 of the pipeline: counts a call against the quota of its app. Calls with a token count
   * for the token's app; `/cgi-bin/token` and `/cgi-bin/stable_token` count for the appid they
   * name when that app exists. Other calls without a token are not counted.
   */
  async admitCall(appid: string | undefined, path: string, query: URLSearchParams, body: JsonObject, now: number): Promise<void> {
    let counted = appid;
    if (counted === undefined) {
      const named = path === '/cgi-bin/token' ? query.get('appid') : path === '/cgi-bin/stable_token' ? field(body, 'appid') : undefined;
      if (typeof named !== 'string' || named === '' || hasNul(named) || !(await this.appExists(named))) return;
      counted = named;
    }
    await this.admit(counted, path, now);
  }

  /**
   * Counts one call of `path` by `appid` and rejects it with 45009 once today's quota of the path
   * is used up, with 45011 once this minute's calls of the path reach its per-minute limit, or
   * with 300000 when a `/shop/*` call exceeds the app's burst limit, in that order. A call
   * rejected with 45009 does not count; one rejected with 45011 has counted toward the day.
   * Minutes are those of the sandbox clock, so clock/advance starts a new one.
   */
  async admit(appid: string, path: string, now: number): Promise<void> {
    const [settings, defaults] = await Promise.all([this.cachedSettings(appid), this.cachedSettings(ALL_APPS)]);
    const limit = dailyLimit(path, settings, defaults);
    const used = await this.counters.take(dayScope(appid, now), path, limit, nextChinaDayStart(now), now);
    if (used === undefined) throw new WireError(45009, 'quota.daily_limit');

    // A minute limit at or above the daily limit cannot bind before the daily quota does, so such
    // a window (the default one included) is not counted, which spares a counter write per call.
    // NOTE: after a quota reset within the same minute, such a window is not enforced exactly.
    const perMinute = minuteLimit(path, settings, defaults);
    if (perMinute < limit) {
      const windowMs = MINUTE_WINDOW_SECONDS * 1000;
      const minute = Math.floor(now / windowMs);
      const inMinute = await this.counters.take(minuteScope(appid, minute), path, perMinute, (minute + 1) * windowMs, now);
      if (inMinute === undefined) throw new WireError(45011, 'quota.minute_limit');
    }

    // 300000 is a code of the transaction component, so the frequency limit covers `/shop/*` only.
    const rate = settings.rate_limit ?? defaults.rate_limit ?? DEFAULT_RATE_LIMIT;
    if (path.startsWith('/shop/') && rate.call_count > 0 && rate.refresh_second > 0) {
      const windowMs = rate.refresh_second * 1000;
      const window = Math.floor(now / windowMs);
      const inWindow = await this.counters.take(`rate:${appid}:${window}`, 'calls', rate.call_count, (window + 1) * windowMs, now);
      if (inWindow === undefined) throw new WireError(300000, 'quota.frequency_limit');
    }
  }

  /** `/cgi-bin/openapi/quota/get`: the quota of one API of the calling app. */
  async describe(appid: string, cgiPath: unknown, now: number, component: boolean): Promise<QuotaView> {
    const path = checkCgiPath(cgiPath, component);
    const [settings, defaults] = await Promise.all([findQuotaSettings(this.db, appid), findQuotaSettings(this.db, ALL_APPS)]);
    const daily_limit = dailyLimit(path, settings, defaults);
    const used = await this.counters.read(dayScope(appid, now), path);
    return {
      quota: { daily_limit, used, remain: Math.max(0, daily_limit - used) },
      // The per-minute limit behind 45011, in the platform's terms.
      rate_limit: { call_count: minuteLimit(path, settings, defaults), refresh_second: MINUTE_WINDOW_SECONDS },
      // The sandbox keeps no separate limit for calls a third-party platform makes on the app's behalf.
      component_rate_limit: { call_count: 0, refresh_second: 0 },
    };
  }

  /**
   * `/cgi-bin/clear_quota` and `/v2`: resets today's counts of every API of the app. Only a
   * successful reset uses one of the month's 10; the eleventh gets 48006.
   */
  async clearAll(appid: string, now: number): Promise<void> {
    const month = chinaMonth(now);
    const taken = await this.counters.take(`clears:${appid}:${month}`, 'clear_quota', CLEARS_PER_MONTH, nextChinaMonthStart(now), now);
    if (taken === undefined) throw new WireError(48006, 'quota.clear.monthly_limit');
    await this.counters.clear(dayScope(appid, now));
  }

  /** `/cgi-bin/openapi/quota/clear`: resets today's count of one API, 50 times a month. */
  async clearOne(appid: string, cgiPath: unknown, now: number, component: boolean): Promise<void> {
    const path = checkCgiPath(cgiPath, component);
    const taken = await this.counters.take(`clears:${appid}:${chinaMonth(now)}`, 'quota_clear', SINGLE_CLEARS_PER_MONTH, nextChinaMonthStart(now), now);
    // NOTE: the platform lists 45009 among quota/clear's errors; using it for the monthly cap is our reading.
    if (taken === undefined) throw new WireError(45009, 'quota.clear_one.monthly_limit');
    await this.counters.clear(dayScope(appid, now), path);
  }

  /** `/cgi-bin/openapi/rid/get`: a logged request of the same app from the last 7 days. */
  async lookupRid(appid: string, rid: unknown, now: number) {
    if (typeof rid !== 'string' || !RID_PATTERN.test(rid)) throw new WireError(76002, 'rid.malformed');
    // Log rows are written in batches; the row of a request served a moment ago may still be pending.
    await this.requestLog.flush();
    const row = await findLoggedRequest(this.requestLog.db, rid);
    if (!row || row.invoke_time < now - RID_RETENTION_MS) throw new WireError(76001, 'rid.not_found');
    // A request refused before its app was known (a wrong secret, a bad token) is logged without
    // one. A token request still names its app, and any other such request belongs to no account.
    const owner = row.appid ?? tokenRequestAppid(row);
    if (owner === undefined) throw new WireError(76001, 'rid.no_account');
    if (owner !== appid) throw new WireError(76003, 'rid.other_account');
    return {
      invoke_time: Math.floor(row.invoke_time / 1000),
      cost_in_ms: row.cost_ms,
      request_url: row.query,
      request_body: row.request_body,
      response_body: row.response_body,
      client_ip: row.client_ip,
    };
  }

  /** Quota settings of an app (or of every app with `*`), as stored. */
  settings(appid: string): Promise<QuotaSettings> {
    return findQuotaSettings(this.db, appid);
  }

  async updateSettings(appid: string, update: (current: QuotaSettings) => QuotaSettings): Promise<QuotaSettings> {
    const next = update(await findQuotaSettings(this.db, appid));
    await saveQuotaSettings(this.db, appid, next);
    this.cache.clear();
    return next;
  }

  /** Today's counts of the app, by path. */
  usage(appid: string, now: number): Promise<Record<string, number>> {
    return this.counters.readAll(dayScope(appid, now));
  }

  /** This minute's counts of the app, by path; only paths whose minute limit is counted appear. */
  minuteUsage(appid: string, now: number): Promise<Record<string, number>> {
    return this.counters.readAll(minuteScope(appid, Math.floor(now / (MINUTE_WINDOW_SECONDS * 1000))));
  }

  /** Resets today's counts (and this minute's) of the app without using a monthly reset (admin API). */
  async resetUsage(appid: string, now: number): Promise<void> {
    await this.counters.clear(minuteScope(appid, Math.floor(now / (MINUTE_WINDOW_SECONDS * 1000))));
    await this.counters.clear(dayScope(appid, now));
    await this.counters.clear(`clears:${appid}:${chinaMonth(now)}`);
  }

  clearCache(): void {
    this.cache.clear();
  }

  private async cachedSettings(appid: string): Promise<QuotaSettings> {
    const cached = this.cache.get(appid);
    const wallNow = Date.now();
    if (cached && wallNow - cached.fetchedAt < SETTINGS_CACHE_TTL_MS) return cached.settings;
    const settings = await findQuotaSettings(this.db, appid);
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(appid, { settings, fetchedAt: wallNow });
    return settings;
  }
}

function dayScope(appid: string, now: number): string {
  return `quota:${appid}:${chinaDay(now)}`;
}

function minuteScope(appid: string, minute: number): string {
  return `minute:${appid}:${minute}`;
}

/** Returns a path's per-minute limit: the app's override, else the sandbox-wide one, else the documented or default limit. */
export function minuteLimit(path: string, app: QuotaSettings, all: QuotaSettings): number {
  return (
    app.minute_limits[path] ?? app.minute_limits['*'] ?? all.minute_limits[path] ?? all.minute_limits['*'] ?? DOCUMENTED_MINUTE_LIMITS[path] ?? DEFAULT_MINUTE_LIMIT
  );
}

/** The daily limit of a path: the app's override, then the sandbox-wide one, then the platform's. */
export function dailyLimit(path: string, app: QuotaSettings, all: QuotaSettings): number {
  return app.daily_limits[path] ?? app.daily_limits['*'] ?? all.daily_limits[path] ?? all.daily_limits['*'] ?? DOCUMENTED_DAILY_LIMITS[path] ?? DEFAULT_DAILY_LIMIT;
}

/**
 * Checks the `cgi_path` of quota/get and quota/clear: 76003 unless it is a path starting with `/`
 * without a host, 76022 for `/sns/` paths and for third-party platform paths asked with an
 * account's token, 76021 for a path the platform does not have.
 */
function checkCgiPath(value: unknown, component: boolean): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || hasNul(value) || value.includes('?')) {
    throw new WireError(76003, 'quota.cgi_path.malformed');
  }
  if (value.startsWith('/sns/')) throw new WireError(76022, 'quota.cgi_path.no_permission');
  const endpoint = findEndpoint(value);
  if (!endpoint) throw new WireError(76021, 'quota.cgi_path.unknown');
  if ((endpoint.module === 'thirdparty') !== component && value !== '/cgi-bin/clear_quota') {
    throw new WireError(76022, 'quota.cgi_path.no_permission');
  }
  return value;
}

/** Returns the appid that a logged /cgi-bin/token or /cgi-bin/stable_token request named, if any. */
function tokenRequestAppid(row: LoggedRequest): string | undefined {
  if (row.path === '/cgi-bin/token') return new URLSearchParams(row.query).get('appid') ?? undefined;
  if (row.path !== '/cgi-bin/stable_token') return undefined;
  try {
    const body: unknown = JSON.parse(row.request_body);
    const appid = (body as { appid?: unknown } | null)?.appid;
    return typeof appid === 'string' ? appid : undefined;
  } catch {
    return undefined;
  }
}
