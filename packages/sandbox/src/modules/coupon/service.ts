import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { checkContent } from '../../platform/content-security.js';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { INVALID, readInt, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import { callMerchant, CONFIRM_TEST, RECEIVE_COUPON_EVENT } from './callback.js';
import { CouponFaults } from './faults.js';
import { COUPON_ACTION_BY_TARGET, COUPON_TRANSITIONS, type CouponStatus } from './states.js';
import {
  findCoupon,
  findSettings,
  insertCoupon,
  listCoupons,
  overwriteStock,
  saveCouponContent,
  saveCouponStatus,
  saveSettings,
  type CouponRecord,
  type CouponSettings,
} from './store.js';
import { COUPON_LIMITS, readCouponBody, readOutCouponId, type CouponInput } from './validate.js';
import { couponView, stockView } from './view.js';

/** Returns whether a merchant product id is on sale, exists off sale, or is unknown. */
export type ProductSaleLookup = (appid: string, outProductId: string) => Promise<'on_sale' | 'not_on_sale' | 'unknown'>;

/** Bare success of the coupon writes: `{"errcode":0}` without errmsg, as the platform returns it. */
export const BARE_OK = { errcode: 0 } as const;

/**
 * The end of a coupon in unix ms: the validity end of a fixed-window coupon, otherwise the end
 * of its claim window. Expiry (→ 3) is allowed only after it; claims and activation fail after it.
 */
export function couponEnd(coupon: CouponRecord): number {
  const info = coupon.coupon_info;
  if (info.valid_info.valid_type === 1 && info.valid_info.end_time !== undefined) return info.valid_info.end_time * 1000;
  return info.receive_info.end_time * 1000;
}

/** Coupons: the callback handshake, coupon content, status and stock. User coupons live in UserCouponService. */
export class CouponService {
  readonly faults: CouponFaults;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly products: ProductSaleLookup,
    private readonly logger: Logger,
  ) {
    this.faults = new CouponFaults(db);
  }

  /** Fails with 1090028 until shop/coupon/confirm has succeeded for the app. */
  async requireConfirmed(db: Executor, app: AppRecord): Promise<void> {
    const settings = await findSettings(db, app.appid);
    if (settings.confirmed_at === null) throw new WireError(1090028, 'coupon.not_confirmed');
  }

  /**
   * shop/coupon/confirm: sends the fixed test claim to the merchant's callback and checks the
   * answer. A failed repeat of an earlier success returns 1090040 and keeps the earlier one.
   */
  async confirm(app: AppRecord, now: number) {
    const settings = await findSettings(this.db, app.appid);
    const failure = await this.runConfirmCall(app, settings, now);
    if (failure) {
      this.logger.info({ appid: app.appid, errcode: failure.errcode, rule: failure.rule }, 'coupon confirm handshake failed');
      if (settings.confirmed_at !== null) throw new WireError(1090040, `${failure.rule}.after_earlier_success`);
      throw failure;
    }
    await saveSettings(this.db, { ...settings, confirmed_at: now });
    this.logger.info({ appid: app.appid }, 'coupon confirm handshake passed');
    return BARE_OK;
  }

  private async runConfirmCall(app: AppRecord, settings: CouponSettings, now: number): Promise<WireError | undefined> {
    if (!settings.callback_url) return new WireError(1090032, 'coupon.confirm.no_callback_url');
    const outcome = await callMerchant(settings.callback_url, settings.callback_timeout_ms, {
      ToUserName: app.username,
      FromUserName: CONFIRM_SENDER,
      CreateTime: Math.floor(now / 1000),
      MsgType: 'event',
      Event: RECEIVE_COUPON_EVENT,
      out_coupon_id: CONFIRM_TEST.out_coupon_id,
      request_id: CONFIRM_TEST.request_id,
    });
    if (outcome.kind === 'unreachable') return new WireError(1090032, 'coupon.confirm.unreachable');
    if (outcome.kind === 'timeout') return new WireError(1090021, 'coupon.confirm.timeout');
    if (outcome.kind === 'unparsable') return new WireError(1090022, 'coupon.confirm.unparsable');
    const reply = outcome.reply;
    const retCode = Number(reply.ret_code);
    if (reply.ret_code !== undefined && Number.isFinite(retCode) && retCode !== 0) return new WireError(1090033, 'coupon.confirm.ret_code');
    if (
      reply.out_user_coupon_id !== CONFIRM_TEST.out_user_coupon_id ||
      reply.request_id !== CONFIRM_TEST.request_id ||
      reply.out_coupon_id !== CONFIRM_TEST.out_coupon_id ||
      reply.ret_code === undefined
    ) {
      return new WireError(1090020, 'coupon.confirm.reply_mismatch');
    }
    return undefined;
  }

  /** shop/coupon/add: creates the coupon in status 1, without stock. */
  async add(app: AppRecord, body: JsonObject, now: number) {
    await this.requireConfirmed(this.db, app);
    const input = readCouponBody(body);
    await this.checkName(app, input);
    await this.checkProducts(app, input);
    const record: CouponRecord = {
      appid: app.appid,
      out_coupon_id: input.out_coupon_id,
      type: input.type,
      promote_type: input.promote_type,
      coupon_info: input.coupon_info,
      status: 1,
      valid_time: null,
      stock: null,
      create_time: now,
      update_time: now,
    };
    if (!(await insertCoupon(this.db, record))) throw new WireError(1090002, 'coupon.add.out_coupon_id.taken');
    return BARE_OK;
  }

  /** shop/coupon/get */
  async get(app: AppRecord, body: JsonObject) {
    await this.requireConfirmed(this.db, app);
    const coupon = await this.requireCoupon(this.db, app, readOutCouponId(body));
    return { result: { coupon: couponView(coupon) } };
  }

  /** shop/coupon/get_list: coupons in creation order, each with its stock once effective. */
  async getList(app: AppRecord, body: JsonObject) {
    await this.requireConfirmed(this.db, app);
    const { offset, limit } = readPaging(body, 'coupon.get_list');
    const { total, items } = await listCoupons(this.db, app.appid, offset, limit);
    return {
      total_num: total,
      result_list: items.map((coupon) => {
        const stock = stockView(coupon);
        return stock ? { coupon: couponView(coupon), coupon_stock: stock } : { coupon: couponView(coupon) };
      }),
    };
  }

  /** shop/coupon/update: replaces the content of a coupon still being edited (status 1). */
  async update(app: AppRecord, body: JsonObject, now: number) {
    await this.requireConfirmed(this.db, app);
    const coupon = body.coupon;
    if (coupon && typeof coupon === 'object' && !Array.isArray(coupon) && Object.prototype.hasOwnProperty.call(coupon, 'status')) {
      throw new WireError(1090034, 'coupon.update.status_field');
    }
    const input = readCouponBody(body);
    await this.checkName(app, input);
    const current = await this.requireCoupon(this.db, app, input.out_coupon_id);
    this.checkEditable(current);
    await this.checkProducts(app, input);
    const next: CouponRecord = {
      ...current,
      type: input.type,
      promote_type: input.promote_type,
      coupon_info: input.coupon_info,
      update_time: Math.max(now, current.update_time),
    };
    if (!(await saveCouponContent(this.db, next, 1))) {
      // The coupon changed status between the read and the write.
      this.checkEditable((await findCoupon(this.db, app.appid, input.out_coupon_id)) ?? current);
    }
    return BARE_OK;
  }

  /** shop/coupon/update_status: 1 → 2 (with stock), 2 → 3 after the end, 2 → 4. */
  async updateStatus(app: AppRecord, body: JsonObject, now: number) {
    await this.requireConfirmed(this.db, app);
    const outCouponId = readOutCouponId(body);
    const target = readInt(body, 'status');
    if (target === undefined || target === INVALID) throw new WireError(990007, 'coupon.update_status.status.missing');
    const current = await this.requireCoupon(this.db, app, outCouponId);
    if (current.status === 3) throw new WireError(1090014, 'coupon.update_status.already_expired');
    const action = COUPON_ACTION_BY_TARGET[target];
    if (!action) throw new WireError(1090010, 'coupon.update_status.unknown_target');
    let to: CouponStatus;
    try {
      to = transition('coupon status', COUPON_TRANSITIONS, action, current.status);
    } catch (error) {
      if (error instanceof TransitionRejected) throw new WireError(1090010, `coupon.update_status.${action}.not_allowed`);
      throw error;
    }
    const end = couponEnd(current);
    if (action === 'activate') {
      if (now > end) throw new WireError(1090014, 'coupon.update_status.activate.past_end');
      const fault = (await this.faults.take(app.appid, 'activate')) ?? (await this.faults.take(app.appid, 'activate_stock_exists'));
      if (fault) throw new WireError(fault, 'coupon.update_status.activate.fault');
      if (current.stock) throw new WireError(1090006, 'coupon.update_status.activate.stock_exists');
    }
    if (action === 'expire' && now <= end) throw new WireError(1090015, 'coupon.update_status.expire.not_ended');
    if (action === 'void') {
      const fault = await this.faults.take(app.appid, 'void');
      if (fault) throw new WireError(fault, 'coupon.update_status.void.fault');
    }
    if (!(await saveCouponStatus(this.db, current, current.status, to, Math.max(now, current.update_time), action === 'activate'))) {
      throw new WireError(1090010, 'coupon.update_status.concurrent_change');
    }
    return BARE_OK;
  }

  /** shop/coupon/update_coupon_stock: overwrites the numbers of an effective coupon's stock. */
  async updateStock(app: AppRecord, body: JsonObject, now: number) {
    await this.requireConfirmed(this.db, app);
    const stock = body.coupon_stock;
    if (!stock || typeof stock !== 'object' || Array.isArray(stock)) throw new WireError(1090007, 'coupon.update_coupon_stock.out_coupon_id.missing');
    const stockObject = stock as JsonObject;
    const outCouponId = readOutCouponId(stockObject);
    const info = stockObject.stock_info;
    const infoObject = info && typeof info === 'object' && !Array.isArray(info) ? (info as JsonObject) : {};
    const issued = readInt(infoObject, 'issued_num');
    const receive = readInt(infoObject, 'receive_num');
    if (issued === undefined || issued === INVALID || receive === undefined || receive === INVALID) {
      throw new WireError(990007, 'coupon.update_coupon_stock.stock_info.missing');
    }
    const current = await this.requireCoupon(this.db, app, outCouponId);
    if (!current.stock) throw new WireError(1090005, 'coupon.update_coupon_stock.no_stock');
    if (issued < 0 || receive < 0 || issued + receive > current.coupon_info.receive_info.total_num) {
      throw new WireError(1090009, 'coupon.update_coupon_stock.impossible_numbers');
    }
    const fault = await this.faults.take(app.appid, 'stock_fix');
    if (fault) throw new WireError(fault, 'coupon.update_coupon_stock.fault');
    if (!(await overwriteStock(this.db, app.appid, outCouponId, issued, receive, now))) throw new WireError(1090005, 'coupon.update_coupon_stock.no_stock');
    return BARE_OK;
  }

  async requireCoupon(db: Executor, app: AppRecord, outCouponId: string): Promise<CouponRecord> {
    const coupon = await findCoupon(db, app.appid, outCouponId);
    if (!coupon) throw new WireError(1090001, 'coupon.not_found');
    return coupon;
  }

  private checkEditable(coupon: CouponRecord): void {
    if (coupon.status === 2) throw new WireError(1090018, 'coupon.update.effective');
    if (coupon.status !== 1) throw new WireError(1090008, 'coupon.update.not_editing');
  }

  /** The coupon name buyers see passes the content-security check (87014), as product titles do. */
  private async checkName(app: AppRecord, input: CouponInput): Promise<void> {
    await checkContent(this.db, app.appid, [{ field: 'coupon.name', text: input.coupon_info.name }]);
  }

  /** Products a coupon names must exist (1090011) and be on sale (1090012). */
  private async checkProducts(app: AppRecord, input: CouponInput): Promise<void> {
    for (const outProductId of input.product_ids) {
      const state = await this.products(app.appid, outProductId);
      if (state === 'unknown') throw new WireError(1090011, 'coupon.product.unknown');
      if (state === 'not_on_sale') throw new WireError(1090012, 'coupon.product.not_on_sale');
    }
  }

  // ---- platform side (admin API) ----

  async settings(appid: string): Promise<CouponSettings> {
    return findSettings(this.db, appid);
  }

  /** Sets where coupon callbacks go and how long the platform waits; null clears the URL. */
  async setCallback(appid: string, url: string | null | undefined, timeoutMs: number | undefined): Promise<CouponSettings> {
    const current = await findSettings(this.db, appid);
    const next = {
      ...current,
      callback_url: url === undefined ? current.callback_url : url,
      callback_timeout_ms: timeoutMs ?? current.callback_timeout_ms,
    };
    await saveSettings(this.db, next);
    return next;
  }

  /** Marks the handshake as passed without calling the merchant, for integrations without a callback. */
  async markConfirmed(appid: string, confirmed: boolean, now: number): Promise<CouponSettings> {
    const current = await findSettings(this.db, appid);
    const next = { ...current, confirmed_at: confirmed ? now : null };
    await saveSettings(this.db, next);
    return next;
  }

  async listAll(appid: string, offset: number, limit: number) {
    return listCoupons(this.db, appid, offset, limit);
  }
}

/** Sender of the confirm test call: a fixed account of the WeChat team on the platform. */
const CONFIRM_SENDER = 'oTmHYjg4xGxqy1SMDcbrSNLnSYjQ';

/** Reads offset and page_size of the coupon lists (page_size 1–200, offset ≥ 0). */
export function readPaging(body: JsonObject, rule: string): { offset: number; limit: number } {
  const offset = readInt(body, 'offset');
  const pageSize = readInt(body, 'page_size');
  if (offset === undefined || offset === INVALID || offset < 0) throw new WireError(990007, `${rule}.offset.invalid`);
  if (pageSize === undefined || pageSize === INVALID || pageSize < 1) throw new WireError(990007, `${rule}.page_size.invalid`);
  if (pageSize > COUPON_LIMITS.pageSize) throw new WireError(990005, `${rule}.page_size.too_large`);
  return { offset, limit: pageSize };
}
