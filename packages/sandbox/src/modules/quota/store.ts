import type { Executor } from '../app/store.js';
import type { RateLimit } from './limits.js';

/** Quota settings of one app, or of every app under appid `*`. */
export interface QuotaSettings {
  /** Daily limits by API path; `*` applies to every path the map does not name. */
  daily_limits: Record<string, number>;
  /** Per-minute limits by API path (45011 beyond them); `*` applies to every path the map does not name. */
  minute_limits: Record<string, number>;
  /** Burst limit of `/shop/*` calls (300000 beyond it); null leaves it to the sandbox-wide setting. */
  rate_limit: RateLimit | null;
}

export const ALL_APPS = '*';

export function emptySettings(): QuotaSettings {
  return { daily_limits: {}, minute_limits: {}, rate_limit: null };
}

export async function findQuotaSettings(db: Executor, appid: string): Promise<QuotaSettings> {
  const row = await db.selectFrom('quota_settings').select('settings').where('appid', '=', appid).executeTakeFirst();
  return row ? { ...emptySettings(), ...(JSON.parse(row.settings) as Partial<QuotaSettings>) } : emptySettings();
}

export async function saveQuotaSettings(db: Executor, appid: string, settings: QuotaSettings): Promise<void> {
  const value = JSON.stringify(settings);
  await db
    .insertInto('quota_settings')
    .values({ appid, settings: value })
    .onConflict((conflict) => conflict.column('appid').doUpdateSet({ settings: value }))
    .execute();
}

/** A row of the request log, as `/cgi-bin/openapi/rid/get` reports it. */
export interface LoggedRequest {
  rid: string;
  appid: string | null;
  path: string;
  query: string;
  request_body: string;
  response_body: string;
  client_ip: string;
  invoke_time: number;
  cost_ms: number;
}

export async function findLoggedRequest(db: Executor, rid: string): Promise<LoggedRequest | undefined> {
  const row = await db
    .selectFrom('request_log')
    .select(['rid', 'appid', 'path', 'query', 'request_body', 'response_body', 'client_ip', 'invoke_time', 'cost_ms'])
    .where('rid', '=', rid)
    .executeTakeFirst();
  return row ? { ...row, invoke_time: Number(row.invoke_time), cost_ms: Number(row.cost_ms) } : undefined;
}
