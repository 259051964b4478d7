import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { field, hasNul, INVALID, isObject, readInt, readString, textLength, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord } from '../app/store.js';
import { callMerchant, RECEIVE_COUPON_EVENT } from './callback.js';
import type { UserOfApp } from './openid.js';
import { BARE_OK, couponEnd, readPaging, type CouponService } from './service.js';
import {
  USER_COUPON_ACTION_BY_TARGET,
  USER_COUPON_INITIAL,
  USER_COUPON_TRANSITIONS,
  type UserCouponStatus,
} from './states.js';
import {
  expireUserCoupons,
  findCoupon,
  findSettings,
  findUserCoupon,
  insertUserCoupon,
  listUserCoupons,
  saveUserCoupon,
  takeStock,
  type CouponRecord,
  type UserCouponRecord,
} from './store.js';
import { COUPON_LIMITS } from './validate.js';
import { userCouponView } from './view.js';

const DAY_SECONDS = 86400;

/** Computes the validity window of a user coupon claimed at `recvSeconds`, in unix ms (0/0 when unknown). */
export function userCouponWindow(coupon: CouponRecord, recvSeconds: number): { start: number; end: number } {
  const valid = coupon.coupon_info.valid_info;
  if (valid.valid_type === 1 && valid.start_time !== undefined && valid.end_time !== undefined) {
    return { start: valid.start_time * 1000, end: valid.end_time * 1000 };
  }
  if (valid.valid_type === 2 && valid.valid_day_num !== undefined) {
    return { start: recvSeconds * 1000, end: (recvSeconds + valid.valid_day_num * DAY_SECONDS) * 1000 };
  }
  if (valid.valid_type === 3 && valid.valid_second !== undefined) {
    return { start: recvSeconds * 1000, end: (recvSeconds + valid.valid_second) * 1000 };
  }
  return { start: 0, end: 0 };
}


/** out_user_coupon_id: key absent 1090026, empty 1090042, too long 1090037. */
function readOutUserCouponId(parent: JsonObject): string {
  const id = readString(parent, 'out_user_coupon_id');
  if (id === undefined || id === INVALID) throw new WireError(1090026, 'user_coupon.out_user_coupon_id.missing');
  if (id === '') throw new WireError(1090042, 'user_coupon.out_user_coupon_id.empty');
  if (textLength(id) > COUPON_LIMITS.outIdLength) throw new WireError(1090037, 'user_coupon.out_user_coupon_id.too_long');
  if (hasNul(id)) throw new WireError(990007, 'user_coupon.out_user_coupon_id.nul');
  return id;
}

/** out_coupon_id on a user-coupon call: absent or empty 1090027. */
function readCouponRef(parent: JsonObject): string {
  const id = readString(parent, 'out_coupon_id');
  if (id === undefined || id === INVALID || id === '') throw new WireError(1090027, 'user_coupon.out_coupon_id.missing');
  if (textLength(id) > COUPON_LIMITS.outIdLength) throw new WireError(1090037, 'user_coupon.out_coupon_id.too_long');
  if (hasNul(id)) throw new WireError(990007, 'user_coupon.out_coupon_id.nul');
  return id;
}

function readUserCouponObject(body: JsonObject): JsonObject {
  const value = field(body, 'user_coupon');
  if (!isObject(value)) throw new WireError(1090026, 'user_coupon.missing');
  return value;
}

function readRecvTime(body: JsonObject): number {
  const recv = readInt(body, 'recv_time');
  if (recv === undefined || recv === INVALID || recv < 0 || recv > COUPON_LIMITS.maxTimeSeconds) throw new WireError(990007, 'user_coupon.recv_time.invalid');
  return recv;
}

/** User coupons: adding (with stock), listing, editing and the status lifecycle. */
export class UserCouponService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly coupons: CouponService,
    private readonly isUserOfApp: UserOfApp,
    private readonly logger: Logger,
  ) {}

  /** Reads and checks the openid of a user-coupon call: absent 990004, not a buyer of the app 1090039. */
  private async readOpenid(app: AppRecord, body: JsonObject): Promise<string> {
    const openid = readString(body, 'openid');
    if (openid === undefined || openid === INVALID || openid === '') throw new WireError(990004, 'user_coupon.openid.missing');
    if (hasNul(openid) || !(await this.isUserOfApp(undefined, app.appid, openid))) throw new WireError(1090039, 'user_coupon.openid.invalid');
    return openid;
  }

  /** shop/coupon/add_user_coupon: records a user's coupon and takes one unit of stock. */
  async add(app: AppRecord, body: JsonObject, now: number) {
    await this.coupons.requireConfirmed(this.db, app);
    const openid = await this.readOpenid(app, body);
    const userCoupon = readUserCouponObject(body);
    const outUserCouponId = readOutUserCouponId(userCoupon);
    const outCouponId = readCouponRef(userCoupon);
    const status = readInt(userCoupon, 'status');
    if (status === undefined || status === INVALID) throw new WireError(990007, 'user_coupon.status.missing');
    if (!(USER_COUPON_INITIAL as readonly number[]).includes(status)) throw new WireError(1090044, 'user_coupon.add.status.not_allowed');
    const recvTime = readRecvTime(body);
    await this.create(app, { openid, outCouponId, outUserCouponId, status: status as UserCouponStatus, recvTime }, now);
    return BARE_OK;
  }

  /**
   * Creates a user coupon in one transaction: the pair must be new (1090004) and the coupon must
   * have stock left (1090009). The stock moves by a conditional update, so concurrent claims on
   * PostgreSQL wait for each other's row lock and never oversell or fail while stock remains.
   */
  private async create(
    app: AppRecord,
    input: { openid: string; outCouponId: string; outUserCouponId: string; status: UserCouponStatus; recvTime: number },
    now: number,
  ): Promise<UserCouponRecord> {
    const coupon = await this.coupons.requireCoupon(this.db, app, input.outCouponId);
    this.checkClaimable(coupon, now);
    const fault = await this.coupons.faults.take(app.appid, 'claim_rush');
    if (fault) throw new WireError(fault, 'user_coupon.add.fault');
    const window = userCouponWindow(coupon, input.recvTime);
    const record: UserCouponRecord = {
      appid: app.appid,
      out_coupon_id: input.outCouponId,
      out_user_coupon_id: input.outUserCouponId,
      openid: input.openid,
      status: input.status,
      recv_time: input.recvTime * 1000,
      start_time: window.start,
      end_time: window.end,
      use_time: input.status === 102 ? now : null,
      create_time: now,
      update_time: now,
    };
    await this.db.transaction().execute(async (trx) => {
      if (!(await insertUserCoupon(trx, record))) throw new WireError(1090004, 'user_coupon.add.exists');
      if (!(await takeStock(trx, app.appid, input.outCouponId, now))) {
        // Nothing taken: the coupon left status 2 meanwhile, or its stock ran out.
        const latest = await findCoupon(trx, app.appid, input.outCouponId);
        if (latest) this.checkClaimable(latest, now);
        throw new WireError(1090009, 'user_coupon.add.no_stock');
      }
    });
    return record;
  }

  private checkClaimable(coupon: CouponRecord, now: number): void {
    if (coupon.status === 3) throw new WireError(1090014, 'user_coupon.add.coupon_expired');
    if (coupon.status !== 2) throw new WireError(1090043, 'user_coupon.add.coupon_not_effective');
    if (now > couponEnd(coupon)) throw new WireError(1090014, 'user_coupon.add.coupon_past_end');
  }

  /** shop/coupon/get_usercoupon_list: one user's coupons in creation order. */
  async list(app: AppRecord, body: JsonObject) {
    await this.coupons.requireConfirmed(this.db, app);
    const openid = await this.readOpenid(app, body);
    const { offset, limit } = readPaging(body, 'user_coupon.list');
    const { total, items } = await listUserCoupons(this.db, { appid: app.appid, openid, offset, limit });
    return { total_num: total, result_list: items.map(userCouponView) };
  }

  /** shop/coupon/update_user_coupon: changes the claim time (and so the window) and use_time. */
  async update(app: AppRecord, body: JsonObject, now: number) {
    await this.coupons.requireConfirmed(this.db, app);
    const openid = await this.readOpenid(app, body);
    const userCoupon = readUserCouponObject(body);
    if (Object.prototype.hasOwnProperty.call(userCoupon, 'status')) throw new WireError(1090034, 'user_coupon.update.status_field');
    const outUserCouponId = readOutUserCouponId(userCoupon);
    const outCouponId = readCouponRef(userCoupon);
    const extInfo = field(userCoupon, 'ext_info');
    const useTime = isObject(extInfo) ? readInt(extInfo, 'use_time') : undefined;
    if (useTime === INVALID || (useTime !== undefined && (useTime < 0 || useTime > COUPON_LIMITS.maxTimeSeconds))) throw new WireError(990007, 'user_coupon.use_time.invalid');
    const recvTime = readRecvTime(body);
    const coupon = await this.coupons.requireCoupon(this.db, app, outCouponId);
    const current = await this.requireUserCoupon(app, outCouponId, outUserCouponId, openid);
    const window = userCouponWindow(coupon, recvTime);
    const next: UserCouponRecord = {
      ...current,
      recv_time: recvTime * 1000,
      start_time: window.start,
      end_time: window.end,
      use_time: useTime === undefined ? current.use_time : useTime * 1000,
      update_time: Math.max(now, current.update_time),
    };
    if (!(await saveUserCoupon(this.db, next, current.status))) throw new WireError(1090044, 'user_coupon.update.concurrent_change');
    return BARE_OK;
  }

  /** shop/coupon/update_usercoupon_status: moves a user coupon through its lifecycle. */
  async updateStatus(app: AppRecord, body: JsonObject, now: number) {
    await this.coupons.requireConfirmed(this.db, app);
    const openid = await this.readOpenid(app, body);
    const outCouponId = readCouponRef(body);
    const outUserCouponId = readOutUserCouponId(body);
    const target = readInt(body, 'status');
    if (target === undefined || target === INVALID) throw new WireError(990007, 'user_coupon.status.missing');
    const action = USER_COUPON_ACTION_BY_TARGET[target];
    if (!action) throw new WireError(1090044, 'user_coupon.status.unknown');
    await this.coupons.requireCoupon(this.db, app, outCouponId);
    const current = await this.requireUserCoupon(app, outCouponId, outUserCouponId, openid);
    const fault = (await this.coupons.faults.take(app.appid, 'user_status')) ?? (await this.coupons.faults.take(app.appid, 'user_status_second'));
    if (fault) throw new WireError(fault, 'user_coupon.status.fault');
    await this.applyStatus(current, action, now);
    return BARE_OK;
  }

  private async applyStatus(current: UserCouponRecord, action: 'expire' | 'use' | 'discard' | 'unuse', now: number): Promise<UserCouponRecord> {
    let to: UserCouponStatus;
    try {
      to = transition('user coupon status', USER_COUPON_TRANSITIONS, action, current.status);
    } catch (error) {
      if (error instanceof TransitionRejected) throw new WireError(1090044, `user_coupon.status.${action}.not_allowed`);
      throw error;
    }
    // A coupon past its validity can no longer be used.
    if (action === 'use' && current.end_time > 0 && now > current.end_time) throw new WireError(1090014, 'user_coupon.status.use.past_end');
    // Using stamps use_time unless update_user_coupon already set one; undoing a use clears it.
    let useTime = current.use_time;
    if (action === 'use') useTime = current.use_time ?? now;
    if (action === 'unuse') useTime = null;
    const next: UserCouponRecord = { ...current, status: to, use_time: useTime, update_time: Math.max(now, current.update_time) };
    if (!(await saveUserCoupon(this.db, next, current.status))) throw new WireError(1090044, 'user_coupon.status.concurrent_change');
    return next;
  }

  private async requireUserCoupon(app: AppRecord, outCouponId: string, outUserCouponId: string, openid: string | undefined): Promise<UserCouponRecord> {
    const record = await findUserCoupon(this.db, app.appid, outCouponId, outUserCouponId);
    if (!record || (openid !== undefined && record.openid !== openid)) throw new WireError(1090003, 'user_coupon.not_found');
    return record;
  }

  /** Clock job: usable user coupons past their validity become expired (100 → 101). */
  async expireDue(now: number): Promise<number> {
    const rule = USER_COUPON_TRANSITIONS.expire;
    let expired = 0;
    for (const from of rule.from) expired += await expireUserCoupons(this.db, now, from, rule.to);
    if (expired > 0) this.logger.info({ expired }, 'user coupons past their validity marked expired');
    return expired;
  }

  // ---- platform side (admin API) ----

  /**
   * A user taps "claim" on a coupon: the platform asks the merchant's callback for a user coupon
   * id (open_product_receive_coupon), then records the user coupon in status 100 with one unit
   * of stock. The merchant's refusal or a failed call is returned as the matching code.
   */
  async claim(app: AppRecord, openid: string, outCouponId: string, requestId: string, now: number): Promise<UserCouponRecord> {
    if (hasNul(openid) || !(await this.isUserOfApp(undefined, app.appid, openid))) throw new WireError(1090039, 'admin.claim.openid.invalid');
    const coupon = await this.coupons.requireCoupon(this.db, app, outCouponId);
    this.checkClaimable(coupon, now);
    // Users see the claim button only inside the claim window; merchant imports are not limited.
    if (now < coupon.coupon_info.receive_info.start_time * 1000) throw new WireError(1090043, 'admin.claim.before_claim_window');
    if (now > coupon.coupon_info.receive_info.end_time * 1000) throw new WireError(1090014, 'admin.claim.after_claim_window');
    const settings = await findSettings(this.db, app.appid);
    if (!settings.callback_url) throw new WireError(1090032, 'admin.claim.no_callback_url');
    const outcome = await callMerchant(settings.callback_url, settings.callback_timeout_ms, {
      ToUserName: app.username,
      FromUserName: openid,
      CreateTime: Math.floor(now / 1000),
      MsgType: 'event',
      Event: RECEIVE_COUPON_EVENT,
      out_coupon_id: outCouponId,
      request_id: requestId,
    });
    if (outcome.kind === 'unreachable') throw new WireError(1090032, 'admin.claim.unreachable');
    if (outcome.kind === 'timeout') throw new WireError(1090021, 'admin.claim.timeout');
    if (outcome.kind === 'unparsable') throw new WireError(1090022, 'admin.claim.unparsable');
    const reply = outcome.reply;
    if (Number(reply.ret_code) !== 0) throw new WireError(1090033, 'admin.claim.merchant_refused');
    if (reply.request_id !== requestId || reply.out_coupon_id !== outCouponId || typeof reply.out_user_coupon_id !== 'string' || reply.out_user_coupon_id === '') {
      throw new WireError(1090020, 'admin.claim.reply_mismatch');
    }
    return this.create(app, { openid, outCouponId, outUserCouponId: reply.out_user_coupon_id, status: 100, recvTime: Math.floor(now / 1000) }, now);
  }

  /** A user redeems (or the platform expires, discards, reverses) a user coupon. */
  async changeStatus(app: AppRecord, outCouponId: string, outUserCouponId: string, action: 'expire' | 'use' | 'discard' | 'unuse', now: number) {
    const current = await this.requireUserCoupon(app, outCouponId, outUserCouponId, undefined);
    return this.applyStatus(current, action, now);
  }

  async listAll(appid: string, filter: { openid?: string; out_coupon_id?: string }, offset: number, limit: number) {
    return listUserCoupons(this.db, { appid, ...filter, offset, limit });
  }
}
