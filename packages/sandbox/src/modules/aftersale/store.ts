import { sql } from 'kysely';
import { fitsIntegerColumn } from '../../storage/database.js';
import type { Executor } from '../app/store.js';
import type { Address } from '../order/store.js';

/** v2 (ecaftersale) details. */
export interface EcDetail {
  out_order_id: string;
  type: number;
  /** Index of the order line the after-sale covers (one sku per after-sale). */
  line_index: number;
  product_info: { out_product_id: string; product_id: string; out_sku_id: string; sku_id: string; product_cnt: number };
  orderamt: number;
  refund_reason: string;
  refund_reason_type: number;
  media_list: { type: number; url: string; thumb_url: string }[];
  return_info: { order_return_time: number; delivery_id: string; waybill_id: string; delivery_name: string } | null;
  return_address_info: Address | null;
  /** Creates plus edits so far (at most 5). */
  edits: number;
  /** The buyer sent goods back; after a refusal from then on only arbitration is possible. */
  returned: boolean;
  refund_id: string;
  refund_desc: string;
  certificates: string[];
}

/** v1 (merchant-reported) details. */
export interface V1Detail {
  out_order_id: string;
  type: number;
  create_time: number;
  path: string;
  refund: number;
  product_infos: { out_product_id: string; out_sku_id: string; product_cnt: number }[];
  refund_reason: string;
  refund_address: string;
  orderamt: number;
  finish_all_aftersale: number;
}

export interface AftersaleRecord<D = EcDetail | V1Detail> {
  appid: string;
  aftersale_id: string;
  out_aftersale_id: string;
  generation: 1 | 2;
  order_id: string;
  openid: string;
  status: number;
  detail: D;
  deadline_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
}

type Row = Omit<AftersaleRecord, 'detail' | 'generation'> & { detail: string; generation: number };

function toRecord<D>(row: Row): AftersaleRecord<D> {
  return {
    ...row,
    generation: row.generation as 1 | 2,
    detail: JSON.parse(row.detail) as D,
    status: Number(row.status),
    deadline_at: row.deadline_at === null ? null : Number(row.deadline_at),
    version: Number(row.version),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

export type AftersaleKey = { aftersale_id?: string; out_aftersale_id?: string };

/**
 * Serialises after-sale adds of one out_aftersale_id on PostgreSQL until the transaction ends,
 * across every instance on the database. Without it racing adds each found the id free and stored
 * it twice. SQLite runs one write transaction at a time and needs no lock.
 */
export async function lockOutAftersaleId(trx: Executor, appid: string, generation: 1 | 2, outAftersaleId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':aftersales:' || ${appid} || ':' || ${String(generation)} || ':' || ${outAftersaleId}))`.execute(trx);
}

export async function findAftersale<D>(db: Executor, appid: string, generation: 1 | 2, key: AftersaleKey): Promise<AftersaleRecord<D> | undefined> {
  let query = db.selectFrom('aftersales').selectAll().where('appid', '=', appid).where('generation', '=', generation);
  if (key.aftersale_id !== undefined) query = query.where('aftersale_id', '=', key.aftersale_id);
  if (key.out_aftersale_id !== undefined) query = query.where('out_aftersale_id', '=', key.out_aftersale_id);
  const row = await query.executeTakeFirst();
  return row ? toRecord<D>(row as Row) : undefined;
}

export async function listForOrder<D>(db: Executor, appid: string, generation: 1 | 2, orderId: string): Promise<AftersaleRecord<D>[]> {
  const rows = await db
    .selectFrom('aftersales')
    .selectAll()
    .where('appid', '=', appid)
    .where('generation', '=', generation)
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('aftersale_id')
    .execute();
  return rows.map((row) => toRecord<D>(row as Row));
}

export async function insertAftersale(db: Executor, record: AftersaleRecord): Promise<void> {
  await db.insertInto('aftersales').values({ ...record, detail: JSON.stringify(record.detail) }).execute();
}

/** Saves unless another write changed the after-sale since it was read; returns false then. */
export async function saveAftersale(db: Executor, record: AftersaleRecord, previous: AftersaleRecord): Promise<boolean> {
  const result = await db
    .updateTable('aftersales')
    .set({
      status: record.status,
      detail: JSON.stringify(record.detail),
      deadline_at: record.deadline_at,
      out_aftersale_id: record.out_aftersale_id,
      version: previous.version + 1,
      updated_at: record.updated_at,
    })
    .where('appid', '=', record.appid)
    .where('aftersale_id', '=', record.aftersale_id)
    .where('version', '=', previous.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AftersaleListFilter {
  appid: string;
  generation: 1 | 2;
  status?: number;
  orderId?: string;
  openid?: string;
  createdFrom?: number;
  createdTo?: number;
  offset: number;
  limit: number;
}

export async function listAftersales<D>(db: Executor, filter: AftersaleListFilter): Promise<AftersaleRecord<D>[]> {
  if (filter.status !== undefined && !fitsIntegerColumn(filter.status)) return [];
  let query = db.selectFrom('aftersales').selectAll().where('appid', '=', filter.appid).where('generation', '=', filter.generation);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.openid !== undefined) query = query.where('openid', '=', filter.openid);
  if (filter.createdFrom !== undefined) query = query.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('created_at', '<=', filter.createdTo);
  const rows = await query.orderBy('created_at', 'desc').orderBy('aftersale_id', 'desc').offset(filter.offset).limit(filter.limit).execute();
  return rows.map((row) => toRecord<D>(row as Row));
}

/** v2 after-sales whose status timed out by `now`. */
export async function findDueAftersales(db: Executor, now: number, limit: number): Promise<AftersaleRecord<EcDetail>[]> {
  const rows = await db
    .selectFrom('aftersales')
    .selectAll()
    .where('generation', '=', 2)
    .where('deadline_at', 'is not', null)
    .where('deadline_at', '<=', now)
    .orderBy('deadline_at')
    .limit(limit)
    .execute();
  return rows.map((row) => toRecord<EcDetail>(row as Row));
}
