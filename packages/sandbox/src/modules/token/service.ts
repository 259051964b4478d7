import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { Dialect } from '../../storage/database.js';
import { hasNul } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { findApp, type AppRecord } from '../app/store.js';
import {
  countForcedSince,
  endTokens,
  findLatestToken,
  findToken,
  insertToken,
  lockAppTokens,
  supersedeTokens,
  type TokenKind,
  type TokenRecord,
} from './store.js';

/** Lifetime of an access token: 7200 s, the `expires_in` the platform returns. */
export const TOKEN_LIFETIME_MS = 7200 * 1000;
/** A replaced /cgi-bin/token token keeps working for 5 minutes, then gets 40001. */
export const SUPERSEDE_OVERLAP_MS = 300 * 1000;
/** A stable token is rotated once less than 5 minutes of its life remain. */
export const STABLE_ROTATE_BEFORE_MS = 300 * 1000;
/** Forced stable-token refreshes allowed per day. */
export const STABLE_FORCE_DAILY_LIMIT = 20;
/** Forced refreshes closer together than 30 s return the current token without refreshing. */
export const STABLE_FORCE_MIN_INTERVAL_MS = 30 * 1000;

// Real tokens start with a small generation number and an underscore, 130–160 characters in all.
const TOKEN_GENERATION = '88';
// How long a resolved token is trusted from memory before it is read again (supersession by
// another instance becomes visible within this time).
const CACHE_TTL_MS = 1000;
const CACHE_MAX_ENTRIES = 10_000;

export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

export interface Credentials {
  grant_type: string | undefined;
  appid: string | undefined;
  secret: string | undefined;
}

function newTokenString(): string {
  return `${TOKEN_GENERATION}_${randomBytes(102).toString('base64url')}`.slice(0, 139);
}

/** Start of the current day in China time, for daily limits. */
export function chinaDayStart(ms: number): number {
  const dayMs = 24 * 3600 * 1000;
  const chinaOffset = 8 * 3600 * 1000;
  return Math.floor((ms + chinaOffset) / dayMs) * dayMs - chinaOffset;
}

export class TokenService {
  private readonly cache = new Map<string, { record: TokenRecord; fetchedAt: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  /** Checks grant_type, appid and secret in the platform's order and returns the app. */
  async authenticate(credentials: Credentials): Promise<AppRecord> {
    if (credentials.grant_type !== 'client_credential') throw new WireError(40002, 'token.grant_type');
    if (!credentials.appid) throw new WireError(41002, 'token.appid.missing');
    if (!credentials.secret) throw new WireError(41004, 'token.secret.missing');
    const app = hasNul(credentials.appid) ? undefined : await findApp(this.db, credentials.appid);
    if (!app) throw new WireError(40013, 'token.appid.unknown');
    if (app.secret !== credentials.secret) throw new WireError(40125, 'token.secret.wrong');
    return app;
  }

  /** Issues a /cgi-bin/token token; earlier ones stay valid for the 5-minute overlap. */
  async issueOrdinary(appid: string, now: number): Promise<IssuedToken> {
    const record = await this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') await lockAppTokens(trx, appid);
      await supersedeTokens(trx, appid, 'ordinary', now, now + SUPERSEDE_OVERLAP_MS);
      const created = this.newRecord(appid, 'ordinary', now);
      await insertToken(trx, created);
      return created;
    });
    this.cache.clear();
    return { access_token: record.token, expires_in: TOKEN_LIFETIME_MS / 1000 };
  }

  /**
   * Returns the stable token. Normal mode returns the current one while more than 5 minutes of
   * its life remain, and rotates it otherwise. Force mode replaces it at once, at most 20 times a
   * day and not within 30 s of the previous issue. Ordinary tokens are never touched.
   */
  async issueStable(appid: string, force: boolean, now: number): Promise<IssuedToken> {
    const record = await this.db.transaction().execute(async (trx) => {
      // Taken before the read, so a concurrent refresh sees the token this one issues.
      if (this.dialect === 'postgres') await lockAppTokens(trx, appid);
      const latest = await findLatestToken(trx, appid, 'stable');
      const usable = latest !== undefined && latest.expires_at > now;

      if (usable && !force && latest.expires_at - now > STABLE_ROTATE_BEFORE_MS) return latest;
      if (usable && force && now - latest.issued_at < STABLE_FORCE_MIN_INTERVAL_MS) return latest;

      if (force) {
        const forcedToday = await countForcedSince(trx, appid, chinaDayStart(now));
        if (forcedToday >= STABLE_FORCE_DAILY_LIMIT) throw new WireError(45009, 'stable_token.force_refresh.daily_limit');
        // Every earlier stable token stops at once, also one a normal rotation left working.
        await endTokens(trx, appid, 'stable', now);
      } else if (latest) {
        // A normal rotation keeps the old token valid for the rest of its life.
        await supersedeTokens(trx, appid, 'stable', now, latest.expires_at);
      }
      const created = { ...this.newRecord(appid, 'stable', now), forced: force };
      await insertToken(trx, created);
      return created;
    });
    this.cache.clear();
    return { access_token: record.token, expires_in: Math.floor((record.expires_at - now) / 1000) };
  }

  /** Resolves an access token to its app, or throws 40001 (unknown or superseded) or 42001 (expired). */
  async resolve(token: string, now: number): Promise<string> {
    const record = await this.lookup(token);
    if (!record) throw new WireError(40001, 'token.unknown');
    if (now >= record.expires_at) throw new WireError(42001, 'token.expired');
    if (record.valid_until !== null && now >= record.valid_until) throw new WireError(40001, 'token.superseded');
    return record.appid;
  }

  /**
   * Returns the app of a token read from the cache moments ago and still valid at `now`, without
   * waiting. Undefined means `resolve` must decide, which also raises the errors.
   */
  cachedAppid(token: string, now: number): string | undefined {
    const cached = this.cache.get(token);
    if (cached === undefined || Date.now() - cached.fetchedAt >= CACHE_TTL_MS) return undefined;
    const record = cached.record;
    if (now >= record.expires_at || (record.valid_until !== null && now >= record.valid_until)) return undefined;
    return record.appid;
  }

  /** Forgets cached tokens, after a reset or a clock change. */
  clearCache(): void {
    this.cache.clear();
  }

  private async lookup(token: string): Promise<TokenRecord | undefined> {
    const cached = this.cache.get(token);
    const wallNow = Date.now();
    if (cached && wallNow - cached.fetchedAt < CACHE_TTL_MS) return cached.record;
    // Tokens longer than any issued one, or with a NUL, cannot exist; skip the query.
    if (token.length > 512 || hasNul(token)) return undefined;
    const record = await findToken(this.db, token);
    if (record) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(token, { record, fetchedAt: wallNow });
    }
    return record;
  }

  private newRecord(appid: string, kind: TokenKind, now: number): TokenRecord {
    return {
      token: newTokenString(),
      appid,
      kind,
      issued_at: now,
      expires_at: now + TOKEN_LIFETIME_MS,
      superseded_at: null,
      valid_until: null,
      forced: false,
    };
  }
}
