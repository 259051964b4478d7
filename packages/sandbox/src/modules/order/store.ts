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

function toRow(record: OrderRecord) {
  return { ...record, detail: JSON.stringify(record.detail) };
}

/** Finds an order by either id; when both are given they must name the same order. */
export async function findOrder(db: Executor, appid: string, key: OrderKey): Promise<OrderRecord | undefined> {
  let query = db.selectFrom('orders').selectAll().where('appid', '=', appid);
  if (key.order_id !== undefined) query = query.where('order_id', '=', key.order_id);
  if (key.out_order_id !== undefined) query = query.where('out_order_id', '=', key.out_order_id);
  const row = await query.executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

export async function insertOrder(db: Executor, record: OrderRecord): Promise<void> {
  await db.insertInto('orders').values(toRow(record)).execute();
}

/** Saves a changed order unless another write changed it since it was read; returns false then. */
export async function saveOrder(db: Executor, record: OrderRecord, previous: OrderRecord): Promise<boolean> {
  const { appid, order_id, ...changes } = toRow({ ...record, version: previous.version + 1 });
  const result = await db
    .updateTable('orders')
    .set(changes)
    .where('appid', '=', appid)
    .where('order_id', '=', order_id)
    .where('version', '=', previous.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
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
  const count = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst();
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
