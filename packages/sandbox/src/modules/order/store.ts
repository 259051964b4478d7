import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { sqliteReadVersion } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { Executor } from '../app/store.js';
import type { OrderStatus } from './states.js';

export type Address = Record<string, string>;

/** One line of an order, as the merchant sent it plus what the platform tracks per line. */
export interface OrderLine {
  out_product_id: string;
  out_sku_id: string;
  product_cnt: number;
  /** Unit price in fen. */
  sale_price: number;
  /** Amount actually paid for the whole line, in fen (2022 flow); the refund cap of the line. */
  sku_real_price: number;
  /** Unit price after discount (2021 flow), when sent. */
  real_price?: number;
  path: string;
  title: string;
  head_img: string;
  /** Platform ids when the line matches a product of the shop, otherwise '0'. */
  product_id: string;
  sku_id: string;
  /** Units sent in parcels so far. */
  shipped_cnt: number;
  /** Fen refunded through finished after-sales. */
  refunded: number;
}

export interface Parcel {
  delivery_id: string;
  delivery_name: string;
  waybill_id: string;
  product_info_list: { out_product_id: string; out_sku_id: string; product_cnt: number }[];
}

export interface OrderDetail {
  path: string;
  out_user_id: string;
  scene: number | null;
  trace_id: string;
  /** Days after receipt during which after-sales may start. */
  aftersale_duration: number;
  lines: OrderLine[];
  pay_info: {
    pay_method_type: number;
    prepay_id: string;
    prepay_time: string;
    transaction_id: string;
    pay_time: number | null;
  };
  price_info: {
    order_price: number;
    freight: number;
    discounted_price: number;
    additional_price: number;
    additional_remarks: string;
  };
  delivery: {
    delivery_type: number;
    finish_all_delivery: number;
    delivery_list: Parcel[];
    ship_done_time: number | null;
  };
  address_info: Address | null;
  default_receiving_address: Address | null;
  promotion_info: Record<string, string>;
  receive_time: number | null;
  after_sale_deadline: number | null;
  deadline_extended: boolean;
  settled: boolean;
  /** 2021 flow: the payment ticket and its expiry (ms). */
  ticket: { ticket: string; expires_at: number } | null;
  /** Sandbox time of the first order/add. */
  added_at: number;
}

export interface OrderRecord {
  appid: string;
  order_id: string;
  out_order_id: string;
  openid: string;
  status: OrderStatus;
  fund_type: number;
  detail: OrderDetail;
  create_time: number;
  expire_time: number | null;
  pay_time: number | null;
  /** End of the after-sale window of a completed fund_type 1 order, when settlement is due. */
  settle_at: number | null;
  sharer_openid: string | null;
  promoter: string | null;
  version: number;
  updated_at: number;
}

export type OrderKey = { order_id?: string; out_order_id?: string };

type Row = Omit<OrderRecord, 'detail' | 'status'> & { detail: string; status: number };

function toRecord(row: Row): OrderRecord {
  return {
    ...row,
    status: row.status as OrderStatus,
    detail: JSON.parse(row.detail) as OrderDetail,
    create_time: Number(row.create_time),
    expire_time: row.expire_time === null ? null : Number(row.expire_time),
    pay_time: row.pay_time === null ? null : Number(row.pay_time),
    settle_at: row.settle_at === null ? null : Number(row.settle_at),
    version: Number(row.version),
    updated_at: Number(row.updated_at),
  };
}

function toRow(record: OrderRecord): Row {
  return { ...record, detail: JSON.stringify(record.detail) };
}

/**
 * Serialises order/add of one out_order_id on PostgreSQL, across every instance on the database,
 * until the transaction ends. Without it, racing adds of a 2021 order overwrite it one at a time
 * and the others lose their optimistic check, so enough racers ran out of retries. The key
 * includes the schema, so sandboxes sharing a database do not wait on each other. SQLite runs one
 * write transaction at a time and needs no lock.
 */
export async function lockOutOrderId(trx: Executor, appid: string, outOrderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':orders:' || ${appid} || ':' || ${outOrderId}))`.execute(trx);
}

/**
 * Serialises changes of one order on PostgreSQL until the transaction ends, for changes that the
 * transition table allows to run side by side (partial shipments). Without it the slower of two
 * such changes loses its optimistic check. SQLite needs no lock, as for lockOutOrderId.
 */
export async function lockOrder(trx: Executor, appid: string, orderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':order:' || ${appid} || ':' || ${orderId}))`.execute(trx);
}

/** Finds an order by either id; when both are given they must name the same order. */
export async function findOrder(db: Executor, appid: string, key: OrderKey): Promise<OrderRecord | undefined> {
  const parameters = [appid];
  if (key.order_id !== undefined) parameters.push(key.order_id);
  if (key.out_order_id !== undefined) parameters.push(key.out_order_id);
  const result = await db.executeQuery<Row>({ ...compiledLookup(db, key), parameters });
  const row = result.rows[0];
  return row ? toRecord(row) : undefined;
}

// order/get is read far more often than orders change. On SQLite the record is kept in memory
// with the read version it was read at, and served while that version holds: any write by this
// process or a commit by another process on the same file changes the version. On PostgreSQL
// other instances write without notice, so every read goes to the database.
const READ_CACHE_MAX_ENTRIES = 5_000;
const readCaches = new WeakMap<Kysely<Database>, { version: number; records: Map<string, OrderRecord | undefined> }>();

/**
 * Finds an order like `findOrder`, outside a transaction, for callers that only read it: the
 * record may be shared with other callers and must not be changed.
 */
export async function readOrder(db: Kysely<Database>, appid: string, key: OrderKey): Promise<OrderRecord | undefined> {
  const version = sqliteReadVersion(db);
  if (version === undefined) return findOrder(db, appid, key);
  let cache = readCaches.get(db);
  // Every kept record was read at the cache's version, so a new version drops them all at once.
  if (!cache || cache.version !== version) {
    cache = { version, records: new Map() };
    readCaches.set(db, cache);
  }
  // Neither the appid nor an order_id contains '|', and the out_order_id comes last, so keys cannot collide.
  const cacheKey = `${appid}|${key.order_id ?? ''}|${key.out_order_id === undefined ? '' : `=${key.out_order_id}`}`;
  if (cache.records.has(cacheKey)) return cache.records.get(cacheKey);
  const record = await findOrder(db, appid, key);
  // A write that ran while the read waited for the connection leaves the result unkept.
  if (sqliteReadVersion(db) === version) {
    if (cache.records.size >= READ_CACHE_MAX_ENTRIES) cache.records.clear();
    cache.records.set(cacheKey, record);
  }
  return record;
}

/** Inserts a new order; returns false, inserting nothing, when an order already has its out_order_id. */
export async function insertOrder(db: Executor, record: OrderRecord): Promise<boolean> {
  const row = toRow(record);
  const result = await db.executeQuery({ ...compiledInsert(db), parameters: ROW_COLUMNS.map((column) => row[column]) });
  if (Number(result.numAffectedRows) !== 1) return false;
  // The kept count moves with the insert, and the caller's transaction commits both or neither.
  await db.executeQuery({ ...compiledCount(db), parameters: [record.appid, 1] });
  return true;
}

/** Saves a changed order unless another write changed it since it was read; returns false then. */
export async function saveOrder(db: Executor, record: OrderRecord, previous: OrderRecord): Promise<boolean> {
  const row = toRow({ ...record, version: previous.version + 1 });
  const parameters = [...CHANGED_COLUMNS.map((column) => row[column]), row.appid, row.order_id, previous.version];
  const result = await db.executeQuery({ ...compiledSave(db), parameters });
  return Number(result.numAffectedRows) === 1;
}

// The lookup, insert and save run on every order call, so they are compiled once per dialect and
// run with new parameters instead of being rebuilt by the query builder each time. Parameters
// follow the order the templates are built in.
const ROW_COLUMNS = [
  'appid',
  'order_id',
  'out_order_id',
  'openid',
  'status',
  'fund_type',
  'detail',
  'create_time',
  'expire_time',
  'pay_time',
  'settle_at',
  'sharer_openid',
  'promoter',
  'version',
  'updated_at',
] as const satisfies readonly (keyof Row)[];
// The save keeps the columns of the primary key as they are.
const CHANGED_COLUMNS = ROW_COLUMNS.filter((column) => column !== 'appid' && column !== 'order_id');
const templates = new Map<string, CompiledQuery>();

function compiled(db: Executor, name: string, build: () => CompiledQuery, parameterCount: number): CompiledQuery {
  const cacheKey = `${db.getExecutor().adapter.constructor.name}:${name}`;
  let template = templates.get(cacheKey);
  if (!template) {
    template = build();
    if (template.parameters.length !== parameterCount) {
      throw new Error(`compiled order query has ${template.parameters.length} parameters, expected ${parameterCount}: ${template.sql}`);
    }
    templates.set(cacheKey, template);
  }
  return template;
}

function compiledLookup(db: Executor, key: OrderKey): CompiledQuery {
  const byOrderId = key.order_id !== undefined;
  const byOutOrderId = key.out_order_id !== undefined;
  return compiled(
    db,
    `lookup:${byOrderId}:${byOutOrderId}`,
    () => {
      let query = db.selectFrom('orders').selectAll().where('appid', '=', '');
      if (byOrderId) query = query.where('order_id', '=', '');
      if (byOutOrderId) query = query.where('out_order_id', '=', '');
      return query.compile();
    },
    1 + (byOrderId ? 1 : 0) + (byOutOrderId ? 1 : 0),
  );
}

function templateRow(): Row {
  // Non-null placeholders, so that every column becomes a bound parameter.
  const row: Record<string, string> = {};
  for (const column of ROW_COLUMNS) row[column] = '';
  return row as unknown as Row;
}

function compiledInsert(db: Executor): CompiledQuery {
  return compiled(db, 'insert', () => db.insertInto('orders').values(templateRow()).onConflict((conflict) => conflict.doNothing()).compile(), ROW_COLUMNS.length);
}

function compiledCount(db: Executor): CompiledQuery {
  return compiled(db, 'count', () =>
    db
      .insertInto('order_counts')
      .values({ appid: '', total: 1 })
      .onConflict((conflict) => conflict.column('appid').doUpdateSet((eb) => ({ total: eb('order_counts.total', '+', eb.ref('excluded.total')) })))
      .compile(), 2);
}

function compiledSave(db: Executor): CompiledQuery {
  return compiled(
    db,
    'save',
    () => {
      const row = templateRow();
      const changes = Object.fromEntries(CHANGED_COLUMNS.map((column) => [column, row[column]]));
      return db.updateTable('orders').set(changes).where('appid', '=', '').where('order_id', '=', '').where('version', '=', 0).compile();
    },
    CHANGED_COLUMNS.length + 3,
  );
}

export interface OrderListFilter {
  appid: string;
  /** Inclusive bounds on the merchant's create_time, in ms. */
  createdFrom?: number;
  createdTo?: number;
  /** Inclusive bounds on the payment time; setting either keeps only paid orders. */
  paidFrom?: number;
  paidTo?: number;
  paidOnly?: boolean;
  sharerOpenid?: string;
  promoter?: string;
  openid?: string;
  status?: number;
  ascending: boolean;
  offset: number;
  limit: number;
}

export async function listOrders(db: Executor, filter: OrderListFilter): Promise<{ total: number; items: OrderRecord[] }> {
  let query = db.selectFrom('orders').where('appid', '=', filter.appid);
  if (filter.createdFrom !== undefined) query = query.where('create_time', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('create_time', '<=', filter.createdTo);
  if (filter.paidOnly) query = query.where('pay_time', 'is not', null);
  if (filter.paidFrom !== undefined) query = query.where('pay_time', '>=', filter.paidFrom);
  if (filter.paidTo !== undefined) query = query.where('pay_time', '<=', filter.paidTo);
  if (filter.sharerOpenid !== undefined) query = query.where('sharer_openid', '=', filter.sharerOpenid);
  if (filter.promoter !== undefined) query = query.where('promoter', '=', filter.promoter);
  if (filter.openid !== undefined) query = query.where('openid', '=', filter.openid);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  // Without a filter the total comes from the kept count. A filtered list counts its rows.
  const filtered = [filter.createdFrom, filter.createdTo, filter.paidFrom, filter.paidTo, filter.sharerOpenid, filter.promoter, filter.openid, filter.status].some((value) => value !== undefined) || filter.paidOnly === true;
  const count = filtered
    ? await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst()
    : await db.selectFrom('order_counts').select('total').where('appid', '=', filter.appid).executeTakeFirst();
  const direction = filter.ascending ? 'asc' : 'desc';
  const rows = await query
    .selectAll()
    .orderBy('create_time', direction)
    .orderBy('order_id', direction)
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  return { total: Number(count?.total ?? 0), items: rows.map((row) => toRecord(row as Row)) };
}

/** Completed orders whose settlement is due, oldest first. */
export async function findDueSettlements(db: Executor, now: number, limit: number): Promise<OrderRecord[]> {
  const rows = await db.selectFrom('orders').selectAll().where('settle_at', 'is not', null).where('settle_at', '<=', now).orderBy('settle_at').limit(limit).execute();
  return rows.map((row) => toRecord(row as Row));
}

/** Unpaid orders whose expire_time has passed, oldest first. */
export async function findExpiredOrders(db: Executor, now: number, limit: number): Promise<OrderRecord[]> {
  const rows = await db
    .selectFrom('orders')
    .selectAll()
    .where('status', 'in', [10, 11])
    .where('expire_time', 'is not', null)
    .where('expire_time', '<=', now)
    .orderBy('expire_time')
    .limit(limit)
    .execute();
  return rows.map((row) => toRecord(row as Row));
}

/** Paid orders a sharer brought in: their order_price total, count and distinct buyers. */
export async function sharerSales(db: Executor, appid: string, sharerOpenid: string): Promise<{ gmv: number; order_cnt: number; user_cnt: number }> {
  const rows = await db
    .selectFrom('orders')
    .select(['openid', 'detail'])
    .where('appid', '=', appid)
    .where('sharer_openid', '=', sharerOpenid)
    .where('pay_time', 'is not', null)
    .execute();
  let gmv = 0;
  const buyers = new Set<string>();
  for (const row of rows) {
    gmv += (JSON.parse(row.detail) as OrderDetail).price_info.order_price;
    buyers.add(row.openid);
  }
  return { gmv, order_cnt: rows.length, user_cnt: buyers.size };
}
