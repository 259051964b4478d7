import { fitsIntegerColumn } from '../../storage/database.js';
import type { Executor } from '../app/store.js';
import type { ComplaintState } from './states.js';

export interface FlowItem {
  /** 1 buyer, 2 merchant, 3 platform. */
  object: number;
  state: ComplaintState;
  event: number;
  event_describe: string;
  time: number;
  content: string;
  media_url_list: string[];
}

export interface ComplaintRecord {
  appid: string;
  complaint_order_id: string;
  order_id: string;
  after_sale_order_id: string;
  state: ComplaintState;
  type: number;
  detail: { openid: string; phone_number: string; judge_result: number; expired_time: number | null; flow: FlowItem[] };
  create_time: number;
  update_time: number;
}

type Row = Omit<ComplaintRecord, 'detail' | 'state'> & { detail: string; state: number };

function toRecord(row: Row): ComplaintRecord {
  return {
    ...row,
    state: Number(row.state) as ComplaintState,
    type: Number(row.type),
    detail: JSON.parse(row.detail) as ComplaintRecord['detail'],
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
  };
}

export async function insertComplaint(db: Executor, record: ComplaintRecord): Promise<void> {
  await db.insertInto('complaints').values({ ...record, detail: JSON.stringify(record.detail) }).execute();
}

/** Saves a change unless the complaint moved since it was read; returns false then. */
export async function saveComplaint(db: Executor, record: ComplaintRecord, previous: ComplaintRecord): Promise<boolean> {
  const result = await db
    .updateTable('complaints')
    .set({ state: record.state, detail: JSON.stringify(record.detail), update_time: record.update_time })
    .where('appid', '=', record.appid)
    .where('complaint_order_id', '=', record.complaint_order_id)
    .where('update_time', '=', previous.update_time)
    .where('state', '=', previous.state)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findComplaint(db: Executor, appid: string, id: string): Promise<ComplaintRecord | undefined> {
  const row = await db.selectFrom('complaints').selectAll().where('appid', '=', appid).where('complaint_order_id', '=', id).executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

export interface ComplaintFilter {
  appid: string;
  state?: number;
  type?: number;
  /** Inclusive bounds on create_time, in ms. */
  from?: number;
  to?: number;
  orderId?: string;
  afterSaleOrderId?: string;
  offset: number;
  limit: number;
}

export async function listComplaints(db: Executor, filter: ComplaintFilter): Promise<{ total: number; items: ComplaintRecord[] }> {
  for (const value of [filter.state, filter.type]) {
    if (value !== undefined && !fitsIntegerColumn(value)) return { total: 0, items: [] };
  }
  let query = db.selectFrom('complaints').where('appid', '=', filter.appid);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.from !== undefined) query = query.where('create_time', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('create_time', '<=', filter.to);
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.afterSaleOrderId !== undefined) query = query.where('after_sale_order_id', '=', filter.afterSaleOrderId);
  const count = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst();
  const rows = await query.selectAll().orderBy('create_time', 'desc').orderBy('complaint_order_id', 'desc').offset(filter.offset).limit(filter.limit).execute();
  return { total: Number(count?.total ?? 0), items: rows.map((row) => toRecord(row as Row)) };
}
