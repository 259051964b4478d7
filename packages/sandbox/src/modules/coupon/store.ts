import { sql, type Kysely } from 'kysely';
import { sqliteHandle } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { Executor } from '../app/store.js';
import type { CouponStatus, UserCouponStatus } from './states.js';
import type { CouponInfo } from './validate.js';

export interface CouponRecord {
  appid: string;
  out_coupon_id: string;
  type: number;
  promote_type: number;
  coupon_info: CouponInfo;
  status: CouponStatus;
  valid_time: number | null;
  /** Null until the coupon becomes effective and its stock record exists. */
  stock: { issued_num: number; receive_num: number; create_time: number; update_time: number } | null;
  create_time: number;
  update_time: number;
}

export interface UserCouponRecord {
  appid: string;
  out_coupon_id: string;
  out_user_coupon_id: string;
  openid: string;
  status: UserCouponStatus;
  recv_time: number;
  start_time: number;
  end_time: number;
  use_time: number | null;
  create_time: number;
  update_time: number;
}

export interface CouponSettings {
  appid: string;
  callback_url: string | null;
  callback_timeout_ms: number;
  confirmed_at: number | null;
}

/** How long the platform waits for the merchant's reply to a coupon callback (push timeout, 5 s). */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5000;

type CouponRow = {
  appid: string;
  out_coupon_id: string;
  type: number;
  promote_type: number;
  coupon_info: string;
  status: number;
  valid_time: number | null;
  stock_issued: number | null;
  stock_receive: number | null;
  stock_create_time: number | null;
  stock_update_time: number | null;
  create_time: number;
  update_time: number;
};

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function toCoupon(row: CouponRow): CouponRecord {
  const hasStock = row.stock_issued !== null && row.stock_issued !== undefined;
  return {
    appid: row.appid,
    out_coupon_id: row.out_coupon_id,
    type: num(row.type),
    promote_type: num(row.promote_type),
    coupon_info: JSON.parse(row.coupon_info) as CouponInfo,
    status: num(row.status) as CouponStatus,
    valid_time: numOrNull(row.valid_time),
    stock: hasStock
      ? {
          issued_num: num(row.stock_issued),
          receive_num: num(row.stock_receive),
          create_time: num(row.stock_create_time),
          update_time: num(row.stock_update_time),
        }
      : null,
    create_time: num(row.create_time),
    update_time: num(row.update_time),
  };
}

function toUserCoupon(row: Record<string, unknown>): UserCouponRecord {
  return {
    appid: row.appid as string,
    out_coupon_id: row.out_coupon_id as string,
    out_user_coupon_id: row.out_user_coupon_id as string,
    openid: row.openid as string,
    status: num(row.status) as UserCouponStatus,
    recv_time: num(row.recv_time),
    start_time: num(row.start_time),
    end_time: num(row.end_time),
    use_time: numOrNull(row.use_time),
    create_time: num(row.create_time),
    update_time: num(row.update_time),
  };
}

// ---- settings ----

export async function findSettings(db: Executor, appid: string): Promise<CouponSettings> {
  const row = await db.selectFrom('coupon_settings').selectAll().where('appid', '=', appid).executeTakeFirst();
  if (!row) return { appid, callback_url: null, callback_timeout_ms: DEFAULT_CALLBACK_TIMEOUT_MS, confirmed_at: null };
  return { appid, callback_url: row.callback_url, callback_timeout_ms: num(row.callback_timeout_ms), confirmed_at: numOrNull(row.confirmed_at) };
}

export async function saveSettings(db: Executor, settings: CouponSettings): Promise<void> {
  const { appid, ...values } = settings;
  await db
    .insertInto('coupon_settings')
    .values(settings)
    .onConflict((conflict) => conflict.column('appid').doUpdateSet(values))
    .execute();
}

// ---- coupons ----

export async function findCoupon(db: Executor, appid: string, outCouponId: string): Promise<CouponRecord | undefined> {
  const row = await db.selectFrom('coupons').selectAll().where('appid', '=', appid).where('out_coupon_id', '=', outCouponId).executeTakeFirst();
  return row ? toCoupon(row as CouponRow) : undefined;
}

/** Inserts a coupon; returns false when its out_coupon_id is already taken. */
export async function insertCoupon(db: Executor, record: CouponRecord): Promise<boolean> {
  const result = await db
    .insertInto('coupons')
    .values({
      appid: record.appid,
      out_coupon_id: record.out_coupon_id,
      type: record.type,
      promote_type: record.promote_type,
      coupon_info: JSON.stringify(record.coupon_info),
      status: record.status,
      valid_time: null,
      stock_issued: null,
      stock_receive: null,
      stock_create_time: null,
      stock_update_time: null,
      create_time: record.create_time,
      update_time: record.update_time,
    })
    .onConflict((conflict) => conflict.columns(['appid', 'out_coupon_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Replaces the content of a coupon still in `status`; false when its status changed meanwhile. */
export async function saveCouponContent(db: Executor, record: CouponRecord, status: CouponStatus): Promise<boolean> {
  const result = await db
    .updateTable('coupons')
    .set({ type: record.type, promote_type: record.promote_type, coupon_info: JSON.stringify(record.coupon_info), update_time: record.update_time })
    .where('appid', '=', record.appid)
    .where('out_coupon_id', '=', record.out_coupon_id)
    .where('status', '=', status)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Moves a coupon from `from` to `to`; with `createStock` (activation) it also creates the stock
 * record. Conditional on the current status, so two concurrent changes cannot both apply. False
 * on a lost race. The stock takes `total_num` from the row as it is at the update, not as the
 * caller read it: a coupon/update committed in between (PostgreSQL runs them side by side) then
 * sets the stock too. `db` must be the query builder, not a transaction, so the dialect is known.
 */
export async function saveCouponStatus(
  db: Kysely<Database>,
  key: { appid: string; out_coupon_id: string },
  from: CouponStatus,
  to: CouponStatus,
  now: number,
  createStock = false,
): Promise<boolean> {
  let query = db.updateTable('coupons').set({ status: to, update_time: now });
  if (createStock) {
    const totalNum = sqliteHandle(db)
      ? sql<number>`json_extract(coupon_info, '$.receive_info.total_num')`
      : sql<number>`(coupon_info::jsonb -> 'receive_info' ->> 'total_num')::bigint`;
    query = query.set({ valid_time: now, stock_issued: totalNum, stock_receive: 0, stock_create_time: now, stock_update_time: now });
  }
  const result = await query.where('appid', '=', key.appid).where('out_coupon_id', '=', key.out_coupon_id).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Overwrites the stock numbers of a coupon that has a stock record; false when it has none. */
export async function overwriteStock(db: Executor, appid: string, outCouponId: string, issued: number, receive: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('coupons')
    .set({ stock_issued: issued, stock_receive: receive, stock_update_time: now })
    .where('appid', '=', appid)
    .where('out_coupon_id', '=', outCouponId)
    .where('stock_issued', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Takes one unit of remaining stock for a claim, in one conditional statement: it applies only
 * while the coupon is effective and has stock left, so concurrent claims never oversell and a
 * claim never fails while stock remains. False when nothing was taken.
 */
export async function takeStock(db: Executor, appid: string, outCouponId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('coupons')
    .set({
      stock_issued: sql<number>`stock_issued - 1`,
      stock_receive: sql<number>`stock_receive + 1`,
      stock_update_time: now,
    })
    .where('appid', '=', appid)
    .where('out_coupon_id', '=', outCouponId)
    .where('status', '=', 2)
    .where('stock_issued', '>', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listCoupons(db: Executor, appid: string, offset: number, limit: number): Promise<{ total: number; items: CouponRecord[] }> {
  const count = await db
    .selectFrom('coupons')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('appid', '=', appid)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('coupons')
    .selectAll()
    .where('appid', '=', appid)
    .orderBy('create_time')
    .orderBy('out_coupon_id')
    .offset(offset)
    .limit(limit)
    .execute();
  return { total: Number(count.count), items: rows.map((row) => toCoupon(row as CouponRow)) };
}

// ---- user coupons ----

/** Inserts a user coupon; returns false when the (out_coupon_id, out_user_coupon_id) pair exists. */
export async function insertUserCoupon(db: Executor, record: UserCouponRecord): Promise<boolean> {
  const result = await db
    .insertInto('user_coupons')
    .values(record)
    .onConflict((conflict) => conflict.columns(['appid', 'out_coupon_id', 'out_user_coupon_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findUserCoupon(db: Executor, appid: string, outCouponId: string, outUserCouponId: string): Promise<UserCouponRecord | undefined> {
  const row = await db
    .selectFrom('user_coupons')
    .selectAll()
    .where('appid', '=', appid)
    .where('out_coupon_id', '=', outCouponId)
    .where('out_user_coupon_id', '=', outUserCouponId)
    .executeTakeFirst();
  return row ? toUserCoupon(row) : undefined;
}

/** Saves a changed user coupon if its status is still `fromStatus`; false on a lost race. */
export async function saveUserCoupon(db: Executor, record: UserCouponRecord, fromStatus: UserCouponStatus): Promise<boolean> {
  const result = await db
    .updateTable('user_coupons')
    .set({
      status: record.status,
      recv_time: record.recv_time,
      start_time: record.start_time,
      end_time: record.end_time,
      use_time: record.use_time,
      update_time: record.update_time,
    })
    .where('appid', '=', record.appid)
    .where('out_coupon_id', '=', record.out_coupon_id)
    .where('out_user_coupon_id', '=', record.out_user_coupon_id)
    .where('status', '=', fromStatus)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface UserCouponFilter {
  appid: string;
  openid?: string;
  out_coupon_id?: string;
  offset: number;
  limit: number;
}

export async function listUserCoupons(db: Executor, filter: UserCouponFilter): Promise<{ total: number; items: UserCouponRecord[] }> {
  let query = db.selectFrom('user_coupons').where('appid', '=', filter.appid);
  if (filter.openid !== undefined) query = query.where('openid', '=', filter.openid);
  if (filter.out_coupon_id !== undefined) query = query.where('out_coupon_id', '=', filter.out_coupon_id);
  const count = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('create_time')
    .orderBy('out_coupon_id')
    .orderBy('out_user_coupon_id')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  return { total: Number(count.count), items: rows.map(toUserCoupon) };
}

/** Marks usable user coupons whose validity ended before `now` as expired (100 → 101). */
export async function expireUserCoupons(db: Executor, now: number, from: UserCouponStatus, to: UserCouponStatus): Promise<number> {
  const result = await db
    .updateTable('user_coupons')
    .set({ status: to, update_time: now })
    .where('status', '=', from)
    .where('end_time', '>', 0)
    .where('end_time', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
