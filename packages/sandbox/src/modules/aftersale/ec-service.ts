import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { enqueueEvent } from '../../push/outbox.js';
import { field, hasNul, INVALID, isObject, readId, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { sqliteHandle } from '../../storage/database.js';
import type { IdAllocator } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import { delayMs } from '../app/settings.js';
import type { BuyerService } from '../buyer/service.js';
import { readBuyerOpenid, readOrderKey } from '../order/keys.js';
import type { OrderService } from '../order/service.js';
import type { OrderRecord } from '../order/store.js';
import { readAddress } from '../order/validate.js';
import { wireId } from '../order/view.js';
import { readAftersaleKey, readEcRequest, readOrderAmount } from './ec-read.js';
import { checkCap, findLine, lineRefusal } from './ec-rules.js';
import { AFTERSALE_ORDER_STATUSES, DEFAULT_REFUND_DELAY_SECONDS, EC_ACTION_TEXT, EC_AFTERSALE_TRANSITIONS, EC_EVENTS, EC_OPEN, EC_REFUNDED, EC_STATUS_TEXT, timeoutOf, type EcAftersaleAction, type EcAftersaleStatus } from './states.js';
import { findAftersale, findDueAftersales, insertAftersale, listAftersales, listForOrder, lockOutAftersaleId, saveAftersale, type AftersaleRecord, type EcDetail } from './store.js';
import { ecView } from './view.js';

/** After-sale ids are 16 digits on the platform (e.g. 4000000001596225). */
export const AFTERSALE_ID_START = 4_000_000_001_500_001n;
/** Creates plus edits allowed per after-sale (2747016 beyond). */
export const MAX_EDITS = 5;
/** After-sales allowed per sku line (2747020 beyond). */
export const MAX_AFTERSALES_PER_LINE = 5;
/** Largest `limit` of ecaftersale/get_list. */
export const EC_LIST_LIMIT_MAX = 50;
/** Order statuses in which the buyer may ask for an after-sale: paid and not closed. */
/** Timed-out after-sales handled per round of the background job. */
const DUE_BATCH = 200;
/**
 * Maximum rounds of one run of the background job. A timed move may make the next one due at once
 * (2 → 12 → 15 → 13 when the refund delay is 0), so one clock advance runs the whole chain.
 */
const DUE_ROUNDS = 4;
/** The timeout operations ecaftersale/merchanttest may force. */
const MERCHANT_TEST_OPERATIONS: readonly EcAftersaleAction[] = [
  'user_upload_return_info_overdue',
  'user_apply_platform_judge_overdue',
  'merchant_handle_return_overdue',
  'merchant_handle_refund_overdue',
  'merchant_confirm_receipt_overdue',
];

type EcRecord = AftersaleRecord<EcDetail>;

/** Returns how long the platform's refunds take in this app (15 → 13 or 14), in sandbox milliseconds. */
export function refundDelayMs(app: AppRecord): number {
  return delayMs(app.settings.refund_delay_seconds ?? DEFAULT_REFUND_DELAY_SECONDS);
}

/** shop/ecaftersale/*: after-sales the buyer starts and the platform runs (2022 flow). */
export class EcAftersaleService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly buyers: BuyerService,
    private readonly orders: OrderService,
    private readonly ids: IdAllocator,
    private readonly logger: Logger,
  ) {}

  /** Opens an after-sale (ecaftersale/add): a refund (type 1) or a return (type 2) of one sku line. */
  async add(app: AppRecord, body: JsonObject, now: number) {
    if (readId(body, 'order_id') === INVALID) throw new WireError(2747018, 'ecaftersale.add.order_id.invalid');
    const key = readOrderKey(body, 2747002);
    const productValue = field(body, 'product_info');
    // One after-sale covers exactly one sku: a list is a wrong JSON type (47001, as observed).
    if (Array.isArray(productValue)) throw new WireError(47001, 'ecaftersale.add.product_info.is_array');
    const [aftersaleId] = await this.ids.take('aftersale_id', AFTERSALE_ID_START);
    const requestedOutId = readString(body, 'out_aftersale_id');
    const postgres = sqliteHandle(this.db) === undefined;
    return this.db.transaction().execute(async (trx) => {
      if (postgres && typeof requestedOutId === 'string' && requestedOutId !== '' && !hasNul(requestedOutId)) {
        await lockOutAftersaleId(trx, app.appid, 2, requestedOutId);
      }
      const openid = await readBuyerOpenid(trx, this.buyers, app, body);
      const order = await this.orders.find(trx, app.appid, key);
      if (!order || order.openid !== openid) throw new WireError(2747006, 'ecaftersale.add.order_not_found');
      if (order.fund_type !== 1) throw new WireError(2747027, 'ecaftersale.add.fund_type_not_1');
      if (!isObject(productValue)) throw new WireError(2747002, 'ecaftersale.add.product_info.missing');
      const request = readEcRequest(body, 'ecaftersale.add');
      const count = readInt(productValue, 'product_cnt');
      if (count === undefined || count === INVALID || count < 1) throw new WireError(2747002, 'ecaftersale.add.product_cnt.invalid');
      const amount = readOrderAmount(body, 'ecaftersale.add');
      const lineIndex = findLine(order, productValue);
      if (lineIndex < 0) throw new WireError(2747021, 'ecaftersale.add.line_not_in_order');
      const line = order.detail.lines[lineIndex]!;
      if (count > line.product_cnt) throw new WireError(2747002, 'ecaftersale.add.product_cnt.above_line');
      const outAftersaleId = readString(body, 'out_aftersale_id');
      const outId = typeof outAftersaleId === 'string' ? outAftersaleId : '';
      if (hasNul(outId)) throw new WireError(2747002, 'ecaftersale.add.out_aftersale_id.invalid');
      if (outId !== '' && (await findAftersale(trx, app.appid, 2, { out_aftersale_id: outId }))) throw new WireError(2747013, 'ecaftersale.add.out_aftersale_id.taken');

      const current = order;
      const onLine = (await listForOrder<EcDetail>(trx, app.appid, 2, order.order_id)).filter((item) => item.detail.line_index === lineIndex);
      const windowClosed = current.detail.after_sale_deadline !== null && now > current.detail.after_sale_deadline;
      if (!AFTERSALE_ORDER_STATUSES.includes(current.status) || windowClosed || onLine.some((item) => EC_OPEN.includes(item.status as EcAftersaleStatus)) || onLine.length >= MAX_AFTERSALES_PER_LINE) {
        throw new WireError(2747020, 'ecaftersale.add.line_not_eligible', lineRefusal());
      }
      if (request.type === 2 && line.shipped_cnt === 0 && current.detail.delivery.finish_all_delivery === 0) {
        throw new WireError(2747024, 'ecaftersale.add.return_before_shipment');
      }
      checkCap(current, lineIndex, amount, 'ecaftersale.add');

      const record: EcRecord = {
        appid: app.appid,
        aftersale_id: aftersaleId!.toString(),
        out_aftersale_id: outId,
        generation: 2,
        order_id: order.order_id,
        openid,
        status: 2,
        detail: {
          out_order_id: order.out_order_id,
          type: request.type,
          line_index: lineIndex,
          product_info: { out_product_id: line.out_product_id, product_id: line.product_id, out_sku_id: line.out_sku_id, sku_id: line.sku_id, product_cnt: count },
          orderamt: amount,
          refund_reason: request.refund_reason,
          refund_reason_type: request.refund_reason_type,
          media_list: request.media_list,
          return_info: null,
          return_address_info: null,
          edits: 1,
          returned: false,
          refund_id: '',
          refund_desc: '',
          certificates: [],
        },
        deadline_at: now + timeoutOf(2, request.type)!.afterMs,
        version: 0,
        created_at: now,
        updated_at: now,
      };
      // Bumping the order's version makes a concurrent add on the same order fail (one write per order at a time).
      if (!(await this.orders.save(trx, { ...order, updated_at: Math.max(now, order.updated_at) }, order))) {
        throw new WireError(2747026, 'ecaftersale.add.concurrent_write');
      }
      await insertAftersale(trx, record);
      await enqueueEvent(trx, app, 'aftersale_new_order', 'aftersale_info', {
        aftersale_id: wireId(record.aftersale_id),
        order_id: wireId(order.order_id),
        out_order_id: order.out_order_id,
      }, now);
      return { aftersale_id: wireId(record.aftersale_id) };
    });
  }

  /** ecaftersale/update: the buyer edits the request; type cannot change. */
  async update(app: AppRecord, body: JsonObject, now: number) {
    return this.db.transaction().execute(async (trx) => {
      const record = await this.loadForBuyer(trx, app, body);
      const request = readEcRequest(body, 'ecaftersale.update');
      if (request.type !== record.detail.type) throw new WireError(2747002, 'ecaftersale.update.type_changed');
      const amount = readOrderAmount(body, 'ecaftersale.update');
      if (record.detail.returned) throw this.refused(record, 'user_update');
      if (record.detail.edits >= MAX_EDITS) throw new WireError(2747016, 'ecaftersale.update.too_many_edits');
      const order = (await this.orders.find(trx, app.appid, { order_id: record.order_id }))!;
      checkCap(order, record.detail.line_index, amount, 'ecaftersale.update');
      await this.apply(trx, app, record, 'user_update', now, (detail) => {
        Object.assign(detail, { refund_reason: request.refund_reason, refund_reason_type: request.refund_reason_type, media_list: request.media_list, orderamt: amount });
        detail.edits++;
      });
      return {};
    });
  }

  /** ecaftersale/cancel: the buyer withdraws the request. */
  async cancel(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => this.apply(trx, app, await this.loadForBuyer(trx, app, body), 'user_cancel', now));
    return {};
  }

  /** ecaftersale/uploadreturninfo: the buyer sent the goods back (6 → 8) or changes the waybill (8). */
  async uploadReturnInfo(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const record = await this.loadForBuyer(trx, app, body);
      const deliveryId = readString(body, 'delivery_id');
      const waybillId = readString(body, 'waybill_id');
      const deliveryName = readString(body, 'delivery_name');
      if (typeof deliveryId !== 'string' || deliveryId === '' || typeof waybillId !== 'string' || waybillId === '') {
        throw new WireError(2747002, 'ecaftersale.uploadreturninfo.waybill.missing');
      }
      const action = record.status === 8 ? 'modify_return' : 'upload_return';
      await this.apply(trx, app, record, action, now, (detail) => {
        detail.return_info = { order_return_time: now, delivery_id: deliveryId, waybill_id: waybillId, delivery_name: typeof deliveryName === 'string' ? deliveryName : '' };
        detail.returned = true;
      });
    });
    return {};
  }

  /** ecaftersale/acceptrefund: refund-only requests in 2; return requests once the goods arrived (8). */
  async acceptRefund(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const record = await this.loadForMerchant(trx, app, body, true);
      if (record.detail.type === 2 && record.status === 2) throw new WireError(9700209, 'ecaftersale.acceptrefund.return_not_accepted');
      const action = record.detail.type === 1 ? 'accept_refund' : 'confirm_receipt';
      if (record.detail.orderamt === 0 && EC_AFTERSALE_TRANSITIONS[action].from.includes(record.status as EcAftersaleStatus)) {
        throw new WireError(2747009, 'ecaftersale.acceptrefund.zero_amount');
      }
      await this.apply(trx, app, record, action, now);
    });
    return {};
  }

  /** ecaftersale/acceptreturn: the merchant agrees to take the goods back, naming a return address. */
  async acceptReturn(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const record = await this.loadForMerchant(trx, app, body);
      const given = readAddress(field(body, 'address_info'));
      if (given === INVALID) throw new WireError(2747025, 'ecaftersale.acceptreturn.address_info.invalid');
      const order = (await this.orders.find(trx, app.appid, { order_id: record.order_id }))!;
      const address = given ?? order.detail.default_receiving_address ?? app.settings.account_info?.default_receiving_address ?? null;
      if (!address) throw new WireError(2747017, 'ecaftersale.acceptreturn.no_return_address');
      if (record.detail.type !== 2) throw this.refused(record, 'accept_return');
      await this.apply(trx, app, record, 'accept_return', now, (detail) => {
        detail.return_address_info = address;
      });
    });
    return {};
  }

  /** ecaftersale/reject: the merchant refuses (2 → 4 or 5; 8 → 4). */
  async reject(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const record = await this.loadForMerchant(trx, app, body);
      let action: EcAftersaleAction = record.detail.type === 1 ? 'reject_refund' : 'reject_return';
      if (record.status === 8) action = 'reject_received';
      await this.apply(trx, app, record, action, now);
    });
    return {};
  }

  /** ecaftersale/upload_certificates: proof of an offline refund after the platform's refund failed. */
  async uploadCertificates(app: AppRecord, body: JsonObject, now: number) {
    await this.db.transaction().execute(async (trx) => {
      const record = await this.loadForMerchant(trx, app, body);
      const description = readString(body, 'refund_desc');
      const certificates = field(body, 'certificates');
      if (typeof description !== 'string' || !Array.isArray(certificates) || certificates.length === 0 || !certificates.every((url) => typeof url === 'string')) {
        throw new WireError(2747002, 'ecaftersale.upload_certificates.fields.invalid');
      }
      if (!certificates.every((url) => (url as string).startsWith('https://mmecimage.cn/'))) throw new WireError(2747010, 'ecaftersale.upload_certificates.not_uploaded');
      await this.apply(trx, app, record, 'upload_certificates', now, (detail) => {
        detail.refund_desc = description;
        detail.certificates = certificates as string[];
      });
    });
    return {};
  }

  /** ecaftersale/get. */
  async get(app: AppRecord, body: JsonObject) {
    const key = readAftersaleKey(body);
    const record = await findAftersale<EcDetail>(this.db, app.appid, 2, key);
    const openid = readString(body, 'openid');
    if (!record || (typeof openid === 'string' && openid !== '' && openid !== record.openid)) throw new WireError(2747007, 'ecaftersale.not_found');
    return { after_sales_order: ecView(record) };
  }

  /** ecaftersale/get_list: ids only, newest first, with has_more. */
  async getList(app: AppRecord, body: JsonObject) {
    const offset = readInt(body, 'offset');
    const limit = readInt(body, 'limit');
    if (offset === undefined || offset === INVALID || offset < 0) throw new WireError(2747002, 'ecaftersale.get_list.offset.invalid');
    if (limit === undefined || limit === INVALID || limit < 1) throw new WireError(2747002, 'ecaftersale.get_list.limit.invalid');
    if (limit > EC_LIST_LIMIT_MAX) throw new WireError(990005, 'ecaftersale.get_list.limit.too_large');
    const begin = readInt(body, 'begin_create_time');
    const end = readInt(body, 'end_create_time');
    if (begin === INVALID || end === INVALID) throw new WireError(2747002, 'ecaftersale.get_list.time.invalid');
    if (begin !== undefined && end !== undefined && begin > end) throw new WireError(990009, 'ecaftersale.get_list.time_range.reversed');
    const status = readInt(body, 'status');
    const openid = readString(body, 'openid');
    let orderId: string | undefined;
    if (readId(body, 'order_id') !== undefined || readString(body, 'out_order_id') !== undefined) {
      const order = await this.orders.find(this.db, app.appid, readOrderKey(body));
      orderId = order?.order_id ?? 'none';
    }
    const items = await listAftersales<EcDetail>(this.db, {
      appid: app.appid,
      generation: 2,
      status: typeof status === 'number' && status !== 0 ? status : undefined,
      orderId,
      openid: typeof openid === 'string' && openid !== '' && !hasNul(openid) ? openid : undefined,
      createdFrom: begin,
      createdTo: end,
      offset,
      limit: limit + 1,
    });
    return { after_sales_orders: items.slice(0, limit).map((item) => wireId(item.aftersale_id)), has_more: items.length > limit };
  }

  /** ecaftersale/merchanttest: forces one of the five timeouts and its event. */
  async merchantTest(app: AppRecord, body: JsonObject, now: number) {
    // The documentation's table spells the key `operatoin`; both spellings are read.
    const operation = readString(body, 'operation') ?? readString(body, 'operatoin');
    if (typeof operation !== 'string' || !operation.startsWith('aftersale_') || !MERCHANT_TEST_OPERATIONS.includes(operation.slice('aftersale_'.length) as EcAftersaleAction)) {
      throw new WireError(2747002, 'ecaftersale.merchanttest.operation.invalid');
    }
    const action = operation.slice('aftersale_'.length) as EcAftersaleAction;
    await this.db.transaction().execute(async (trx) => {
      const record = await this.loadForMerchant(trx, app, body);
      const timeout = timeoutOf(record.status as EcAftersaleStatus, record.detail.type);
      if (timeout?.action !== action) throw this.refused(record, action);
      await this.apply(trx, app, record, action, now);
    });
    return {};
  }

  /** The buyer withdraws the return waybill (WeChat side, admin API): 8 → 6. */
  cancelWaybill(app: AppRecord, aftersaleId: string, now: number): Promise<EcRecord> {
    return this.platformAction(app, aftersaleId, 'cancel_waybill', now, (detail) => {
      detail.return_info = null;
    });
  }

  /** A refund the platform is running (12 or 15) fails (admin API): the merchant must refund offline. */
  failRefund(app: AppRecord, aftersaleId: string, now: number): Promise<EcRecord> {
    return this.platformAction(app, aftersaleId, 'refund_failed', now);
  }

  /** Completes the refund once the buyer accepts the merchant's offline-refund proof (admin API). */
  async confirmCertificate(app: AppRecord, aftersaleId: string, now: number): Promise<EcRecord> {
    const record = await findAftersale<EcDetail>(this.db, app.appid, 2, { aftersale_id: aftersaleId });
    const action = record?.detail.type === 2 ? 'certificate_confirmed_return' : 'certificate_confirmed_refund';
    return this.platformAction(app, aftersaleId, action, now);
  }

  /** Runs platform-side actions on behalf of the buyer, with the same rules as the wire calls. */
  async asBuyer(app: AppRecord, aftersaleId: string, operation: 'update' | 'cancel' | 'return', input: JsonObject, now: number) {
    const record = await findAftersale<EcDetail>(this.db, app.appid, 2, { aftersale_id: aftersaleId });
    if (!record) throw new WireError(2747007, 'ecaftersale.not_found');
    const body: JsonObject = { ...input, aftersale_id: aftersaleId, openid: record.openid };
    if (operation === 'update') await this.update(app, { type: record.detail.type, orderamt: record.detail.orderamt, refund_reason: record.detail.refund_reason, refund_reason_type: record.detail.refund_reason_type, ...body }, now);
    else if (operation === 'cancel') await this.cancel(app, body, now);
    else await this.uploadReturnInfo(app, body, now);
    return (await findAftersale<EcDetail>(this.db, app.appid, 2, { aftersale_id: aftersaleId }))!;
  }

  /** Background job: applies every timed move (timeouts, the platform's refunds) due by the sandbox clock. */
  async runDue(now: number, getApp: (appid: string) => Promise<AppRecord | undefined>): Promise<number> {
    let applied = 0;
    for (let round = 0; round < DUE_ROUNDS; round++) {
      const moved = await this.runDueRound(now, getApp);
      applied += moved;
      if (moved === 0) break;
    }
    return applied;
  }

  private async runDueRound(now: number, getApp: (appid: string) => Promise<AppRecord | undefined>): Promise<number> {
    const due = await findDueAftersales(this.db, now, DUE_BATCH);
    let applied = 0;
    for (const record of due) {
      const timeout = timeoutOf(record.status as EcAftersaleStatus, record.detail.type);
      const app = await getApp(record.appid);
      if (!timeout || !app) continue;
      try {
        await this.db.transaction().execute(async (trx) => {
          const current = await findAftersale<EcDetail>(trx, record.appid, 2, { aftersale_id: record.aftersale_id });
          if (!current || current.version !== record.version) return;
          await this.apply(trx, app, current, timeout.action, now);
          applied++;
        });
      } catch (error) {
        this.logger.warn({ err: error, appid: record.appid, aftersale_id: record.aftersale_id }, 'after-sale timeout failed; will retry on the next run');
      }
    }
    return applied;
  }

  listForOrder(appid: string, orderId: string): Promise<EcRecord[]> {
    return listForOrder<EcDetail>(this.db, appid, 2, orderId);
  }

  private platformAction(app: AppRecord, aftersaleId: string, action: EcAftersaleAction, now: number, change?: (detail: EcDetail) => void): Promise<EcRecord> {
    return this.db.transaction().execute(async (trx) => {
      const record = await findAftersale<EcDetail>(trx, app.appid, 2, { aftersale_id: aftersaleId });
      if (!record) throw new WireError(2747007, 'ecaftersale.not_found');
      return this.apply(trx, app, record, action, now, change);
    });
  }

  private async loadForBuyer(trx: Executor, app: AppRecord, body: JsonObject): Promise<EcRecord> {
    const key = readAftersaleKey(body);
    const openid = await readBuyerOpenid(trx, this.buyers, app, body);
    const record = await findAftersale<EcDetail>(trx, app.appid, 2, key);
    if (!record || record.openid !== openid) throw new WireError(2747007, 'ecaftersale.not_found');
    return record;
  }

  private async loadForMerchant(trx: Executor, app: AppRecord, body: JsonObject, orderIdMistake = false): Promise<EcRecord> {
    const key = readAftersaleKey(body);
    const record = await findAftersale<EcDetail>(trx, app.appid, 2, key);
    if (record) return record;
    // An order id sent where the after-sale id belongs.
    if (orderIdMistake && key.aftersale_id !== undefined && (await this.orders.find(trx, app.appid, { order_id: key.aftersale_id }))) {
      throw new WireError(9700206, 'ecaftersale.acceptrefund.order_id_as_aftersale_id');
    }
    if (orderIdMistake && key.out_aftersale_id !== undefined && (await this.orders.find(trx, app.appid, { out_order_id: key.out_aftersale_id }))) {
      throw new WireError(9700206, 'ecaftersale.acceptrefund.out_order_id_as_out_aftersale_id');
    }
    throw new WireError(2747007, 'ecaftersale.not_found');
  }

  private refused(record: EcRecord, action: EcAftersaleAction): WireError {
    const detail = ` 状态流转失败, detail: 当前状态为(${EC_STATUS_TEXT[record.status as EcAftersaleStatus] ?? record.status}),不允许执行操作(${EC_ACTION_TEXT[action]}).`;
    return new WireError(2747008, `ecaftersale.${action}.not_allowed_from_${record.status}`, detail);
  }

  /**
   * Applies an after-sale action: checks the transition table (2747008 with the platform's detail
   * text), saves with the next timeout, refunds the order line when the money goes back, and
   * emits the action's events, all in the caller's transaction.
   */
  private async apply(trx: Executor, app: AppRecord, record: EcRecord, action: EcAftersaleAction, now: number, change?: (detail: EcDetail) => void): Promise<EcRecord> {
    let status: EcAftersaleStatus;
    try {
      status = transition('ecaftersale status', EC_AFTERSALE_TRANSITIONS, action, record.status as EcAftersaleStatus);
    } catch (error) {
      if (error instanceof TransitionRejected) throw this.refused(record, action);
      throw error;
    }
    const next: EcRecord = structuredClone(record);
    next.status = status;
    next.updated_at = Math.max(now, record.updated_at);
    change?.(next.detail);
    const timeout = timeoutOf(status, next.detail.type, refundDelayMs(app));
    // After a refusal of returned goods the buyer can only escalate, and that timeout still runs.
    next.deadline_at = timeout ? now + timeout.afterMs : null;
    // The platform's refund id exists from the moment the refund starts.
    if ((status === 15 || EC_REFUNDED.includes(status)) && next.detail.refund_id === '') {
      next.detail.refund_id = `${Math.floor(now / 1000)}${randomBytes(6).toString('hex')}`;
    }
    if (!(await saveAftersale(trx, next, record))) throw new WireError(2747026, `ecaftersale.${action}.concurrent_write`);
    next.version = record.version + 1;

    const ids = { aftersale_id: wireId(next.aftersale_id), out_aftersale_id: next.out_aftersale_id };
    const event = EC_EVENTS[action] ?? (MERCHANT_TEST_OPERATIONS.includes(action) ? `aftersale_${action}` : undefined);
    if (event) await enqueueEvent(trx, app, event, 'aftersale_info', ids, now);
    if (EC_REFUNDED.includes(status)) {
      await this.refundLine(trx, app, next, now);
      await enqueueEvent(trx, app, 'aftersale_refund_success', 'aftersale_info', ids, now);
    }
    // With a refund delay of 0 the platform's refund finishes within the same call.
    if (status === 15 && timeout && timeout.afterMs === 0) return this.apply(trx, app, next, timeout.action, now);
    return next;
  }

  /** Books the refund on the order line; when every line is refunded the order closes (200). */
  private async refundLine(trx: Executor, app: AppRecord, record: EcRecord, now: number): Promise<void> {
    const order = await this.orders.find(trx, app.appid, { order_id: record.order_id });
    if (!order) return;
    const refund = (next: OrderRecord) => {
      next.detail.lines[record.detail.line_index]!.refunded += record.detail.orderamt;
      return next;
    };
    const after = refund(structuredClone(order));
    const allRefunded = after.detail.lines.every((line) => line.refunded >= line.sku_real_price);
    if (allRefunded && AFTERSALE_ORDER_STATUSES.includes(order.status)) {
      await this.orders.move(trx, app, order, 'refund_all', now, 2747026, refund);
    } else {
      after.updated_at = Math.max(now, order.updated_at);
      if (!(await this.orders.save(trx, after, order))) throw new WireError(2747026, 'ecaftersale.refund.order_concurrent_write');
    }
  }
}
