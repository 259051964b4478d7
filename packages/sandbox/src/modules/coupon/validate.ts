import { field, hasNul, INVALID, isObject, readInt, readString, readStringArray, textLength, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';

/** Coupon types: 1–6 product coupons, 101–104 shop-wide coupons (docs, coupon.type). */
export const COUPON_TYPES = [1, 2, 3, 4, 5, 6, 101, 102, 103, 104] as const;
/** Types whose discount is a rate in discount_num ("x.y折" × 1000). */
const DISCOUNT_TYPES = [1, 3, 101, 103];
/** Types whose discount is an amount in discount_fee (fen). */
const REDUCTION_TYPES = [2, 4, 102, 104];
/** Product coupons that name their products in out_product_ids. */
const PRODUCT_LIST_TYPES = [1, 2, 3, 4];
/** The only promote_type of this API: 4, Channels live (docs, promote_type). */
export const PROMOTE_TYPE_FINDER = 4;
/** valid_type: 1 fixed window, 2 days after receipt, 3 seconds after receipt (docs). */
export const VALID_TYPES = [1, 2, 3] as const;

export const COUPON_LIMITS = {
  /** Products one coupon may name in out_product_ids (docs). */
  outProductIds: 128,
  /** Length of out_coupon_id and out_user_coupon_id; undocumented, the sandbox uses out_order_id's 128. */
  outIdLength: 128,
  /** Length of coupon_info.name; undocumented, a sandbox choice. */
  nameLength: 30,
  /** discount_num range, 1.0折 to 10折 exclusive (SDK documentation). */
  discountNumMin: 1000,
  discountNumMax: 10000,
  /** page_size cap of get_list and get_usercoupon_list (docs). */
  pageSize: 200,
  /**
   * Largest count (total_num, limit_num_one_person, thresholds, amounts): a 32-bit column on
   * PostgreSQL. The platform's own limits are undocumented, so larger values get 990007.
   */
  maxCount: 2_147_483_647,
  /** Latest time a window may name, in unix seconds: the year 3000. A sandbox choice. */
  maxTimeSeconds: 32_503_680_000,
  /** Maximum validity after a claim: 100 years, in days and in seconds. A sandbox choice. */
  maxValidDays: 36_500,
  maxValidSeconds: 36_500 * 86_400,
} as const;

export interface CouponInput {
  out_coupon_id: string;
  type: number;
  promote_type: number;
  /** coupon_info as it is stored and returned: the known fields the merchant sent. */
  coupon_info: CouponInfo;
  /** Every merchant product id the coupon refers to, for the product checks. */
  product_ids: string[];
}

export interface CouponInfo {
  name: string;
  promote_info: { promote_type: number; finder: { nickname: string } };
  discount_info: {
    discount_condition?: {
      product_cnt?: number;
      product_price?: number;
      out_product_ids?: string[];
      tradein_info?: { out_product_id: string; price: number };
      buyget_info?: { buy_out_product_id: string; buy_product_cnt: number; get_out_product_id: string; get_product_cnt: number };
    };
    discount_num?: number;
    discount_fee?: number;
  };
  receive_info: { start_time: number; end_time: number; limit_num_one_person: number; total_num: number };
  valid_info: { valid_type: number; valid_day_num?: number; valid_second?: number; start_time?: number; end_time?: number };
}

/** Reads out_coupon_id of a coupon-level call: absent or empty is 1090007, too long 1090037. */
export function readOutCouponId(body: JsonObject, code = 1090007): string {
  const id = readString(body, 'out_coupon_id');
  if (id === undefined || id === INVALID || id === '') throw new WireError(code, 'coupon.out_coupon_id.missing');
  if (hasNul(id)) throw new WireError(990007, 'coupon.out_coupon_id.nul');
  if (textLength(id) > COUPON_LIMITS.outIdLength) throw new WireError(1090037, 'coupon.out_coupon_id.too_long');
  return id;
}

function object(parent: JsonObject, key: string, code: number, rule: string): JsonObject {
  const value = field(parent, key);
  if (!isObject(value)) throw new WireError(code, rule);
  return value;
}

function optionalObject(parent: JsonObject, key: string): JsonObject | undefined {
  const value = field(parent, key);
  return isObject(value) ? value : undefined;
}

function int(parent: JsonObject, key: string, rule: string): number {
  const value = readInt(parent, key);
  if (value === undefined || value === INVALID) throw new WireError(990007, rule);
  return value;
}

/** Refuses unix times (seconds) before 1970 or after COUPON_LIMITS.maxTimeSeconds with 990007. */
function checkTimes(times: number[], rule: string): void {
  if (times.some((time) => time < 0 || time > COUPON_LIMITS.maxTimeSeconds)) throw new WireError(990007, rule);
}

function optionalInt(parent: JsonObject, key: string, rule: string): number | undefined {
  const value = readInt(parent, key);
  if (value === INVALID) throw new WireError(990007, rule);
  return value;
}

/**
 * Reads the `coupon` object of add and update, in the order of checks the sandbox uses: missing
 * blocks, lengths, enumerations, promotion, windows, then type against discount fields.
 */
export function readCouponBody(body: JsonObject): CouponInput {
  const coupon = optionalObject(body, 'coupon');
  if (!coupon) throw new WireError(1090007, 'coupon.out_coupon_id.missing');
  const outCouponId = readString(coupon, 'out_coupon_id');
  if (outCouponId === undefined || outCouponId === INVALID || outCouponId === '') throw new WireError(1090007, 'coupon.out_coupon_id.missing');
  if (hasNul(outCouponId)) throw new WireError(990007, 'coupon.out_coupon_id.nul');

  const info = object(coupon, 'coupon_info', 1090046, 'coupon.coupon_info.missing');
  const name = readString(info, 'name');
  if (name === undefined || name === INVALID || name === '') throw new WireError(1090047, 'coupon.name.missing');
  const promote = object(info, 'promote_info', 1090048, 'coupon.promote_info.missing');
  const discount = object(info, 'discount_info', 1090049, 'coupon.discount_info.missing');
  const receive = object(info, 'receive_info', 1090050, 'coupon.receive_info.missing');
  const valid = object(info, 'valid_info', 1090051, 'coupon.valid_info.missing');

  if (textLength(outCouponId) > COUPON_LIMITS.outIdLength) throw new WireError(1090037, 'coupon.out_coupon_id.too_long');
  if (textLength(name) > COUPON_LIMITS.nameLength) throw new WireError(1090036, 'coupon.name.too_long');

  const type = readInt(coupon, 'type');
  if (type === undefined || type === INVALID || !(COUPON_TYPES as readonly number[]).includes(type)) throw new WireError(1090055, 'coupon.type.unknown');
  const validType = readInt(valid, 'valid_type');
  if (validType === undefined || validType === INVALID || !(VALID_TYPES as readonly number[]).includes(validType)) {
    throw new WireError(1090024, 'coupon.valid_type.unknown');
  }

  const promoteType = readInt(coupon, 'promote_type');
  if (promoteType !== PROMOTE_TYPE_FINDER) throw new WireError(1090035, 'coupon.promote_type.not_finder');
  const innerPromoteType = readInt(promote, 'promote_type');
  if (innerPromoteType !== promoteType) throw new WireError(1090053, 'coupon.promote_type.mismatch');
  const finder = optionalObject(promote, 'finder');
  const nickname = finder ? readString(finder, 'nickname') : undefined;
  if (nickname === undefined || nickname === INVALID || nickname.trim() === '') throw new WireError(1090035, 'coupon.finder.nickname.missing');

  const receiveInfo = {
    start_time: int(receive, 'start_time', 'coupon.receive_info.start_time.invalid'),
    end_time: int(receive, 'end_time', 'coupon.receive_info.end_time.invalid'),
    limit_num_one_person: int(receive, 'limit_num_one_person', 'coupon.receive_info.limit_num_one_person.invalid'),
    total_num: int(receive, 'total_num', 'coupon.receive_info.total_num.invalid'),
  };
  if (receiveInfo.total_num < 0 || receiveInfo.limit_num_one_person < 0) throw new WireError(990007, 'coupon.receive_info.negative');
  if (receiveInfo.total_num > COUPON_LIMITS.maxCount || receiveInfo.limit_num_one_person > COUPON_LIMITS.maxCount) {
    throw new WireError(990007, 'coupon.receive_info.too_large');
  }
  checkTimes([receiveInfo.start_time, receiveInfo.end_time], 'coupon.receive_info.time_out_of_range');
  if (receiveInfo.start_time > receiveInfo.end_time) throw new WireError(990009, 'coupon.receive_info.window_reversed');
  const validInfo = readValidInfo(valid, validType);

  const { discountInfo, productIds } = readDiscountInfo(discount, type);
  return {
    out_coupon_id: outCouponId,
    type,
    promote_type: promoteType,
    coupon_info: {
      name,
      promote_info: { promote_type: promoteType, finder: { nickname } },
      discount_info: discountInfo,
      receive_info: receiveInfo,
      valid_info: validInfo,
    },
    product_ids: productIds,
  };
}

function readValidInfo(valid: JsonObject, validType: number): CouponInfo['valid_info'] {
  if (validType === 1) {
    const start = int(valid, 'start_time', 'coupon.valid_info.start_time.invalid');
    const end = int(valid, 'end_time', 'coupon.valid_info.end_time.invalid');
    checkTimes([start, end], 'coupon.valid_info.time_out_of_range');
    if (start > end) throw new WireError(990009, 'coupon.valid_info.window_reversed');
    return { valid_type: 1, start_time: start, end_time: end };
  }
  if (validType === 2) {
    const days = int(valid, 'valid_day_num', 'coupon.valid_info.valid_day_num.invalid');
    if (days < 1 || days > COUPON_LIMITS.maxValidDays) throw new WireError(990007, 'coupon.valid_info.valid_day_num.invalid');
    return { valid_type: 2, valid_day_num: days };
  }
  const seconds = int(valid, 'valid_second', 'coupon.valid_info.valid_second.invalid');
  if (seconds < 1 || seconds > COUPON_LIMITS.maxValidSeconds) throw new WireError(990007, 'coupon.valid_info.valid_second.invalid');
  return { valid_type: 3, valid_second: seconds };
}

function readDiscountInfo(discount: JsonObject, type: number): { discountInfo: CouponInfo['discount_info']; productIds: string[] } {
  const condition = optionalObject(discount, 'discount_condition') ?? {};
  const discountNum = optionalInt(discount, 'discount_num', 'coupon.discount_num.invalid');
  const discountFee = optionalInt(discount, 'discount_fee', 'coupon.discount_fee.invalid');
  const productCnt = optionalInt(condition, 'product_cnt', 'coupon.product_cnt.invalid');
  const productPrice = optionalInt(condition, 'product_price', 'coupon.product_price.invalid');
  for (const amount of [discountNum, discountFee, productCnt, productPrice]) {
    if (amount !== undefined && (amount < 0 || amount > COUPON_LIMITS.maxCount)) throw new WireError(990007, 'coupon.discount.out_of_range');
  }
  const outProductIds = readStringArray(condition, 'out_product_ids');
  if (outProductIds === INVALID) throw new WireError(990007, 'coupon.out_product_ids.invalid');
  if (outProductIds && outProductIds.length > COUPON_LIMITS.outProductIds) throw new WireError(990008, 'coupon.out_product_ids.too_many');

  // The discount field must be the one of the type, and only that one.
  const isDiscount = DISCOUNT_TYPES.includes(type);
  const isReduction = REDUCTION_TYPES.includes(type);
  if (isDiscount && (discountNum === undefined || discountFee !== undefined)) throw new WireError(1090054, 'coupon.type.discount_fields');
  if (isReduction && (discountFee === undefined || discountNum !== undefined)) throw new WireError(1090054, 'coupon.type.discount_fields');
  if (!isDiscount && !isReduction && (discountNum !== undefined || discountFee !== undefined)) throw new WireError(1090054, 'coupon.type.discount_fields');
  if (type > 100 && outProductIds && outProductIds.length > 0) throw new WireError(1090054, 'coupon.type.shop_coupon_with_products');
  if (discountNum !== undefined && (discountNum < COUPON_LIMITS.discountNumMin || discountNum >= COUPON_LIMITS.discountNumMax)) {
    throw new WireError(1090054, 'coupon.discount_num.out_of_range');
  }

  const result: CouponInfo['discount_info'] = {};
  const resultCondition: NonNullable<CouponInfo['discount_info']['discount_condition']> = {};
  const productIds: string[] = [];
  if (productCnt !== undefined) resultCondition.product_cnt = productCnt;
  if (productPrice !== undefined) resultCondition.product_price = productPrice;

  if (PRODUCT_LIST_TYPES.includes(type)) {
    const ids = (outProductIds ?? []).filter((id) => id !== '');
    if (ids.length === 0) throw new WireError(1090011, 'coupon.out_product_ids.empty');
    resultCondition.out_product_ids = ids;
    productIds.push(...ids);
  } else if (type === 5) {
    const tradein = optionalObject(condition, 'tradein_info');
    const outProductId = tradein ? readString(tradein, 'out_product_id') : undefined;
    const price = tradein ? readInt(tradein, 'price') : undefined;
    if (outProductId === undefined || outProductId === INVALID || outProductId === '' || price === undefined || price === INVALID || price < 0) {
      throw new WireError(1090052, 'coupon.tradein_info.invalid');
    }
    resultCondition.tradein_info = { out_product_id: outProductId, price };
    productIds.push(outProductId);
  } else if (type === 6) {
    const buyget = optionalObject(condition, 'buyget_info');
    const buyId = buyget ? readString(buyget, 'buy_out_product_id') : undefined;
    const getId = buyget ? readString(buyget, 'get_out_product_id') : undefined;
    const buyCnt = buyget ? readInt(buyget, 'buy_product_cnt') : undefined;
    const getCnt = buyget ? readInt(buyget, 'get_product_cnt') : undefined;
    if (
      typeof buyId !== 'string' || buyId === '' || typeof getId !== 'string' || getId === '' ||
      typeof buyCnt !== 'number' || buyCnt < 1 || typeof getCnt !== 'number' || getCnt < 1
    ) {
      throw new WireError(1090023, 'coupon.buyget_info.invalid');
    }
    resultCondition.buyget_info = { buy_out_product_id: buyId, buy_product_cnt: buyCnt, get_out_product_id: getId, get_product_cnt: getCnt };
    productIds.push(buyId, getId);
  }

  if (discountFee !== undefined) {
    if (discountFee <= 0 || (productPrice !== undefined && productPrice > 0 && discountFee >= productPrice)) {
      throw new WireError(1090065, 'coupon.discount_fee.invalid');
    }
    result.discount_fee = discountFee;
  }
  if (discountNum !== undefined) result.discount_num = discountNum;
  if (Object.keys(resultCondition).length > 0) result.discount_condition = resultCondition;
  return { discountInfo: result, productIds: [...new Set(productIds)] };
}
