import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { formatChinaTime, parseChinaTime } from '../../platform/clock.js';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { enqueueEvent } from '../../push/outbox.js';
import { hasNul, INVALID, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { sqliteHandle } from '../../storage/database.js';
import type { IdAllocator } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { BuyerService } from '../buyer/service.js';
import type { ProductService } from '../product/service.js';
import { checkTicketOrderId, matchCatalogue } from './catalogue.js';
import { readBuyerOpenid, readOrderKey } from './keys.js';
import { ORDER_TRANSITIONS, UNPAID, type OrderAction } from './states.js';
import { findDueSettlements, findExpiredOrders, findOrder, insertOrder, listOrders, lockOutOrderId, readOrder, saveOrder, sharerSales, type OrderKey, type OrderRecord } from './store.js';
import { checkAmounts, readAddress, readOrderAdd, readOutOrderId, type OrderAddInput } from './validate.js';
import { orderGetPayload, orderView, wireId } from './view.js';

/** 19-digit order ids start here, above 2^53 like the platform's (e.g. 3302968738502279424). */
const ORDER_ID_BASE = 3_302_968_738_500_000_000n;
/** Distance between consecutive order ids, so that ids do not look sequential. */
const ORDER_ID_STEP = 4_099n;
/** A trace_id is valid for about ten minutes after wx.checkBeforeAddOrder. */
export const TRACE_ID_TTL_MS = 10 * 60 * 1000;
/** A 2021-flow payment ticket is reused for 24 hours while unconsumed. */
const TICKET_TTL_MS = 24 * 3600 * 1000;
/** order/pay action_type: 1 paid, 2 payment failed, 3 buyer cancelled, 4 unpaid timeout, 5 merchant cancelled, 10 other. */
const PAY_ACTIONS = [1, 2, 3, 4, 5, 10] as const;
const DAY_MS = 24 * 3600 * 1000;
/** Statuses in which the address may still change: before any parcel was sent. */
const ADDRESS_CHANGE_STATUSES = [10, 11, 20];
/** Attempts of one order/add that keeps losing races with adds of the same out_order_id. */
const MAX_ADD_ROUNDS = 10;
/** Orders handled per run of the expiry job. */
const EXPIRY_BATCH = 200;

/** Money of one paid order, as the funds module reads it. */
export interface PaidOrder {
  order_id: string;
  /** order_price in fen. */
  amount: number;
  /** Fen refunded through after-sales. */
  refunded: number;
  pay_time: number;
  settled: boolean;
  /** Last change of the order, the booking time of its refund. */
  updated_at: number;
}

/** Paid orders the funds module reads per app; a sandbox shop stays far below it. */
const PAID_ORDERS_MAX = 100_000;

export class OrderService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly buyers: BuyerService,
    private readonly products: ProductService,
    private readonly ids: IdAllocator,
    private readonly logger: Logger,
  ) {}

  /** order/add in both generations: the 2021 ticket flow (fund_type 0) and the 2022 flow (fund_type 1). */
  async add(app: AppRecord, body: JsonObject, now: number) {
    const outOrderId = readOutOrderId(body);
    const input = readOrderAdd(body, outOrderId, now);
    checkTicketOrderId(body, input.fund_type);
    if (input.openid === undefined || input.openid === '') throw new WireError(1010014, 'order.add.openid.missing');
    const [sequence] = await this.ids.take('order_id', 1n);
    const orderId = (ORDER_ID_BASE + sequence! * ORDER_ID_STEP).toString();

    const postgres = sqliteHandle(this.db) === undefined;
    const attempt = () => this.db.transaction().execute(async (trx) => {
      if (postgres) await lockOutOrderId(trx, app.appid, outOrderId);
      if (!(await this.buyers.isBuyer(trx, app.appid, input.openid!))) throw new WireError(1010014, 'order.add.openid.not_of_app');
      if (input.trace_id !== '') {
        if (hasNul(input.trace_id)) throw new WireError(1010061, 'order.add.trace_id.invalid');
        const trace = await this.buyers.findTraceId(trx, input.trace_id);
        if (!trace || trace.appid !== app.appid || trace.openid !== input.openid || now - trace.issued_at > TRACE_ID_TTL_MS) {
          throw new WireError(1010061, 'order.add.trace_id.invalid');
        }
      }
      checkAmounts(input);

      const existing = await findOrder(trx, app.appid, { out_order_id: outOrderId });
      if (existing && app.settings.strict_duplicates === true) throw new WireError(1010012, 'order.add.duplicate.strict');
      // 2022 flow: create-only, a repeated out_order_id keeps the first version.
      if (existing && (existing.fund_type === 1 || input.fund_type === 1)) return { record: existing, created: false };
      // 2021 flow: a repeated add overwrites the order while it waits for payment.
      if (existing && !UNPAID.includes(existing.status)) throw new WireError(1000000, 'order.add.overwrite_after_payment');

      await matchCatalogue(trx, this.products, app.appid, body, input);
      const ticket = input.fund_type === 0
        ? existing?.detail.ticket && existing.detail.ticket.expires_at > now
          ? existing.detail.ticket
          : { ticket: `ticket_${randomBytes(12).toString('hex')}`, expires_at: now + TICKET_TTL_MS }
        : null;
      const promoter = input.promotion_info.promoter_id ?? input.promotion_info.finder_username ?? null;
      const record: OrderRecord = {
        appid: app.appid,
        order_id: existing?.order_id ?? orderId,
        out_order_id: outOrderId,
        openid: input.openid!,
        status: 10,
        fund_type: input.fund_type,
        detail: {
          path: input.path,
          out_user_id: input.out_user_id,
          scene: input.scene,
          trace_id: input.trace_id,
          aftersale_duration: input.aftersale_duration,
          lines: input.lines,
          pay_info: { ...input.pay_info, transaction_id: '', pay_time: null },
          price_info: input.price_info,
          delivery: { delivery_type: input.delivery_type, finish_all_delivery: 0, delivery_list: [], ship_done_time: null },
          address_info: input.address_info,
          default_receiving_address: input.default_receiving_address,
          promotion_info: input.promotion_info,
          receive_time: null,
          after_sale_deadline: null,
          deadline_extended: false,
          settled: false,
          ticket,
          added_at: existing?.detail.added_at ?? now,
        },
        create_time: input.create_time,
        expire_time: input.expire_time,
        pay_time: null,
        settle_at: null,
        sharer_openid: input.promotion_info.sharer_openid ?? null,
        promoter,
        version: existing?.version ?? 0,
        updated_at: now,
      };
      if (existing) {
        if (!(await saveOrder(trx, record, existing))) throw new WireError(1000000, 'order.add.concurrent_write');
      } else if (!(await insertOrder(trx, record))) {
        // A concurrent add of the same out_order_id took it first: the insert skips on conflict.
        throw new WireError(1000000, 'order.add.concurrent_add');
      }
      await this.announceAdd(trx, app, input, record, now);
      return { record, created: true };
    });
    // On PostgreSQL adds of one out_order_id wait for each other (lockOutOrderId), so a lost race
    // is not expected there. If one happens all the same, the retry reads the stored order and
    // returns what a repeated add returns: the stored ids (2022) or an overwrite (2021).
    let result;
    for (let round = 1; ; round++) {
      try {
        result = await attempt();
        break;
      } catch (error) {
        const lostRace = error instanceof WireError && (error.rule === 'order.add.concurrent_add' || error.rule === 'order.add.concurrent_write');
        if (!lostRace || round >= MAX_ADD_ROUNDS) throw error;
      }
    }

    const { record } = result;
    const data: Record<string, unknown> = { order_id: wireId(record.order_id, input.stringify_ids), out_order_id: record.out_order_id };
    if (record.fund_type === 0 && record.detail.ticket) {
      data.ticket = record.detail.ticket.ticket;
      data.ticket_expire_time = formatChinaTime(record.detail.ticket.expires_at);
      data.final_price = record.detail.price_info.order_price;
    }
    return { data };
  }

  /** An order placed with a trace_id (from wx.checkBeforeAddOrder) is announced to the merchant's push URL. */
  private async announceAdd(trx: Executor, app: AppRecord, input: OrderAddInput, record: OrderRecord, now: number): Promise<void> {
    if (input.trace_id === '') return;
    await enqueueEvent(trx, app, 'open_product_order_analyze', 'order_info', { order_id: wireId(record.order_id), out_order_id: record.out_order_id, openid: record.openid }, now);
  }

  /** order/getpaymentparams: payment parameters for a fund_type 1 order awaiting payment. */
  async getPaymentParams(app: AppRecord, body: JsonObject, now: number) {
    const order = await this.load(this.db, app, body);
    await this.expireIfDue(order, now);
    if (order.fund_type !== 1) throw new WireError(1010047, 'order.getpaymentparams.fund_type_not_1');
    const current = (await findOrder(this.db, app.appid, { order_id: order.order_id }))!;
    if (!UNPAID.includes(current.status)) throw new WireError(1010043, 'order.getpaymentparams.not_awaiting_payment');
    if (current.detail.price_info.order_price === 0) throw new WireError(1010051, 'order.getpaymentparams.zero_price');
    return {
      payment_params: {
        timeStamp: Math.floor(now / 1000),
        nonceStr: randomBytes(16).toString('hex'),
        package: `prepay_id=wx${formatChinaTime(now).replace(/\D/g, '').slice(2)}${randomBytes(12).toString('hex')}`,
        paySign: randomBytes(96).toString('base64'),
        signType: 'RSA',
      },
    };
  }

  /** order/pay: the merchant syncs a 2021-flow payment result (fund_type 1 orders are refused). */
  async pay(app: AppRecord, body: JsonObject, now: number) {
    return this.db.transaction().execute(async (trx) => {
      const order = dueState(await this.load(trx, app, body), now);
      if (order.fund_type === 1) throw new WireError(1010050, 'order.pay.fund_type_1');
      const actionType = readInt(body, 'action_type');
      if (actionType === undefined || actionType === INVALID || !(PAY_ACTIONS as readonly number[]).includes(actionType)) {
        throw new WireError(990007, 'order.pay.action_type.invalid');
      }
      if (actionType !== 1) {
        await this.move(trx, app, order, 'cancel', now, 1000000, (next) => next, { cancel_type: 1 });
        return {};
      }
      const transactionId = readString(body, 'transaction_id');
      if (order.detail.pay_info.pay_method_type === 0 && (typeof transactionId !== 'string' || transactionId === '')) {
        throw new WireError(1010007, 'order.pay.transaction_id.missing');
      }
      const payTimeText = readString(body, 'pay_time');
      const payTime = typeof payTimeText === 'string' ? parseChinaTime(payTimeText) : undefined;
      if (payTime === undefined) throw new WireError(990018, 'order.pay.pay_time.invalid');
      await this.move(trx, app, order, 'pay', now, 1000000, (next) => {
        next.pay_time = payTime;
        next.detail.pay_info.transaction_id = typeof transactionId === 'string' ? transactionId : '';
        next.detail.pay_info.pay_time = payTime;
        return next;
      });
      return {};
    });
  }

  /** order/close: the merchant cancels an order awaiting payment (1010027 otherwise). */
  async close(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const order = dueState(await this.load(trx, app, body), now);
      await this.move(trx, app, order, 'cancel', now, 1010027, (next) => next, { cancel_type: 5 });
    });
    return {};
  }

  /** Changes the delivery address (order/update_address) of an order that has not shipped yet. */
  async updateAddress(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const order = dueState(await this.load(trx, app, body), now);
      const address = readAddress(body.address_info);
      if (address === INVALID || address === null) throw new WireError(1010009, 'order.update_address.address_info.invalid');
      if (!ADDRESS_CHANGE_STATUSES.includes(order.status)) throw new WireError(1000000, `order.update_address.not_allowed_from_${order.status}`);
      const next = structuredClone(order);
      next.detail.address_info = address;
      next.updated_at = Math.max(now, order.updated_at);
      if (!(await this.save(trx, next, order))) throw new WireError(1000000, 'order.update_address.concurrent_write');
    });
    return {};
  }

  /** order/get: the order under `order`, after any expiry due by the sandbox clock. */
  async get(app: AppRecord, body: JsonObject, now: number) {
    // The same checks in the same order as `load`, with a read that may be served from memory.
    const key = readOrderKey(body);
    const openid = await readBuyerOpenid(this.db, this.buyers, app, body);
    const order = await readOrder(this.db, app.appid, key);
    if (!order || order.openid !== openid) throw new WireError(1010011, 'order.not_found');
    const current = await this.expireIfDue(order, now);
    return orderGetPayload(current, now, body.stringify_64bits_number === true);
  }

  /** Loads the order a wire call addresses: ids (1010001), buyer openid (1010014), order (1010011). */
  async load(db: Executor, app: AppRecord, body: JsonObject): Promise<OrderRecord> {
    const key = readOrderKey(body);
    const openid = await readBuyerOpenid(db, this.buyers, app, body);
    const order = await findOrder(db, app.appid, key);
    if (!order || order.openid !== openid) throw new WireError(1010011, 'order.not_found');
    return order;
  }

  /** Finds an order by key for another module (after-sales, admin), inside the caller's transaction. */
  find(db: Executor, appid: string, key: OrderKey): Promise<OrderRecord | undefined> {
    return findOrder(db, appid, key);
  }

  /**
   * Applies a lifecycle action: checks the transition table (`code` when refused), lets `change`
   * adjust the order, saves it, and emits the action's event in the same transaction.
   */
  async move(
    trx: Executor,
    app: AppRecord,
    order: OrderRecord,
    action: OrderAction,
    now: number,
    code: number,
    change: (next: OrderRecord) => OrderRecord,
    eventExtras: Record<string, unknown> = {},
  ): Promise<OrderRecord> {
    let status;
    try {
      status = transition('order status', ORDER_TRANSITIONS, action, order.status);
    } catch (error) {
      if (error instanceof TransitionRejected) throw new WireError(code, `order.${action}.not_allowed_from_${order.status}`);
      throw error;
    }
    const next = change({ ...structuredClone(order), status, updated_at: Math.max(now, order.updated_at) });
    next.status = status;
    next.updated_at = Math.max(now, order.updated_at);
    // Completed fund_type 1 orders settle when their after-sale window ends; closed ones never do.
    if (status === 100 && next.fund_type === 1 && !next.detail.settled) next.settle_at = next.detail.after_sale_deadline;
    if (status === 200) next.settle_at = null;
    if (!(await this.save(trx, next, order))) throw new WireError(code, `order.${action}.concurrent_write`);
    await this.emitFor(trx, app, next, action, now, eventExtras);
    return next;
  }

  /** Saves an order changed outside a transition (parcels, deadlines); false on a lost race. */
  save(trx: Executor, next: OrderRecord, previous: OrderRecord): Promise<boolean> {
    return saveOrder(trx, next, previous);
  }

  private async emitFor(trx: Executor, app: AppRecord, order: OrderRecord, action: OrderAction, now: number, extras: Record<string, unknown>) {
    const ids = { out_order_id: order.out_order_id, order_id: wireId(order.order_id) };
    if (action === 'pay' && order.fund_type === 1) {
      await enqueueEvent(trx, app, 'open_product_order_pay', 'order_info', {
        ...ids,
        transaction_id: order.detail.pay_info.transaction_id,
        pay_time: formatChinaTime(order.pay_time ?? now),
        amount: order.detail.price_info.order_price,
        payer_amount: order.detail.price_info.order_price,
        sp_openid: order.openid,
      }, now);
    } else if (action === 'cancel' || action === 'expire') {
      await enqueueEvent(trx, app, 'open_product_order_cancel', 'order_info', { ...ids, cancel_type: action === 'expire' ? 2 : 1, ...extras }, now);
    } else if (action === 'confirm' || action === 'ship_without_logistics') {
      await enqueueEvent(trx, app, 'open_product_order_confirm', 'order_info', ids, now);
    } else if (action === 'refund_all') {
      await enqueueEvent(trx, app, 'open_product_order_refund', 'order_info', ids, now);
      await enqueueEvent(trx, app, 'open_product_order_cancel', 'order_info', { ...ids, cancel_type: 3 }, now);
    }
  }

  /** Receipt confirmed (delivery/recieve or the buyer): 30 → 100, receive_time and the after-sale window. */
  confirm(trx: Executor, app: AppRecord, order: OrderRecord, now: number): Promise<OrderRecord> {
    return this.move(trx, app, order, 'confirm', now, 1000000, (next) => withReceipt(next, now));
  }

  /** Expires the order when it is unpaid and its expire_time has passed; returns the current order. */
  async expireIfDue(order: OrderRecord, now: number): Promise<OrderRecord> {
    if (!UNPAID.includes(order.status) || order.expire_time === null || order.expire_time > now) return order;
    return this.db.transaction().execute(async (trx) => {
      const current = await findOrder(trx, order.appid, { order_id: order.order_id });
      if (!current || !UNPAID.includes(current.status) || current.expire_time === null || current.expire_time > now) return current ?? order;
      const app = { appid: current.appid, username: await this.username(trx, current.appid) };
      return this.move(trx, app as AppRecord, current, 'expire', now, 1000000, (next) => next);
    });
  }

  /** Background job: cancels (181) every unpaid order whose expire_time has passed. */
  async expireDue(now: number): Promise<number> {
    const due = await findExpiredOrders(this.db, now, EXPIRY_BATCH);
    let expired = 0;
    for (const order of due) {
      try {
        const result = await this.expireIfDue(order, now);
        if (result.status === 181) expired++;
      } catch (error) {
        this.logger.warn({ err: error, appid: order.appid, order_id: order.order_id }, 'order expiry failed; will retry on the next run');
      }
    }
    return expired;
  }

  private async username(trx: Executor, appid: string): Promise<string> {
    const row = await trx.selectFrom('apps').select('username').where('appid', '=', appid).executeTakeFirst();
    return row?.username ?? '';
  }

  /** Records the buyer's payment (admin API): 2022 flow 10 → 20 with a transaction_id, 2021 flow 10 → 11 at the cashier. */
  async buyerPay(app: AppRecord, key: OrderKey, now: number): Promise<OrderRecord> {
    return this.db.transaction().execute(async (trx) => {
      const order = dueState(await this.requireOrder(trx, app, key), now);
      if (order.fund_type === 0) return this.move(trx, app, order, 'cashier_paid', now, 1000000, (next) => next);
      const transactionId = `4200${formatChinaTime(now).replace(/\D/g, '').slice(0, 8)}${BigInt(`0x${randomBytes(8).toString('hex')}`).toString().padStart(16, '0').slice(0, 16)}`;
      return this.move(trx, app, order, 'pay', now, 1000000, (next) => {
        next.pay_time = now;
        next.detail.pay_info.transaction_id = transactionId;
        next.detail.pay_info.pay_time = now;
        return next;
      });
    });
  }

  /** Cancels an unpaid order for the buyer (admin API). */
  buyerCancel(app: AppRecord, key: OrderKey, now: number): Promise<OrderRecord> {
    return this.db.transaction().execute(async (trx) => {
      const order = dueState(await this.requireOrder(trx, app, key), now);
      return this.move(trx, app, order, 'cancel', now, 1000000, (next) => next, { cancel_type: 1 });
    });
  }

  /** Confirms receipt for the buyer (admin API). */
  buyerConfirm(app: AppRecord, key: OrderKey, now: number): Promise<OrderRecord> {
    return this.db.transaction().execute(async (trx) => this.confirm(trx, app, await this.requireOrder(trx, app, key), now));
  }

  /** Settles a completed order for the platform, emitting open_product_order_settle. */
  settle(app: AppRecord, key: OrderKey, now: number): Promise<OrderRecord> {
    return this.db.transaction().execute(async (trx) => {
      const order = await this.requireOrder(trx, app, key);
      if (order.status !== 100 || order.detail.settled) throw new WireError(1000000, 'order.settle.not_completed_or_settled');
      const next = structuredClone(order);
      next.detail.settled = true;
      next.settle_at = null;
      next.updated_at = Math.max(now, order.updated_at);
      if (!(await this.save(trx, next, order))) throw new WireError(1000000, 'order.settle.concurrent_write');
      await enqueueEvent(trx, app, 'open_product_order_settle', 'order_info', {
        out_order_id: order.out_order_id,
        order_id: wireId(order.order_id),
        settle_no: `${order.order_id.slice(-10)}${randomBytes(4).toString('hex')}`,
        amount: order.detail.price_info.order_price - order.detail.lines.reduce((sum, line) => sum + line.refunded, 0),
        settle_time: formatChinaTime(now),
      }, now);
      return next;
    });
  }

  /** Background job: settles every completed order whose after-sale window has ended. */
  async settleDue(now: number, getApp: (appid: string) => Promise<AppRecord | undefined>): Promise<number> {
    // NOTE: an order settles at its after-sale deadline even while one of its after-sales is still
    // open, and a refund accepted later still goes through, so the settlement event overstates
    // what the shop kept. The platform's rule for this case is not documented.
    const due = await findDueSettlements(this.db, now, EXPIRY_BATCH);
    let settled = 0;
    for (const order of due) {
      const app = await getApp(order.appid);
      if (!app) continue;
      try {
        await this.settle(app, { order_id: order.order_id }, now);
        settled++;
      } catch (error) {
        this.logger.warn({ err: error, appid: order.appid, order_id: order.order_id }, 'order settlement failed; will retry on the next run');
      }
    }
    return settled;
  }

  /**
   * Money of every paid order of an app, oldest payment first, for the funds module: the paid
   * amount, what after-sales refunded, and whether the platform has settled it.
   */
  async paidOrders(appid: string): Promise<PaidOrder[]> {
    const { items } = await listOrders(this.db, { appid, paidOnly: true, ascending: true, offset: 0, limit: PAID_ORDERS_MAX });
    return items
      .filter((order) => order.pay_time !== null)
      .map((order) => ({
        order_id: order.order_id,
        amount: order.detail.price_info.order_price,
        refunded: order.detail.lines.reduce((sum, line) => sum + line.refunded, 0),
        pay_time: order.pay_time!,
        settled: order.detail.settled,
        updated_at: order.updated_at,
      }))
      .sort((a, b) => a.pay_time - b.pay_time);
  }

  /**
   * Sales a sharer brought in: the paid orders whose promotion_info named them as sharer_openid
   * (GMV is the sum of order_price in fen, user_cnt the distinct buyers). Refunds do not lower it.
   */
  async salesBySharer(appid: string, sharerOpenid: string): Promise<{ gmv: number; order_cnt: number; user_cnt: number }> {
    return sharerSales(this.db, appid, sharerOpenid);
  }

  private async requireOrder(trx: Executor, app: AppRecord, key: OrderKey): Promise<OrderRecord> {
    const order = await findOrder(trx, app.appid, key);
    if (!order) throw new WireError(1010011, 'order.not_found');
    return order;
  }
}


/**
 * Returns the order as it stands by the clock: an unpaid order past its expire_time reads as 181,
 * so that a write refuses it even before the expiry job has saved the change.
 */
function dueState(order: OrderRecord, now: number): OrderRecord {
  if (UNPAID.includes(order.status) && order.expire_time !== null && order.expire_time <= now) return { ...order, status: 181 };
  return order;
}

/** Sets receive_time and opens the after-sale window of `aftersale_duration` days. */
export function withReceipt(order: OrderRecord, now: number): OrderRecord {
  order.detail.receive_time = now;
  order.detail.after_sale_deadline = now + order.detail.aftersale_duration * DAY_MS;
  return order;
}
