import { sql } from 'kysely';
import type { Executor } from '../app/store.js';

export type TokenKind = 'ordinary' | 'stable';

export interface TokenRecord {
  token: string;
  appid: string;
  kind: TokenKind;
  issued_at: number;
  expires_at: number;
  superseded_at: number | null;
  valid_until: number | null;
  forced: boolean;
}

function toRecord(row: Record<string, unknown>): TokenRecord {
  return {
    token: row.token as string,
    appid: row.appid as string,
    kind: row.kind as TokenKind,
    issued_at: Number(row.issued_at),
    expires_at: Number(row.expires_at),
    superseded_at: row.superseded_at === null ? null : Number(row.superseded_at),
    valid_until: row.valid_until === null ? null : Number(row.valid_until),
    forced: Number(row.forced) === 1,
  };
}

export async function findToken(db: Executor, token: string): Promise<TokenRecord | undefined> {
  const row = await db.selectFrom('tokens').selectAll().where('token', '=', token).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Finds the latest (not superseded) token of a kind for an app. */
export async function findLatestToken(db: Executor, appid: string, kind: TokenKind): Promise<TokenRecord | undefined> {
  const row = await db
    .selectFrom('tokens')
    .selectAll()
    .where('appid', '=', appid)
    .where('kind', '=', kind)
    .where('superseded_at', 'is', null)
    .orderBy('issued_at', 'desc')
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Marks every live token of a kind as superseded at `now`, accepted until `validUntil`. */
export async function supersedeTokens(db: Executor, appid: string, kind: TokenKind, now: number, validUntil: number): Promise<void> {
  await db
    .updateTable('tokens')
    .set({ superseded_at: now, valid_until: validUntil })
    .where('appid', '=', appid)
    .where('kind', '=', kind)
    .where('superseded_at', 'is', null)
    .execute();
}

/**
 * Ends every token of a kind that is still accepted at `now`: the live one and any superseded one
 * inside its grace period. A forced stable token refresh leaves no earlier token working.
 */
export async function endTokens(db: Executor, appid: string, kind: TokenKind, now: number): Promise<void> {
  await supersedeTokens(db, appid, kind, now, now);
  await db.updateTable('tokens').set({ valid_until: now }).where('appid', '=', appid).where('kind', '=', kind).where('valid_until', '>', now).execute();
}

export async function insertToken(db: Executor, record: TokenRecord): Promise<void> {
  await db.insertInto('tokens').values({ ...record, forced: record.forced ? 1 : 0 }).execute();
}

/** Counts forced stable-token refreshes since `since`, for the daily limit. */
export async function countForcedSince(db: Executor, appid: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('tokens')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('appid', '=', appid)
    .where('kind', '=', 'stable')
    .where('forced', '=', 1)
    .where('issued_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Deletes tokens that expired before `before`; after that an expired token gets 40001 like an unknown one, not 42001. */
export async function deleteExpiredTokens(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('tokens').where('expires_at', '<', before).execute();
}

/** Lists an app's stored tokens, newest first, at most `limit` of them. */
export async function listTokens(db: Executor, appid: string, limit: number): Promise<TokenRecord[]> {
  const rows = await db.selectFrom('tokens').selectAll().where('appid', '=', appid).orderBy('issued_at', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

/**
 * Serialises token issue for one app on PostgreSQL, across every instance on the database, until
 * the transaction ends. Without it two concurrent forced refreshes both read the same latest
 * token and both insert a new one. The key includes the schema, so sandboxes sharing a database
 * do not wait on each other. SQLite runs one write transaction at a time and needs no lock.
 */
export async function lockAppTokens(trx: Executor, appid: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':tokens:' || ${appid}))`.execute(trx);
}
