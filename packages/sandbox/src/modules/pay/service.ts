import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { enqueueEvent } from '../../push/outbox.js';
import { formatChinaTime } from '../../platform/clock.js';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { field, hasNul, INVALID, isObject, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { BuyerService } from '../buyer/service.js';
import { DEFAULT_EXPIRY_MS, TRADE_TRANSITIONS, type TradeAction, type TradeState } from './states.js';
import { findCombined, findTrade, findTradeByTransaction, insertTrade, listAppTrades, listTrades, saveTrade, type TradeRecord } from './store.js';

/** combine_trade_no, trade_no, refund_no and profit_sharing_no: 6–32 of digits, letters and `_-|*@`. */
const TRADE_NO_PATTERN = /^[0-9A-Za-z_\-|*@]{6,32}$/;
export const TRADE_PAGE_SIZE_MAX = 100;
const DAY_S = 86400;

interface SubOrderInput {
  mchid: string;
  description: string;
  amount: number;
  trade_no: string;
}

function text(body: JsonObject, key: string, rule: string): string {
  const value = readString(body, key);
  // A NUL can never match a stored value, and PostgreSQL text cannot take it as a parameter.
  if (value === undefined || value === INVALID || value === '' || hasNul(value)) throw new WireError(-2, rule);
  return value;
}

function tradeNo(body: JsonObject, key: string, rule: string): string {
  const value = text(body, key, `${rule}.missing`);
  if (!TRADE_NO_PATTERN.test(value)) throw new WireError(-2, `${rule}.invalid`);
  return value;
}

/** An amount in fen: a JSON integer only, as the platform refuses strings here. */
function fen(body: JsonObject, key: string, rule: string): number {
  const value = field(body, key);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new WireError(-2, rule);
  return value;
}

function nextState(action: TradeAction, from: TradeState, rule: string): TradeState {
  try {
    return transition('payment-service trade', TRADE_TRANSITIONS, action, from);
  } catch (error) {
    if (error instanceof TransitionRejected) throw new WireError(-2, rule);
    throw error;
  }
}

/** A trade as the clock sees it: unpaid past its expiry reads as closed. */
function due(trade: TradeRecord, now: number): TradeRecord {
  if (trade.state === 1 && trade.detail.expire_time <= now) return { ...trade, state: nextState('expire', 1, 'pay.expire') };
  return trade;
}

/**
 * The mini program payment service (shop/pay/*): combined orders split into per-merchant trades,
 * paid by the buyer through the admin API, then refunded, closed or shared.
 */
export class PayService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly buyers: BuyerService,
  ) {}

  async createOrder(app: AppRecord, body: JsonObject, now: number) {
    const openid = text(body, 'openid', 'pay.createorder.openid_missing');
    const combine = tradeNo(body, 'combine_trade_no', 'pay.createorder.combine_trade_no');
    const expireSeconds = readInt(body, 'expire_time');
    if (expireSeconds === INVALID) throw new WireError(-2, 'pay.createorder.expire_time_invalid');
    if (expireSeconds !== undefined && expireSeconds * 1000 <= now) throw new WireError(-2, 'pay.createorder.expire_time_past');
    const list = field(body, 'sub_orders');
    if (!Array.isArray(list) || list.length === 0) throw new WireError(-2, 'pay.createorder.sub_orders_missing');
    const subOrders: SubOrderInput[] = list.map((item) => {
      if (!isObject(item)) throw new WireError(-2, 'pay.createorder.sub_order_invalid');
      return {
        mchid: text(item, 'mchid', 'pay.createorder.mchid_missing'),
        description: text(item, 'description', 'pay.createorder.description_missing'),
        amount: fen(item, 'amount', 'pay.createorder.amount_invalid'),
        trade_no: tradeNo(item, 'trade_no', 'pay.createorder.trade_no'),
      };
    });
    if (new Set(subOrders.map((item) => item.trade_no)).size !== subOrders.length) throw new WireError(-2, 'pay.createorder.trade_no_repeated');
    if (!(await this.buyers.isBuyer(this.db, app.appid, openid))) throw new WireError(-2, 'pay.createorder.openid_not_of_app');

    const prepayId = `wx${formatChinaTime(now).replace(/\D/g, '').slice(2)}${randomBytes(12).toString('hex')}`;
    const stored = await this.db.transaction().execute(async (trx) => {
      const existing = await findCombined(trx, app.appid, combine);
      if (existing.length > 0) {
        // The same combine_trade_no is the same request: its sub-orders cannot change.
        const same =
          existing.length === subOrders.length &&
          existing[0]!.openid === openid &&
          subOrders.every((input) => existing.some((trade) => trade.trade_no === input.trade_no && trade.amount === input.amount && trade.mchid === input.mchid));
        if (!same) throw new WireError(-2, 'pay.createorder.combine_changed');
        if (existing.some((trade) => due(trade, now).state !== 1)) throw new WireError(-2, 'pay.createorder.not_awaiting_payment');
        return existing[0]!.detail.prepay_id;
      }
      for (const input of subOrders) {
        if (await findTrade(trx, app.appid, input.trade_no)) throw new WireError(-2, 'pay.createorder.trade_no_used');
      }
      for (const input of subOrders) {
        await insertTrade(trx, {
          appid: app.appid,
          trade_no: input.trade_no,
          combine_trade_no: combine,
          mchid: input.mchid,
          openid,
          state: 1,
          amount: input.amount,
          detail: {
            description: input.description,
            transaction_id: '',
            prepay_id: prepayId,
            pay_time: null,
            expire_time: expireSeconds === undefined ? now + DEFAULT_EXPIRY_MS : expireSeconds * 1000,
            refund_list: [],
            profit_sharing_list: [],
          },
          create_time: now,
          update_time: now,
          version: 0,
        });
      }
      return prepayId;
    });
    return {
      payment_params: {
        timeStamp: Math.floor(now / 1000),
        nonceStr: randomBytes(16).toString('hex'),
        package: `prepay_id=${stored}`,
        paySign: randomBytes(96).toString('base64'),
        signType: 'RSA',
      },
    };
  }

  async getOrder(app: AppRecord, body: JsonObject, now: number) {
    const no = text(body, 'trade_no', 'pay.getorder.trade_no_missing');
    const trade = await findTrade(this.db, app.appid, no);
    if (!trade) throw new WireError(9710001, 'pay.getorder.not_found');
    return { order: tradeView(due(trade, now)) };
  }

  private async requireTrade(trx: Executor, app: AppRecord, body: JsonObject, rule: string): Promise<TradeRecord> {
    const no = readString(body, 'trade_no');
    const transactionId = readString(body, 'transaction_id');
    if (no === INVALID || transactionId === INVALID || (!no && !transactionId) || hasNul(no ?? '') || hasNul(transactionId ?? '')) throw new WireError(-2, `${rule}.trade_no_missing`);
    const trade = no ? await findTrade(trx, app.appid, no) : await findTradeByTransaction(trx, app.appid, transactionId!);
    if (!trade || (no && transactionId && trade.detail.transaction_id !== transactionId)) throw new WireError(9710001, `${rule}.not_found`);
    return trade;
  }

  async refundOrder(app: AppRecord, body: JsonObject, now: number) {
    const openid = text(body, 'openid', 'pay.refundorder.openid_missing');
    const mchid = text(body, 'mchid', 'pay.refundorder.mchid_missing');
    const refundNo = tradeNo(body, 'refund_no', 'pay.refundorder.refund_no');
    const total = fen(body, 'total_amount', 'pay.refundorder.total_amount_invalid');
    const amount = fen(body, 'refund_amount', 'pay.refundorder.refund_amount_invalid');
    const refundId = `50${formatChinaTime(now).replace(/\D/g, '').slice(0, 8)}${randomBytes(8).toString('hex')}`;
    await this.db.transaction().execute(async (trx) => {
      const trade = due(await this.requireTrade(trx, app, body, 'pay.refundorder'), now);
      if (trade.openid !== openid || trade.mchid !== mchid) throw new WireError(-2, 'pay.refundorder.openid_or_mchid_mismatch');
      if (total !== trade.amount) throw new WireError(-2, 'pay.refundorder.total_amount_mismatch');
      const earlier = trade.detail.refund_list.find((refund) => refund.refund_no === refundNo);
      if (earlier) {
        // The same refund_no is the same request.
        if (earlier.amount !== amount) throw new WireError(-2, 'pay.refundorder.refund_no_reused');
        return;
      }
      if (trade.state !== 2) throw new WireError(-2, 'pay.refundorder.not_paid');
      const refunded = trade.detail.refund_list.reduce((sum, refund) => sum + refund.amount, 0);
      if (refunded + amount > trade.amount) throw new WireError(-2, 'pay.refundorder.over_amount');
      const next = structuredClone(trade);
      next.detail.refund_list.push({ refund_no: refundNo, refund_id: refundId, amount, create_time: now, finish_time: now, result: 'SUCCESS' });
      if (refunded + amount === trade.amount) next.state = nextState('refund_all', trade.state, 'pay.refundorder.wrong_state');
      next.update_time = Math.max(now, trade.update_time);
      if (!(await saveTrade(trx, next, trade))) throw new WireError(-1, 'pay.refundorder.concurrent_write');
      await enqueueEvent(trx, app, 'funds_order_refund', 'order_info', { refund_no: refundNo, status: 1, success_time: formatChinaTime(now) }, now);
    });
    return {};
  }

  async closeOrder(app: AppRecord, body: JsonObject, now: number) {
    const openid = text(body, 'openid', 'pay.closeorder.openid_missing');
    const combine = tradeNo(body, 'combine_trade_no', 'pay.closeorder.combine_trade_no');
    const list = field(body, 'sub_orders');
    if (!Array.isArray(list) || list.length === 0) throw new WireError(-2, 'pay.closeorder.sub_orders_missing');
    const keys = list.map((item) => {
      if (!isObject(item)) throw new WireError(-2, 'pay.closeorder.sub_order_invalid');
      return { mchid: text(item, 'mchid', 'pay.closeorder.mchid_missing'), trade_no: text(item, 'trade_no', 'pay.closeorder.trade_no_missing') };
    });
    await this.db.transaction().execute(async (trx) => {
      const trades = await findCombined(trx, app.appid, combine);
      if (trades.length === 0) throw new WireError(9710001, 'pay.closeorder.not_found');
      if (trades[0]!.openid !== openid) throw new WireError(-2, 'pay.closeorder.openid_mismatch');
      for (const key of keys) {
        if (!trades.some((trade) => trade.trade_no === key.trade_no && trade.mchid === key.mchid)) throw new WireError(-2, 'pay.closeorder.sub_order_unknown');
      }
      for (const stored of trades) {
        const trade = due(stored, now);
        if (trade.state === 3) continue;
        const next = { ...trade, state: nextState('close', trade.state, 'pay.closeorder.already_paid'), update_time: Math.max(now, trade.update_time) };
        if (!(await saveTrade(trx, next, stored))) throw new WireError(-1, 'pay.closeorder.concurrent_write');
      }
    });
    return {};
  }

  async getOrderList(app: AppRecord, body: JsonObject) {
    const mchid = text(body, 'mchid', 'pay.getorderlist.mchid_missing');
    const pageSize = readInt(body, 'page_size');
    const begin = readInt(body, 'begin_create_time');
    const end = readInt(body, 'end_create_time');
    const lastIndex = readString(body, 'last_index');
    if (pageSize === undefined || pageSize === INVALID || pageSize < 1) throw new WireError(-2, 'pay.getorderlist.page_size_invalid');
    if (pageSize > TRADE_PAGE_SIZE_MAX) throw new WireError(990005, 'pay.getorderlist.page_size_over_cap');
    if (begin === undefined || begin === INVALID || end === undefined || end === INVALID) throw new WireError(-2, 'pay.getorderlist.time_missing');
    if (begin > end) throw new WireError(990009, 'pay.getorderlist.time_reversed');
    if (end - begin > DAY_S) throw new WireError(-2, 'pay.getorderlist.window_over_one_day');
    if (lastIndex === INVALID || (lastIndex !== undefined && lastIndex !== '' && !/^\d{1,9}$/.test(lastIndex))) throw new WireError(-2, 'pay.getorderlist.last_index_invalid');
    const offset = lastIndex ? Number(lastIndex) : 0;
    const rows = await listTrades(this.db, app.appid, mchid, begin * 1000, end * 1000 + 999, offset, pageSize + 1);
    const hasMore = rows.length > pageSize;
    return { trade_no_list: rows.slice(0, pageSize).map((trade) => trade.trade_no), has_more: hasMore, last_index: String(offset + Math.min(rows.length, pageSize)) };
  }

  async profitSharingOrder(app: AppRecord, body: JsonObject, now: number) {
    const mchid = text(body, 'mchid', 'pay.profitsharingorder.mchid_missing');
    const openid = text(body, 'openid', 'pay.profitsharingorder.openid_missing');
    const sharingNo = tradeNo(body, 'profit_sharing_no', 'pay.profitsharingorder.profit_sharing_no');
    const sharingId = `30${formatChinaTime(now).replace(/\D/g, '').slice(0, 8)}${randomBytes(8).toString('hex')}`;
    await this.db.transaction().execute(async (trx) => {
      const trade = due(await this.requireTrade(trx, app, body, 'pay.profitsharingorder'), now);
      if (trade.openid !== openid || trade.mchid !== mchid) throw new WireError(-2, 'pay.profitsharingorder.openid_or_mchid_mismatch');
      if (trade.detail.profit_sharing_list.some((item) => item.profit_sharing_no === sharingNo)) return;
      if (trade.state !== 2) throw new WireError(-2, 'pay.profitsharingorder.not_paid');
      if (trade.detail.profit_sharing_list.length > 0) throw new WireError(-2, 'pay.profitsharingorder.already_shared');
      const amount = trade.amount - trade.detail.refund_list.reduce((sum, refund) => sum + refund.amount, 0);
      const next = structuredClone(trade);
      next.detail.profit_sharing_list.push({ mchid, profit_sharing_no: sharingNo, profit_sharing_id: sharingId, amount, create_time: now, finish_time: now, result: 'SUCCESS' });
      next.update_time = Math.max(now, trade.update_time);
      if (!(await saveTrade(trx, next, trade))) throw new WireError(-1, 'pay.profitsharingorder.concurrent_write');
      await enqueueEvent(trx, app, 'funds_order_profitsharing', 'order_info', { profit_sharing_no: sharingNo, amount, result: 'SUCCESS', finish_time: formatChinaTime(now) }, now);
    });
    return {};
  }

  /** Admin: the buyer pays the combined order a trade belongs to; every trade gets funds_order_pay. */
  async buyerPay(app: AppRecord, tradeNoValue: string, now: number): Promise<TradeRecord[]> {
    return this.db.transaction().execute(async (trx) => {
      const first = await findTrade(trx, app.appid, tradeNoValue);
      if (!first) throw new WireError(9710001, 'pay.buyer_pay.not_found');
      const paid: TradeRecord[] = [];
      for (const stored of await findCombined(trx, app.appid, first.combine_trade_no)) {
        const trade = due(stored, now);
        const next = structuredClone({ ...trade, state: nextState('pay', trade.state, 'pay.buyer_pay.not_awaiting_payment') });
        next.detail.pay_time = now;
        next.detail.transaction_id = `4200${formatChinaTime(now).replace(/\D/g, '').slice(0, 8)}${BigInt(`0x${randomBytes(8).toString('hex')}`).toString().padStart(20, '0').slice(0, 18)}`;
        next.update_time = Math.max(now, trade.update_time);
        if (!(await saveTrade(trx, next, stored))) throw new WireError(-1, 'pay.buyer_pay.concurrent_write');
        await enqueueEvent(trx, app, 'funds_order_pay', 'order_info', { trade_no: next.trade_no, transaction_id: next.detail.transaction_id, pay_time: formatChinaTime(now) }, now);
        paid.push(next);
      }
      return paid;
    });
  }

  async list(app: AppRecord, now: number) {
    return (await listAppTrades(this.db, app.appid, 500)).map((trade) => ({ ...tradeView(due(trade, now)), state: due(trade, now).state, openid: trade.openid }));
  }
}

const seconds = (ms: number | null) => (ms === null ? 0 : Math.floor(ms / 1000));

export function tradeView(trade: TradeRecord) {
  return {
    mchid: trade.mchid,
    trade_no: trade.trade_no,
    combine_trade_no: trade.combine_trade_no,
    transaction_id: trade.detail.transaction_id,
    create_time: seconds(trade.create_time),
    update_time: seconds(trade.update_time),
    pay_time: seconds(trade.detail.pay_time),
    expire_time: seconds(trade.detail.expire_time),
    amount: trade.amount,
    description: trade.detail.description,
    refund_list: trade.detail.refund_list.map((refund) => ({ ...refund, create_time: seconds(refund.create_time), finish_time: seconds(refund.finish_time) })),
    profit_sharing_list: trade.detail.profit_sharing_list.map((item) => ({ ...item, create_time: seconds(item.create_time), finish_time: seconds(item.finish_time) })),
    profit_sharing_delay: 0,
    profit_sharing_frozen: trade.detail.profit_sharing_list.length > 0 ? 0 : 1,
  };
}
