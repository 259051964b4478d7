import { formatChinaTime } from '../../platform/clock.js';

/**
 * Daily call limit of an API when neither the app nor the sandbox-wide settings override it.
 * NOTE: the platform does not publish the daily limits of the `/shop/*` APIs, which scale with the
 * account. This is a generous stand-in, and the admin API sets a real number per app.
 */
export const DEFAULT_DAILY_LIMIT = 1_000_000;

/** Daily limits the platform documents or was seen to return through `/cgi-bin/openapi/quota/get`. */
export const DOCUMENTED_DAILY_LIMITS: Readonly<Record<string, number>> = {
  // quota/get returned daily_limit 100 for clear_quota in a community capture (the monthly cap is separate).
  '/cgi-bin/clear_quota': 100,
  // Documented: 2000 calls a day for /cgi-bin/token, 500000 for stable_token.
  '/cgi-bin/token': 2000,
  '/cgi-bin/stable_token': 500_000,
};

/**
 * Calls an app may make to one API in one minute when no setting overrides it (45011 beyond it).
 * NOTE: the platform does not publish its per-minute limits, so this number is our choice. It is
 * high enough that no ordinary test or benchmark reaches it, and it equals the default daily limit,
 * so by default the daily quota binds first. The admin API sets a real number per app and path.
 */
export const DEFAULT_MINUTE_LIMIT = 1_000_000;

/** Per-minute limits the platform documents. */
export const DOCUMENTED_MINUTE_LIMITS: Readonly<Record<string, number>> = {
  // Documented: 10,000 calls a minute for stable_token.
  '/cgi-bin/stable_token': 10_000,
};

/** Length of the per-minute window, in seconds, as `/cgi-bin/openapi/quota/get` reports it. */
export const MINUTE_WINDOW_SECONDS = 60;

/** Successful `/cgi-bin/clear_quota` (and `/v2`) calls allowed per account per calendar month. */
export const CLEARS_PER_MONTH = 10;
/** Successful `/cgi-bin/openapi/quota/clear` calls allowed per account per month (newer docs). */
export const SINGLE_CLEARS_PER_MONTH = 50;

/** Requests allowed per window; `call_count` 0 turns the burst limit off. */
export interface RateLimit {
  call_count: number;
  refresh_second: number;
}

/**
 * Burst limit (300000 on `/shop/*`) when none is configured: off.
 * NOTE: the platform's burst threshold behind 300000 is undocumented (the standard component
 * states about 800 calls per 30 s), so the sandbox limits only apps that configure a rate.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { call_count: 0, refresh_second: 0 };

const DAY_MS = 24 * 3600 * 1000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The China-time calendar day of a sandbox time, `YYYY-MM-DD`, which names a day's counters. */
export function chinaDay(ms: number): string {
  // Every counted call names its day, so the last day's text is kept.
  const day = Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
  if (day !== lastDay.index) lastDay = { index: day, text: formatChinaTime(ms).slice(0, 10) };
  return lastDay.text;
}

let lastDay = { index: Number.NaN, text: '' };

/** The China-time calendar month, `YYYY-MM`. */
export function chinaMonth(ms: number): string {
  return formatChinaTime(ms).slice(0, 7);
}

/** Start of the next China-time day, when daily counts start again from zero. */
export function nextChinaDayStart(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS + DAY_MS;
}

/** Start of the next China-time month. */
export function nextChinaMonthStart(ms: number): number {
  const china = new Date(ms + CHINA_OFFSET_MS);
  return Date.UTC(china.getUTCFullYear(), china.getUTCMonth() + 1, 1) - CHINA_OFFSET_MS;
}
