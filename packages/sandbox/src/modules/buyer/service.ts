import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { Executor } from '../app/store.js';

/** Shape of an openid on the platform: 28 characters of the URL-safe base64 alphabet, starting with `o`. */
export const OPENID_PATTERN = /^o[A-Za-z0-9_-]{27}$/;

/** Buyers every app has from the start, without being stored: the same people in every app. */
const DEFAULT_BUYERS = [
  { person: 'buyer-1', nickname: '测试买家甲' },
  { person: 'buyer-2', nickname: '测试买家乙' },
  { person: 'buyer-3', nickname: '测试买家丙' },
] as const;

export interface Buyer {
  openid: string;
  nickname: string;
  /** True for the built-in buyers every app starts with. */
  builtin: boolean;
}

/**
 * Derives a person's openid under an app. The platform gives the same person a different openid
 * in every app; hashing the appid with the person's key reproduces that, and keeps the built-in
 * buyers' openids stable across resets and restarts.
 */
export function openidFor(appid: string, person: string): string {
  return `o${createHash('sha256').update(`${appid}:${person}`).digest('base64url').slice(0, 27)}`;
}

// Every order call checks its openid against the built-in buyers, so their openids (three hashes
// per app) are derived once per app. The cache is bounded for sandboxes that create many apps.
const BUILTIN_CACHE_MAX_APPS = 1_000;
const builtinCache = new Map<string, ReadonlySet<string>>();

function builtinOpenids(appid: string): ReadonlySet<string> {
  let openids = builtinCache.get(appid);
  if (!openids) {
    if (builtinCache.size >= BUILTIN_CACHE_MAX_APPS) builtinCache.clear();
    openids = new Set(DEFAULT_BUYERS.map((buyer) => openidFor(appid, buyer.person)));
    builtinCache.set(appid, openids);
  }
  return openids;
}

/** The buyers (WeChat users) of each app, who place, pay and return orders. */
export class BuyerService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Lists the app's buyers: the built-in ones first, then those created through the admin API. */
  async list(appid: string): Promise<Buyer[]> {
    const rows = await this.db.selectFrom('buyers').selectAll().where('appid', '=', appid).orderBy('created_at').orderBy('openid').execute();
    return [
      ...DEFAULT_BUYERS.map((buyer) => ({ openid: openidFor(appid, buyer.person), nickname: buyer.nickname, builtin: true })),
      ...rows.map((row) => ({ openid: row.openid, nickname: row.nickname, builtin: false })),
    ];
  }

  /** Creates a buyer; `person` names the same person across apps (random when absent). */
  async create(appid: string, input: { nickname?: string; person?: string }, now: number): Promise<Buyer> {
    const person = input.person ?? randomBytes(12).toString('hex');
    const openid = openidFor(appid, person);
    const nickname = input.nickname ?? `买家${openid.slice(-4)}`;
    if (builtinOpenids(appid).has(openid)) return { openid, nickname, builtin: true };
    await this.db
      .insertInto('buyers')
      .values({ appid, openid, nickname, created_at: now })
      .onConflict((conflict) => conflict.columns(['appid', 'openid']).doUpdateSet({ nickname }))
      .execute();
    return { openid, nickname, builtin: false };
  }

  /** True when `openid` is a buyer of the app. `db` is the caller's transaction when there is one. */
  async isBuyer(db: Executor, appid: string, openid: string): Promise<boolean> {
    if (!OPENID_PATTERN.test(openid)) return false;
    if (builtinOpenids(appid).has(openid)) return true;
    const row = await db.selectFrom('buyers').select('openid').where('appid', '=', appid).where('openid', '=', openid).executeTakeFirst();
    return row !== undefined;
  }

  /** Issues a trace_id for the buyer, as wx.checkBeforeAddOrder does in the mini program. */
  async issueTraceId(appid: string, openid: string, now: number): Promise<string> {
    const traceId = `${randomBytes(16).toString('hex')}`;
    await this.db.insertInto('trace_ids').values({ trace_id: traceId, appid, openid, issued_at: now }).execute();
    return traceId;
  }

  /** Finds a trace_id issued to this buyer of this app, with its issue time. */
  async findTraceId(db: Executor, traceId: string): Promise<{ appid: string; openid: string; issued_at: number } | undefined> {
    const row = await db.selectFrom('trace_ids').selectAll().where('trace_id', '=', traceId).executeTakeFirst();
    return row ? { appid: row.appid, openid: row.openid, issued_at: Number(row.issued_at) } : undefined;
  }
}
