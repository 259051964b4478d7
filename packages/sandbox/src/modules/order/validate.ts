import { parseChinaTime } from '../../platform/clock.js';
import { field, hasNul, INVALID, isObject, readInt, readString, toInt, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { JsonValue } from '@wxshop/api';
import type { Address, OrderLine } from './store.js';

/** out_order_id must be shorter than 128 characters (documented on order/get). */
export const OUT_ORDER_ID_MAX_LENGTH = 127;
/** expire_time may be at most this far after create_time; 24 h passed live, 25 days failed. */
export const EXPIRE_WINDOW_MS = 24 * 3600 * 1000;
/** create_time must lie within a day of the platform's time (relaxed from 5 s on 2022-07-07). */
export const CREATE_TIME_TOLERANCE_MS = 24 * 3600 * 1000;
/** After-sale window in days when order/add gives none (the documented default). */
export const DEFAULT_AFTERSALE_DURATION_DAYS = 7;
/** Longest after-sale window order/add accepts: three years, in days. */
export const MAX_AFTERSALE_DURATION_DAYS = 3 * 365;
/** delivery_type values: 1 express, 2 no delivery needed, 3 offline delivery, 4 self-pickup. */
export const DELIVERY_TYPES = [1, 2, 3, 4] as const;
export const NO_LOGISTICS = 2;
/** Values stringify_64bits_number may take. SDKs send a boolean, and 0, 1 and the words pass too. */
const STRINGIFY_VALUES = [true, false, 1, 0, 'true', 'false'] as const;
/** Members an address must carry. */
const ADDRESS_REQUIRED = ['receiver_name', 'detailed_address', 'tel_number'] as const;
const ADDRESS_FIELDS = ['receiver_name', 'detailed_address', 'tel_number', 'country', 'province', 'city', 'town', 'house_number'] as const;

export interface OrderAddInput {
  out_order_id: string;
  openid: string | undefined;
  fund_type: 0 | 1;
  create_time: number;
  expire_time: number | null;
  path: string;
  out_user_id: string;
  scene: number | null;
  trace_id: string;
  aftersale_duration: number;
  lines: OrderLine[];
  pay_info: { pay_method_type: number; prepay_id: string; prepay_time: string };
  price_info: { order_price: number; freight: number; discounted_price: number; additional_price: number; additional_remarks: string };
  delivery_type: number;
  address_info: Address | null;
  default_receiving_address: Address | null;
  promotion_info: Record<string, string>;
  stringify_ids: boolean;
}

/** Reads out_order_id, the first check of order/add (990013 when absent or empty). */
export function readOutOrderId(body: JsonObject): string {
  const value = readString(body, 'out_order_id');
  if (value === undefined || value === INVALID || value === '' || hasNul(value)) throw new WireError(990013, 'order.add.out_order_id.missing');
  if (value.length > OUT_ORDER_ID_MAX_LENGTH) throw new WireError(990008, 'order.add.out_order_id.too_long');
  return value;
}

/**
 * Reads an order/add body in the platform's order of checks: times (990018, 1010039), then the
 * field blocks (1010003 lines, 1010004 pay_info, 1010005 price_info, 1010009 address_info).
 * The amount equations run separately (checkAmounts), after the trace_id.
 */
export function readOrderAdd(body: JsonObject, outOrderId: string, now: number): OrderAddInput {
  const fundTypeValue = readInt(body, 'fund_type');
  if (fundTypeValue === INVALID || (fundTypeValue !== undefined && fundTypeValue !== 0 && fundTypeValue !== 1)) {
    throw new WireError(1010004, 'order.add.fund_type.invalid');
  }
  const fundType = (fundTypeValue ?? 0) as 0 | 1;

  // Times.
  const createValue = field(body, 'create_time');
  if (createValue === undefined || createValue === null || createValue === '') throw new WireError(1010020, 'order.add.create_time.missing');
  if (typeof createValue !== 'string') throw new WireError(990018, 'order.add.create_time.not_text');
  const createTime = parseChinaTime(createValue);
  if (createTime === undefined) throw new WireError(1010039, 'order.add.create_time.unparsable');
  if (Math.abs(createTime - now) > CREATE_TIME_TOLERANCE_MS) throw new WireError(1010039, 'order.add.create_time.out_of_range');
  const expireSeconds = readInt(body, 'expire_time');
  if (expireSeconds === INVALID) throw new WireError(1010039, 'order.add.expire_time.invalid');
  if (expireSeconds === undefined && fundType === 1) throw new WireError(1010039, 'order.add.expire_time.missing');
  let expireTime: number | null = null;
  if (expireSeconds !== undefined) {
    expireTime = expireSeconds * 1000;
    if (expireTime <= createTime) throw new WireError(1010039, 'order.add.expire_time.not_after_create_time');
    if (expireTime - createTime > EXPIRE_WINDOW_MS) throw new WireError(1010039, 'order.add.expire_time.too_late');
    if (expireTime <= now) throw new WireError(1010039, 'order.add.expire_time.past');
  }

  const path = readString(body, 'path');
  if (path === undefined || path === INVALID || path === '') throw new WireError(1010021, 'order.add.path.missing');

  const detail = field(body, 'order_detail');
  if (detail !== undefined && detail !== null && !isObject(detail)) throw new WireError(1010010, 'order.add.order_detail.not_object');
  const orderDetail: JsonObject = isObject(detail) ? detail : {};
  const lines = readLines(orderDetail.product_infos, fundType);
  const payInfo = readPayInfo(orderDetail.pay_info, fundType);
  const priceInfo = readPriceInfo(orderDetail.price_info);

  const deliveryDetail = field(body, 'delivery_detail');
  let deliveryType = 1;
  if (deliveryDetail !== undefined && deliveryDetail !== null) {
    if (!isObject(deliveryDetail)) throw new WireError(1010023, 'order.add.delivery_detail.invalid');
    const type = readInt(deliveryDetail, 'delivery_type');
    if (type === INVALID || (type !== undefined && !(DELIVERY_TYPES as readonly number[]).includes(type))) {
      throw new WireError(1010023, 'order.add.delivery_type.invalid');
    }
    deliveryType = type ?? 1;
  }
  // Orders paid through the platform (fund_type 1) must be delivered; "no logistics" is refused.
  if (fundType === 1 && deliveryType === NO_LOGISTICS) throw new WireError(1010023, 'order.add.delivery_type.no_logistics_with_fund_type_1');

  const address = readAddress(field(body, 'address_info'));
  if (address === INVALID) throw new WireError(1010009, 'order.add.address_info.invalid');
  if (address === null && deliveryType !== NO_LOGISTICS) throw new WireError(1010009, 'order.add.address_info.missing');
  const defaultAddress = readAddress(field(body, 'default_receiving_address'));
  if (defaultAddress === INVALID) throw new WireError(1010009, 'order.add.default_receiving_address.invalid');

  const promotion = readPromotion(orderDetail.promotion_info);
  const traceId = readString(body, 'trace_id');
  const outUserId = readString(body, 'out_user_id');
  if (outUserId === INVALID) throw new WireError(1010013, 'order.add.out_user_id.invalid');
  const scene = readInt(body, 'scene');
  // scene arrived as "" and as "1195" on accepted orders. Anything else that is not a number is rejected.
  if (scene === INVALID && field(body, 'scene') !== '') throw new WireError(1010016, 'order.add.scene.invalid');
  const duration = readInt(body, 'aftersale_duration');
  if (duration === INVALID || (duration !== undefined && (duration < 1 || duration > MAX_AFTERSALE_DURATION_DAYS))) {
    throw new WireError(990007, 'order.add.aftersale_duration.invalid');
  }
  const openid = readString(body, 'openid');
  const stringify = field(body, 'stringify_64bits_number');
  if (stringify !== undefined && stringify !== null && !STRINGIFY_VALUES.includes(stringify as never)) {
    throw new WireError(1010017, 'order.add.stringify_64bits_number.invalid');
  }

  return {
    out_order_id: outOrderId,
    openid: openid === INVALID ? undefined : openid,
    fund_type: fundType,
    create_time: createTime,
    expire_time: expireTime,
    path,
    out_user_id: typeof outUserId === 'string' ? outUserId : '',
    scene: typeof scene === 'number' ? scene : null,
    trace_id: typeof traceId === 'string' ? traceId : '',
    aftersale_duration: duration ?? DEFAULT_AFTERSALE_DURATION_DAYS,
    lines,
    pay_info: payInfo,
    price_info: priceInfo,
    delivery_type: deliveryType,
    address_info: address,
    default_receiving_address: defaultAddress,
    promotion_info: promotion,
    stringify_ids: stringify === true || stringify === 1 || stringify === 'true',
  };
}

function readLines(value: JsonValue | undefined, fundType: 0 | 1): OrderLine[] {
  if (!Array.isArray(value) || value.length === 0) throw new WireError(1010003, 'order.add.product_infos.missing');
  return value.map((item, index) => {
    const rule = `order.add.product_infos[${index}]`;
    if (!isObject(item)) throw new WireError(1010003, `${rule}.not_object`);
    const text = (key: string) => {
      const read = readString(item, key);
      if (read === undefined || read === INVALID || hasNul(read)) throw new WireError(1010003, `${rule}.${key}.missing`);
      return read;
    };
    const amount = (key: string, required: boolean) => {
      const read = readInt(item, key);
      if (read === INVALID || (read === undefined && required) || (read !== undefined && read < 0)) throw new WireError(1010003, `${rule}.${key}.invalid`);
      return read;
    };
    const outProductId = text('out_product_id');
    const outSkuId = text('out_sku_id');
    const count = amount('product_cnt', true)!;
    if (count < 1) throw new WireError(1010003, `${rule}.product_cnt.invalid`);
    const salePrice = amount('sale_price', true)!;
    // 2022: sku_real_price is the line total; 2021: real_price is the unit price after discount.
    const realPrice = fundType === 0 ? amount('real_price', false) : undefined;
    const skuRealPrice = amount('sku_real_price', fundType === 1 || realPrice === undefined);
    const linePath = readString(item, 'path');
    if (linePath === undefined || linePath === INVALID || linePath === '') throw new WireError(1010024, `${rule}.path.missing`);
    // Empty display fields are filled from the catalogue or refused (1010015) in matchCatalogue.
    const title = text('title');
    const headImg = text('head_img');
    return {
      out_product_id: outProductId,
      out_sku_id: outSkuId,
      product_cnt: count,
      sale_price: salePrice,
      sku_real_price: skuRealPrice ?? realPrice! * count,
      ...(realPrice !== undefined ? { real_price: realPrice } : {}),
      path: linePath,
      title,
      head_img: headImg,
      product_id: '0',
      sku_id: '0',
      shipped_cnt: 0,
      refunded: 0,
    };
  });
}

function readPayInfo(value: JsonValue | undefined, fundType: 0 | 1): OrderAddInput['pay_info'] {
  if (value !== undefined && value !== null && !isObject(value)) throw new WireError(1010004, 'order.add.pay_info.not_object');
  const info: JsonObject = isObject(value) ? value : {};
  if (fundType === 1 && !isObject(value)) throw new WireError(1010004, 'order.add.pay_info.missing');
  const method = readInt(info, 'pay_method_type');
  if (method === INVALID) throw new WireError(1010004, 'order.add.pay_method_type.invalid');
  // 0 WeChat Pay, 1 cash on delivery, 2 the merchant's stored-value card.
  if (method !== undefined && (method < 0 || method > 2)) throw new WireError(1010026, 'order.add.pay_method_type.out_of_range');
  const prepayId = readString(info, 'prepay_id');
  const prepayTime = readString(info, 'prepay_time');
  // The 2021 flow pays with the merchant's own WeChat Pay prepay; the 2022 flow ignores both fields.
  if (fundType === 0 && (method ?? 0) === 0) {
    if (typeof prepayId !== 'string' || prepayId === '') throw new WireError(1010004, 'order.add.prepay_id.missing');
    if (typeof prepayTime !== 'string' || parseChinaTime(prepayTime) === undefined) throw new WireError(1010004, 'order.add.prepay_time.invalid');
  }
  return {
    pay_method_type: method ?? 0,
    prepay_id: fundType === 0 && typeof prepayId === 'string' ? prepayId : '',
    prepay_time: fundType === 0 && typeof prepayTime === 'string' ? prepayTime : '',
  };
}

function readPriceInfo(value: JsonValue | undefined): OrderAddInput['price_info'] {
  if (!isObject(value)) throw new WireError(1010005, 'order.add.price_info.missing');
  const amount = (key: string, required: boolean) => {
    const read = toInt(field(value, key));
    if (read === INVALID || (read === undefined && required) || (read !== undefined && read < 0)) throw new WireError(1010005, `order.add.price_info.${key}.invalid`);
    return read ?? 0;
  };
  const orderPrice = amount('order_price', true);
  // Zero-price orders are not supported since 2022-06-29.
  if (orderPrice === 0) throw new WireError(1010005, 'order.add.price_info.order_price.zero');
  const remarks = readString(value, 'additional_remarks');
  return {
    order_price: orderPrice,
    freight: amount('freight', true),
    discounted_price: amount('discounted_price', false),
    additional_price: amount('additional_price', false),
    additional_remarks: typeof remarks === 'string' ? remarks : '',
  };
}

/** Reads an address object; null when absent, INVALID when a required member is missing. */
export function readAddress(value: JsonValue | undefined): Address | null | typeof INVALID {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) return INVALID;
  const address: Address = {};
  for (const key of ADDRESS_FIELDS) {
    const read = readString(value, key);
    if (read === INVALID) return INVALID;
    if (read !== undefined) address[key] = read;
  }
  if (ADDRESS_REQUIRED.some((key) => !address[key])) return INVALID;
  return address;
}

/** Reads order_detail.promotion_info; present but not an object, or a member not text, → 1010022. */
function readPromotion(value: JsonValue | undefined): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new WireError(1010022, 'order.add.promotion_info.not_object');
  const result: Record<string, string> = {};
  for (const key of ['promoter_id', 'finder_nickname', 'promoter_openid', 'sharer_openid', 'finder_username']) {
    const read = readString(value, key);
    if (read === INVALID) throw new WireError(1010022, `order.add.promotion_info.${key}.invalid`);
    if (typeof read === 'string' && read !== '') result[key] = read;
  }
  return result;
}

/**
 * The two equations the platform checks (1010040):
 * order_price = Σ(sale_price × product_cnt) + freight − discounted_price + additional_price, and
 * order_price = Σ(sku_real_price) + freight + additional_price, sku_real_price being the line total.
 */
export function checkAmounts(input: Pick<OrderAddInput, 'lines' | 'price_info'>): void {
  const { order_price, freight, discounted_price, additional_price } = input.price_info;
  const listTotal = input.lines.reduce((sum, line) => sum + line.sale_price * line.product_cnt, 0);
  if (order_price !== listTotal + freight - discounted_price + additional_price) throw new WireError(1010040, 'order.add.amount.sale_price_equation');
  const paidTotal = input.lines.reduce((sum, line) => sum + line.sku_real_price, 0);
  if (order_price !== paidTotal + freight + additional_price) throw new WireError(1010040, 'order.add.amount.sku_real_price_equation');
}
