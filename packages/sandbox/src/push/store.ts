import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../storage/database.js';
import type { Database, PushDeliveryTable } from '../storage/schema.js';
import { COMPONENT_KEY_PREFIX } from './component.js';
import type { PushTarget } from './render.js';

export interface PushSettings extends PushTarget {
  verified_at: number | null;
  updated_at: number;
}

export interface OutboxRow {
  id: number;
  appid: string;
  event: string;
  payload: string;
  created_at: number;
  state: string;
  attempts: number;
  claimed_by: string | null;
  claimed_until: number | null;
  delivered_at: number | null;
}

export type DeliveryRow = Selectable<PushDeliveryTable>;

function toOutbox(row: Record<string, unknown>): OutboxRow {
  return {
    ...(row as unknown as OutboxRow),
    id: Number(row.id),
    created_at: Number(row.created_at),
    attempts: Number(row.attempts),
    claimed_until: row.claimed_until === null ? null : Number(row.claimed_until),
    delivered_at: row.delivered_at === null ? null : Number(row.delivered_at),
  };
}

export async function findSettings(db: Kysely<Database>, appid: string): Promise<PushSettings | undefined> {
  const row = await db.selectFrom('push_settings').selectAll().where('appid', '=', appid).executeTakeFirst();
  if (!row) return undefined;
  return { ...row, format: row.format as PushSettings['format'], mode: row.mode as PushSettings['mode'], updated_at: Number(row.updated_at) };
}

export async function saveSettings(db: Kysely<Database>, settings: PushSettings): Promise<void> {
  const { appid, ...rest } = settings;
  await db
    .insertInto('push_settings')
    .values(settings)
    .onConflict((c) => c.column('appid').doUpdateSet(rest))
    .execute();
}

export async function deleteSettings(db: Kysely<Database>, appid: string): Promise<boolean> {
  const result = await db.deleteFrom('push_settings').where('appid', '=', appid).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Marks the app's waiting events `not_configured`, so that events written while it had no push
 * URL are not all sent once a URL is set: the platform sends only what happens after.
 */
export async function skipWaitingEvents(db: Kysely<Database>, appid: string): Promise<void> {
  await db.updateTable('outbox').set({ state: 'not_configured' }).where('appid', '=', appid).where('state', '=', 'pending').execute();
}

/**
 * Claims up to `limit` events for `instance`, of apps and third-party platforms with push settings: pending ones, and delivering ones whose claim has
 * lapsed (an instance stopped mid-delivery). Events of the outbox keys in `skip` are left for later. On PostgreSQL the candidate rows are locked with
 * SKIP LOCKED and the state is checked again on the locked row, so two instances never claim
 * the same event.
 */
export async function claimEvents(
  db: Kysely<Database>,
  dialect: Dialect,
  instance: string,
  wallNow: number,
  leaseMs: number,
  limit: number,
  id?: number,
  skip: readonly string[] = [],
): Promise<OutboxRow[]> {
  const claimable = sql<boolean>`(state = 'pending' or (state = 'delivering' and claimed_until < ${wallNow}))`;
  // Events of an app without push settings wait as they are; see skipWaitingEvents. Pushes to a
  // third-party platform are keyed `component:<component_appid>` (see push/component.ts).
  const componentKeys = db.selectFrom('component_push_settings').select(sql<string>`${sql.lit(COMPONENT_KEY_PREFIX)} || component_appid`.as('appid'));
  let candidates = db
    .selectFrom('outbox')
    .select('id')
    .where(claimable)
    .where((eb) => eb.or([eb('appid', 'in', db.selectFrom('push_settings').select('appid')), eb('appid', 'in', componentKeys)]))
    .orderBy('id')
    .limit(limit);
  if (id !== undefined) candidates = candidates.where('id', '=', id);
  if (skip.length > 0) candidates = candidates.where('appid', 'not in', skip);
  if (dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
  const rows = await db
    .updateTable('outbox')
    .set({ state: 'delivering', claimed_by: instance, claimed_until: wallNow + leaseMs })
    .where('id', 'in', candidates)
    .where(claimable)
    .returningAll()
    .execute();
  return rows.map((row) => toOutbox(row as Record<string, unknown>)).sort((a, b) => a.id - b.id);
}

/**
 * Takes the next attempt number of a claimed event, extending the claim. Returns false when the
 * claim was lost or the attempt was already made, so no attempt is ever made twice.
 */
export async function takeAttempt(db: Kysely<Database>, event: OutboxRow, instance: string, wallNow: number, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ attempts: event.attempts + 1, claimed_until: wallNow + leaseMs })
    .where('id', '=', event.id)
    .where('state', '=', 'delivering')
    .where('claimed_by', '=', instance)
    .where('attempts', '=', event.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Ends a claim with the event's final state. `deliveredAt` is set when an attempt succeeded; when
 * it is null, the time of an earlier success (before a redelivery) is kept.
 */
export async function releaseEvent(db: Kysely<Database>, id: number, instance: string, state: string, deliveredAt: number | null): Promise<void> {
  await db
    .updateTable('outbox')
    .set(deliveredAt === null ? { state, claimed_by: null, claimed_until: null } : { state, claimed_by: null, claimed_until: null, delivered_at: deliveredAt })
    .where('id', '=', id)
    .where('claimed_by', '=', instance)
    .execute();
}

export async function recordDelivery(db: Kysely<Database>, delivery: Omit<DeliveryRow, 'id'>): Promise<void> {
  await db.insertInto('push_deliveries').values(delivery).execute();
}

/** Puts an event back in the queue for a fresh round of attempts; false when it is being delivered. */
export async function requeueEvent(db: Kysely<Database>, appid: string, id: number, wallNow: number): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ state: 'pending', attempts: 0, claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .where('appid', '=', appid)
    .where((eb) => eb.or([eb('state', '!=', 'delivering'), eb('claimed_until', '<', wallNow)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findEvent(db: Kysely<Database>, appid: string, id: number): Promise<OutboxRow | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('appid', '=', appid).where('id', '=', id).executeTakeFirst();
  return row ? toOutbox(row as Record<string, unknown>) : undefined;
}

export async function listEvents(db: Kysely<Database>, appid: string, options: { state?: string; event?: string; limit: number; beforeId?: number }): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox').selectAll().where('appid', '=', appid);
  if (options.state) query = query.where('state', '=', options.state);
  if (options.event) query = query.where('event', '=', options.event);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((row) => toOutbox(row as Record<string, unknown>));
}

/** Lists every delivery attempt of the given events of one outbox key, oldest first. */
export async function listDeliveriesOf(db: Kysely<Database>, appid: string, eventIds: number[]): Promise<DeliveryRow[]> {
  if (eventIds.length === 0) return [];
  const rows = await db.selectFrom('push_deliveries').selectAll().where('appid', '=', appid).where('event_id', 'in', eventIds).orderBy('id').execute();
  return rows.map((row) => ({ ...row, id: Number(row.id), event_id: Number(row.event_id), started_at: Number(row.started_at) }));
}

export async function listDeliveries(db: Kysely<Database>, appid: string, options: { eventId?: number; limit: number }): Promise<DeliveryRow[]> {
  let query = db.selectFrom('push_deliveries').selectAll().where('appid', '=', appid);
  if (options.eventId !== undefined) query = query.where('event_id', '=', options.eventId);
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((row) => ({ ...row, id: Number(row.id), event_id: Number(row.event_id), started_at: Number(row.started_at) }));
}

/** Inserts an event already claimed by `instance`, for a push the caller waits on. */
export async function insertClaimedEvent(db: Kysely<Database>, appid: string, event: string, payload: string, now: number, instance: string, wallNow: number, leaseMs: number): Promise<OutboxRow> {
  const row = await db
    .insertInto('outbox')
    .values({ appid, event, payload, created_at: now, state: 'delivering', claimed_by: instance, claimed_until: wallNow + leaseMs })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toOutbox(row as Record<string, unknown>);
}
