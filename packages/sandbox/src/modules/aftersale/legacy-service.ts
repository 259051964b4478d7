import type { Kysely } from 'kysely';
import { parseChinaTime } from '../../platform/clock.js';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { enqueueEvent } from '../../push/outbox.js';
import { field, hasNul, INVALID, isObject, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { sqliteHandle } from '../../storage/database.js';
import type { IdAllocator } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { OrderService } from '../order/service.js';
import type { OrderRecord } from '../order/store.js';
import { wireId } from '../order/view.js';
import { AFTERSALE_ID_START } from './ec-service.js';
import { V1_STATUS_EVENTS, V1_STATUSES, V1_TRANSITIONS, V1_TYPES, type V1Status } from './states.js';
import { findAftersale, insertAftersale, listForOrder, lockOutAftersaleId, saveAftersale, type AftersaleRecord, type V1Detail } from './store.js';
import { v1View } from './view.js';

const DAY_MS = 24 * 3600 * 1000;
/** update_deadline range: now + 7 days to now + 3 years (documented). */
export const DEADLINE_MIN_MS = 7 * DAY_MS;
export const DEADLINE_MAX_MS = 3 * 365 * DAY_MS;
/** The text of 1010060 requires more than 5 days between receipt confirmation and the deadline. */
const DEADLINE_AFTER_RECEIPT_MS = 5 * DAY_MS;
/** Order statuses in which v1 after-sales cannot be reported (unpaid or cancelled). */
const V1_CLOSED_ORDER_STATUSES = [10, 11, 181, 200, 250];

type V1Record = AftersaleRecord<V1Detail>;

/** shop/aftersale/*: after-sales the merchant reports (2021 flow), plus update_deadline. */
export class LegacyAftersaleService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orders: OrderService,
    private readonly ids: IdAllocator,
  ) {}

  /** aftersale/add: re-entrant by out_aftersale_id on the same order (a repeat overwrites). */
  async add(app: AppRecord, body: JsonObject, now: number) {
    const [internalId] = await this.ids.take('aftersale_id', AFTERSALE_ID_START);
    const requestedOutId = readString(body, 'out_aftersale_id');
    const postgres = sqliteHandle(this.db) === undefined;
    await this.db.transaction().execute(async (trx) => {
      if (postgres && typeof requestedOutId === 'string' && requestedOutId !== '' && !hasNul(requestedOutId)) {
        await lockOutAftersaleId(trx, app.appid, 1, requestedOutId);
      }
      const order = await this.orders.load(trx, app, body);
      if (order.fund_type === 1) throw new WireError(990022, 'aftersale.add.fund_type_1');
      if (V1_CLOSED_ORDER_STATUSES.includes(order.status)) throw new WireError(1000000, `aftersale.add.order_status_${order.status}`);
      const outAftersaleId = readString(body, 'out_aftersale_id');
      if (typeof outAftersaleId !== 'string' || outAftersaleId === '' || hasNul(outAftersaleId)) throw new WireError(990007, 'aftersale.add.out_aftersale_id.missing');
      const type = readInt(body, 'type');
      if (!(V1_TYPES as readonly unknown[]).includes(type)) throw new WireError(990007, 'aftersale.add.type.invalid');
      const createText = readString(body, 'create_time');
      if (createText === undefined) throw new WireError(990007, 'aftersale.add.create_time.missing');
      const createTime = typeof createText === 'string' ? parseChinaTime(createText) : undefined;
      if (createTime === undefined) throw new WireError(990018, 'aftersale.add.create_time.invalid');
      const status = readV1Status(body, 'aftersale.add');
      const finish = readFinish(body, 'aftersale.add');
      const path = readString(body, 'path');
      if (typeof path !== 'string' || path === '') throw new WireError(990007, 'aftersale.add.path.missing');
      const refund = readInt(body, 'refund');
      if (refund === undefined || refund === INVALID || refund < 0) {
        throw new WireError(-1, 'aftersale.add.refund.missing', 'system error 系统错误,请稍后重试, detail: refund amount empty, should not happen');
      }
      const products = readV1Products(body, order);
      const existing = await findAftersale<V1Detail>(trx, app.appid, 1, { out_aftersale_id: outAftersaleId });
      if (existing && existing.order_id !== order.order_id) throw new WireError(1020002, 'aftersale.add.out_aftersale_id.other_order');
      const reason = readString(body, 'refund_reason');
      const address = readString(body, 'refund_address');
      const orderamt = readInt(body, 'orderamt');
      const detail: V1Detail = {
        out_order_id: order.out_order_id,
        type: type as number,
        create_time: createTime,
        path,
        refund,
        product_infos: products,
        refund_reason: typeof reason === 'string' ? reason : '',
        refund_address: typeof address === 'string' ? address : '',
        orderamt: typeof orderamt === 'number' ? orderamt : refund,
        finish_all_aftersale: finish,
      };
      if (existing) {
        // A repeat overwrites the after-sale, but like aftersale/update it cannot leave a final status.
        try {
          transition('aftersale (v1) status', V1_TRANSITIONS, `to_${status}`, existing.status as V1Status);
        } catch (error) {
          if (error instanceof TransitionRejected) throw new WireError(1000000, `aftersale.add.final_status_${existing.status}`);
          throw error;
        }
        const next: V1Record = { ...existing, status, detail, updated_at: Math.max(now, existing.updated_at) };
        if (!(await saveAftersale(trx, next, existing))) throw new WireError(1000000, 'aftersale.add.concurrent_write');
        if (status !== existing.status) await emitStatusEvent(trx, app, next, now);
      } else {
        const record: V1Record = {
          appid: app.appid,
          aftersale_id: internalId!.toString(),
          out_aftersale_id: outAftersaleId,
          generation: 1,
          order_id: order.order_id,
          openid: order.openid,
          status,
          detail,
          deadline_at: null,
          version: 0,
          created_at: now,
          updated_at: now,
        };
        await insertAftersale(trx, record);
        await enqueueEvent(trx, app, 'aftersale_new_order', 'aftersale_info', {
          aftersale_id: wireId(record.aftersale_id),
          order_id: wireId(order.order_id),
          out_order_id: order.out_order_id,
        }, now);
        await emitStatusEvent(trx, app, record, now);
      }
      if (finish === 1) await this.closeOrder(trx, app, order, now);
    });
    return {};
  }

  /** aftersale/get: every v1 after-sale of the order. */
  async get(app: AppRecord, body: JsonObject) {
    const order = await this.orders.load(this.db, app, body);
    const items = await listForOrder<V1Detail>(this.db, app.appid, 1, order.order_id);
    return { aftersale_infos: items.map(v1View) };
  }

  /** aftersale/update: only status and finish_all_aftersale change. */
  async update(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const order = await this.orders.load(trx, app, body);
      if (order.fund_type === 1) throw new WireError(990022, 'aftersale.update.fund_type_1');
      const outAftersaleId = readString(body, 'out_aftersale_id');
      if (typeof outAftersaleId !== 'string' || outAftersaleId === '' || hasNul(outAftersaleId)) throw new WireError(990007, 'aftersale.update.out_aftersale_id.missing');
      const status = readV1Status(body, 'aftersale.update');
      const finish = readFinish(body, 'aftersale.update');
      const existing = await findAftersale<V1Detail>(trx, app.appid, 1, { out_aftersale_id: outAftersaleId });
      if (!existing || existing.order_id !== order.order_id) throw new WireError(1020003, 'aftersale.update.not_found');
      let next: V1Status;
      try {
        next = transition('aftersale (v1) status', V1_TRANSITIONS, `to_${status}`, existing.status as V1Status);
      } catch (error) {
        if (error instanceof TransitionRejected) throw new WireError(1000000, `aftersale.update.final_status_${existing.status}`);
        throw error;
      }
      const record: V1Record = { ...existing, status: next, detail: { ...existing.detail, finish_all_aftersale: finish }, updated_at: Math.max(now, existing.updated_at) };
      if (!(await saveAftersale(trx, record, existing))) throw new WireError(1000000, 'aftersale.update.concurrent_write');
      if (next !== existing.status) await emitStatusEvent(trx, app, record, now);
      if (finish === 1) await this.closeOrder(trx, app, order, now);
    });
    return {};
  }

  /** aftersale/update_deadline: extends the after-sale window of a received order, once. */
  async updateDeadline(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const order = await this.orders.load(trx, app, body);
      const receivedAt = order.detail.receive_time;
      if (order.status !== 100 || receivedAt === null || order.detail.settled) throw new WireError(1010001, 'aftersale.update_deadline.not_received');
      if (order.detail.deadline_extended) throw new WireError(1010056, 'aftersale.update_deadline.already_extended');
      const seconds = readInt(body, 'after_sale_deadline');
      if (seconds === undefined || seconds === INVALID) throw new WireError(1010060, 'aftersale.update_deadline.missing');
      const deadline = seconds * 1000;
      const current = order.detail.after_sale_deadline ?? 0;
      if (deadline < now + DEADLINE_MIN_MS || deadline > now + DEADLINE_MAX_MS || deadline <= receivedAt + DEADLINE_AFTER_RECEIPT_MS || deadline <= current) {
        throw new WireError(1010060, 'aftersale.update_deadline.out_of_range');
      }
      const next = structuredClone(order);
      next.detail.after_sale_deadline = deadline;
      next.detail.deadline_extended = true;
      if (next.settle_at !== null) next.settle_at = deadline;
      next.updated_at = Math.max(now, order.updated_at);
      if (!(await this.orders.save(trx, next, order))) throw new WireError(1000000, 'aftersale.update_deadline.concurrent_write');
    });
    return {};
  }

  /**
   * Cancels a v1 after-sale for the buyer in WeChat (admin API): any open status → 1, with
   * aftersale_user_cancel so that the merchant learns of it.
   */
  async buyerCancel(app: AppRecord, aftersaleId: string, now: number): Promise<V1Record> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await findAftersale<V1Detail>(trx, app.appid, 1, { aftersale_id: aftersaleId });
      if (!existing) throw new WireError(2747007, 'aftersale.cancel.not_found');
      let next: V1Status;
      try {
        next = transition('aftersale (v1) status', V1_TRANSITIONS, 'to_1', existing.status as V1Status);
      } catch (error) {
        if (error instanceof TransitionRejected) throw new WireError(1000000, `aftersale.cancel.final_status_${existing.status}`);
        throw error;
      }
      const record: V1Record = { ...existing, status: next, updated_at: Math.max(now, existing.updated_at) };
      if (!(await saveAftersale(trx, record, existing))) throw new WireError(1000000, 'aftersale.cancel.concurrent_write');
      await emitStatusEvent(trx, app, record, now);
      return record;
    });
  }

  /** Finds a v1 after-sale by its platform id (admin API). */
  find(appid: string, aftersaleId: string): Promise<V1Record | undefined> {
    return findAftersale<V1Detail>(this.db, appid, 1, { aftersale_id: aftersaleId });
  }

  listForOrder(appid: string, orderId: string): Promise<V1Record[]> {
    return listForOrder<V1Detail>(this.db, appid, 1, orderId);
  }

  /** finish_all_aftersale 1: every item went through after-sales, the order closes (200). */
  private async closeOrder(trx: Executor, app: AppRecord, order: OrderRecord, now: number): Promise<void> {
    const current = (await this.orders.find(trx, app.appid, { order_id: order.order_id }))!;
    if (current.status === 200) return;
    await this.orders.move(trx, app, current, 'refund_all', now, 1000000, (next) => next);
  }
}

/** Pushes the event of the status a v1 after-sale entered, if that status has one. */
async function emitStatusEvent(trx: Executor, app: AppRecord, record: V1Record, now: number): Promise<void> {
  const event = V1_STATUS_EVENTS[record.status as V1Status];
  if (event) await enqueueEvent(trx, app, event, 'aftersale_info', { aftersale_id: wireId(record.aftersale_id), out_aftersale_id: record.out_aftersale_id }, now);
}

function readV1Status(body: JsonObject, rule: string): V1Status {
  const status = readInt(body, 'status');
  if (!(V1_STATUSES as readonly unknown[]).includes(status)) throw new WireError(990007, `${rule}.status.invalid`);
  return status as V1Status;
}

function readFinish(body: JsonObject, rule: string): number {
  const finish = readInt(body, 'finish_all_aftersale');
  if (finish !== 0 && finish !== 1) throw new WireError(990007, `${rule}.finish_all_aftersale.invalid`);
  return finish;
}

/** product_infos must be lines of the order (1020005 when empty, 1020004 when a line is foreign). */
function readV1Products(body: JsonObject, order: OrderRecord): V1Detail['product_infos'] {
  const value = field(body, 'product_infos');
  if (!Array.isArray(value) || value.length === 0) throw new WireError(1020005, 'aftersale.add.product_infos.missing');
  return value.map((item, index) => {
    if (!isObject(item)) throw new WireError(1020004, `aftersale.add.product_infos[${index}].not_object`);
    const outProductId = readString(item, 'out_product_id');
    const outSkuId = readString(item, 'out_sku_id') ?? '';
    const count = readInt(item, 'product_cnt');
    const line = order.detail.lines.find((candidate) => candidate.out_product_id === outProductId && candidate.out_sku_id === outSkuId);
    if (!line) throw new WireError(1020004, `aftersale.add.product_infos[${index}].not_in_order`);
    if (count === INVALID || (count !== undefined && (count < 1 || count > line.product_cnt))) throw new WireError(1020004, `aftersale.add.product_infos[${index}].product_cnt.invalid`);
    return { out_product_id: line.out_product_id, out_sku_id: line.out_sku_id, product_cnt: count ?? line.product_cnt };
  });
}
