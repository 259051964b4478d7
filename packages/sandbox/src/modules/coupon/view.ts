import type { CouponRecord, UserCouponRecord } from './store.js';

/** Wire times of the coupon module are unix seconds. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);

/** The coupon object of get and get_list. */
export function couponView(record: CouponRecord) {
  const couponInfo: Record<string, unknown> = { ...record.coupon_info };
  if (record.valid_time !== null) couponInfo.ext_info = { valid_time: seconds(record.valid_time) };
  return {
    out_coupon_id: record.out_coupon_id,
    type: record.type,
    promote_type: record.promote_type,
    coupon_info: couponInfo,
    status: record.status,
    create_time: seconds(record.create_time),
    update_time: seconds(record.update_time),
    appid: record.appid,
  };
}

/** The coupon_stock object of get_list; undefined before the coupon became effective. */
export function stockView(record: CouponRecord) {
  if (!record.stock) return undefined;
  return {
    out_coupon_id: record.out_coupon_id,
    stock_info: { issued_num: record.stock.issued_num, receive_num: record.stock.receive_num },
    create_time: seconds(record.stock.create_time),
    update_time: seconds(record.stock.update_time),
    appid: record.appid,
  };
}

/** One item of get_usercoupon_list. */
export function userCouponView(record: UserCouponRecord) {
  return {
    out_user_coupon_id: record.out_user_coupon_id,
    openid: record.openid,
    out_coupon_id: record.out_coupon_id,
    status: record.status,
    create_time: seconds(record.create_time),
    update_time: seconds(record.update_time),
    start_time: seconds(record.start_time),
    end_time: seconds(record.end_time),
    ext_info: record.use_time === null ? {} : { use_time: seconds(record.use_time) },
  };
}
