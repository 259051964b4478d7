import type { Executor } from '../app/store.js';
import type { TradeState } from './states.js';

export interface RefundEntry {
  refund_no: string;
  refund_id: string;
  amount: number;
  create_time: number;
  finish_time: number;
  result: string;
}

export interface ProfitSharingEntry {
  mchid: string;
  profit_sharing_no: string;
  profit_sharing_id: string;
  amount: number;
  create_time: number;
  finish_time: number;
  result: string;
}

export interface TradeRecord {
  appid: string;
  trade_no: string;
  combine_trade_no: string;
  mchid: string;
  openid: string;
  state: TradeState;
  amount: number;
  detail: {
    description: string;
    transaction_id: string;
    prepay_id: string;
    pay_time: number | null;
    expire_time: number;
    refund_list: RefundEntry[];
    profit_sharing_list: ProfitSharingEntry[];
  };
  create_time: number;
  update_time: number;
  version: number;
}

type Row = Omit<TradeRecord, 'detail' | 'state'> & { detail: string; state: number };

function toRecord(row: Row): TradeRecord {
  return {
    ...row,
    state: Number(row.state) as TradeState,
    amount: Number(row.amount),
    detail: JSON.parse(row.detail) as TradeRecord['detail'],
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
    version: Number(row.version),
  };
}

export async function insertTrade(db: Executor, record: TradeRecord): Promise<void> {
  await db.insertInto('pay_trades').values({ ...record, detail: JSON.stringify(record.detail) }).execute();
}

/** Saves a changed trade unless another write changed it since it was read; returns false then. */
export async function saveTrade(db: Executor, record: TradeRecord, previous: TradeRecord): Promise<boolean> {
  const result = await db
    .updateTable('pay_trades')
    .set({ state: record.state, detail: JSON.stringify(record.detail), update_time: record.update_time, version: previous.version + 1 })
    .where('appid', '=', record.appid)
    .where('trade_no', '=', record.trade_no)
    .where('version', '=', previous.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findTrade(db: Executor, appid: string, tradeNo: string): Promise<TradeRecord | undefined> {
  const row = await db.selectFrom('pay_trades').selectAll().where('appid', '=', appid).where('trade_no', '=', tradeNo).executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

export async function findTradeByTransaction(db: Executor, appid: string, transactionId: string): Promise<TradeRecord | undefined> {
  // transaction ids are rare lookups; they live in the JSON detail, matched on the app's trades.
  const rows = await db.selectFrom('pay_trades').selectAll().where('appid', '=', appid).where('detail', 'like', `%"transaction_id":"${transactionId.replace(/[%_"\\]/g, '')}"%`).execute();
  return rows.map((row) => toRecord(row as Row)).find((trade) => trade.detail.transaction_id === transactionId);
}

export async function findCombined(db: Executor, appid: string, combineTradeNo: string): Promise<TradeRecord[]> {
  const rows = await db.selectFrom('pay_trades').selectAll().where('appid', '=', appid).where('combine_trade_no', '=', combineTradeNo).orderBy('trade_no').execute();
  return rows.map((row) => toRecord(row as Row));
}

/** Trades of a merchant created in [from, to] (ms), oldest first, from `offset`. */
export async function listTrades(db: Executor, appid: string, mchid: string, from: number, to: number, offset: number, limit: number): Promise<TradeRecord[]> {
  const rows = await db
    .selectFrom('pay_trades')
    .selectAll()
    .where('appid', '=', appid)
    .where('mchid', '=', mchid)
    .where('create_time', '>=', from)
    .where('create_time', '<=', to)
    .orderBy('create_time')
    .orderBy('trade_no')
    .offset(offset)
    .limit(limit)
    .execute();
  return rows.map((row) => toRecord(row as Row));
}

/** Every trade of an app, newest first, for the admin API. */
export async function listAppTrades(db: Executor, appid: string, limit: number): Promise<TradeRecord[]> {
  const rows = await db.selectFrom('pay_trades').selectAll().where('appid', '=', appid).orderBy('create_time', 'desc').orderBy('trade_no').limit(limit).execute();
  return rows.map((row) => toRecord(row as Row));
}
