import { array, datetime, int64, integer, object, optional, partial, string } from './schema.js';

/** A postal address, as order, aftersale and account calls carry it. */
export const Address = object(
  {
    receiver_name: string('Recipient name'),
    detailed_address: string('Street address'),
    tel_number: string('Recipient phone number'),
    country: optional(string('Country')),
    province: optional(string('Province')),
    city: optional(string('City')),
    town: optional(string('District or town')),
  },
  'A postal address',
);

/** No fields: the call takes `{}`. */
export const Empty = object({});

/** A product picked by platform id or merchant id (one of the two). */
export const ProductKey = {
  product_id: optional(int64('Platform product id; give this or out_product_id')),
  out_product_id: optional(string('Merchant product id; give this or product_id')),
} as const;

/** An order picked by platform id or merchant id, and its buyer. */
export const OrderKey = {
  order_id: optional(int64('Platform order id; give this or out_order_id')),
  out_order_id: optional(string('Merchant order id; give this or order_id')),
  openid: string('Buyer openid'),
} as const;

/** A v2 aftersale picked by platform id or merchant id. */
export const AftersaleKey = {
  aftersale_id: optional(int64('Platform aftersale id; give this or out_aftersale_id')),
  out_aftersale_id: optional(string('Merchant aftersale id; give this or aftersale_id')),
} as const;

export const PageRequest = {
  page: integer('Page number, from 1'),
  page_size: integer('Items per page'),
} as const;

export const SkuAttr = object({ attr_key: string('Attribute name'), attr_value: string('Attribute value') });

export const TimeRange = {
  start_create_time: optional(datetime('Created at or after')),
  end_create_time: optional(datetime('Created at or before')),
} as const;

/** The payment parameters `wx.requestPayment` expects. */
export const PaymentParams = object({
  timeStamp: integer('Unix seconds'),
  nonceStr: string('Random string'),
  package: string('`prepay_id=…`'),
  paySign: string('Signature'),
  signType: string('MD5, HMAC-SHA256 or RSA'),
});

export const ProductInfoLine = partial({
  out_product_id: string('Merchant product id'),
  out_sku_id: string('Merchant sku id'),
  product_id: int64('Platform product id (0 when unmapped)'),
  sku_id: int64('Platform sku id (0 when unmapped)'),
  product_cnt: integer('Quantity'),
  sale_price: integer('Unit price in fen'),
  sku_real_price: integer('v2: amount paid for the whole line, in fen'),
  real_price: integer('v1: unit price after discount, in fen'),
  title: string('Product title'),
  path: string('Product page'),
  head_img: string('Product image'),
  sku_attrs: array(SkuAttr),
});
