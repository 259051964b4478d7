import { endpoint } from './endpoint.js';
import { Address, AftersaleKey, Empty, OrderKey, PageRequest, PaymentParams, ProductInfoLine } from './common.js';
import { array, boolean, datetime, enumOf, int64, integer, object, optional, partial, string, unknown } from './schema.js';

const ORDER_STATUS = [10, 11, 20, 21, 30, 100, 181, 200, 250] as const;

const DeliveryItem = partial({
  delivery_id: string('Courier company code'),
  waybill_id: string('Waybill number'),
  deliverer_name: string(),
  deliverer_phone: string(),
  delivey_status: integer('Spelled as on the wire'),
  product_info_list: array(object({ out_product_id: string(), out_sku_id: string(), product_cnt: integer() })),
});

const DeliveryDetail = partial({
  delivery_type: integer('1 express, 2 none needed, 3 offline, 4 self-pickup'),
  finish_all_delivery: integer('0 or 1'),
  delivery_list: array(DeliveryItem),
});

const PriceInfo = partial({
  order_price: integer('Order total in fen'),
  freight: integer('Freight in fen'),
  discounted_price: integer('Discount in fen'),
  additional_price: integer('Surcharge in fen'),
  additional_remarks: string(),
  final_price: integer(),
});

/** An order as order/get and the order lists return it. */
export const Order = object({
  order_id: int64('Platform order id (can exceed 2^53)'),
  out_order_id: string('Merchant order id'),
  openid: optional(string('Buyer openid')),
  status: enumOf(ORDER_STATUS, '10 unpaid, 20 paid, 30 shipped, 100 done, 181 expired, 200 refunded, 250 cancelled'),
  path: optional(string()),
  scene: optional(integer()),
  out_user_id: optional(string()),
  create_time: optional(datetime()),
  update_time: optional(datetime()),
  fund_type: optional(enumOf([0, 1], '0 ordinary, 1 second-level merchant (2022 flow)')),
  expire_time: optional(integer('Unix seconds')),
  aftersale_duration: optional(integer('Days')),
  receive_time: optional(integer('Unix seconds')),
  order_detail: partial({
    product_infos: array(object({ ...ProductInfoLine.fields, can_after_sale: optional(boolean()) })),
    price_info: PriceInfo,
    pay_info: partial({
      pay_method: string('Display text'),
      pay_method_type: integer('0 WeChat Pay'),
      prepay_id: string(),
      prepay_time: datetime(),
      transaction_id: string(),
      pay_time: datetime(),
    }),
    pay_info_list: array(unknown()),
    promotion_info: partial({
      promoter_id: string(),
      finder_nickname: string(),
      promoter_openid: string(),
      sharer_openid: string(),
      finder_username: string(),
      live_start_time: string(),
    }),
    delivery_detail: DeliveryDetail,
  }),
  delivery_detail: optional(DeliveryDetail),
  address_info: optional(Address),
  default_receiving_address: optional(Address),
  settlement_info: optional(unknown()),
  refund_info: optional(unknown()),
  related_aftersale_info: optional(unknown()),
  commission_info: optional(unknown()),
});

const OrderList = object({ total_num: integer('Orders matching'), orders: array(Order) });

/** Orders: the 2021 flow (fund_type 0) and the 2022 flow (fund_type 1). */
export const order = {
  add: endpoint({
    path: '/shop/order/add',
    summary: 'Creates an order (fund_type 1: pay through getpaymentparams)',
    request: object({
      create_time: datetime('Order time'),
      out_order_id: string('Merchant order id'),
      openid: string('Buyer openid'),
      path: string('Order page'),
      out_user_id: optional(string()),
      fund_type: optional(enumOf([0, 1], '1 for the 2022 flow')),
      expire_time: optional(integer('Unix seconds; unpaid orders close then')),
      aftersale_duration: optional(integer('Days')),
      trace_id: optional(string('From the front-end check, for Channels attribution')),
      scene: optional(integer('v1: scene value')),
      stringify_64bits_number: optional(boolean('Return order_id as a string')),
      order_detail: object({
        product_infos: array(
          object({
            out_product_id: string(),
            out_sku_id: string(),
            product_cnt: integer(),
            sale_price: integer('Unit price in fen'),
            sku_real_price: optional(integer('v2: amount paid for the whole line, in fen')),
            real_price: optional(integer('v1: unit price after discount')),
            path: string(),
            title: string(),
            head_img: string(),
          }),
        ),
        pay_info: object({ pay_method_type: integer('0 WeChat Pay'), prepay_id: optional(string()), prepay_time: optional(datetime()) }),
        price_info: object({
          order_price: integer('Σ sale_price × cnt + freight − discount + additional'),
          freight: integer(),
          discounted_price: optional(integer()),
          additional_price: optional(integer()),
          additional_remarks: optional(string()),
        }),
      }),
      delivery_detail: object({ delivery_type: enumOf([1, 2, 3, 4], '1 express, 2 none, 3 offline, 4 self-pickup') }),
      address_info: optional(Address),
      default_receiving_address: optional(Address),
    }),
    response: object({
      data: object({
        order_id: int64(),
        out_order_id: string(),
        ticket: optional(string('v1 only')),
        ticket_expire_time: optional(datetime('v1 only')),
        final_price: optional(integer('v1 only')),
      }),
    }),
  }),
  getPaymentParams: endpoint({
    path: '/shop/order/getpaymentparams',
    summary: 'Gets wx.requestPayment parameters for a fund_type 1 order',
    request: object(OrderKey),
    response: object({ payment_params: PaymentParams }),
  }),
  pay: endpoint({
    path: '/shop/order/pay',
    summary: 'Reports the payment result of a v1 order',
    request: object({
      ...OrderKey,
      action_type: enumOf([1, 2, 3, 4, 5, 10], '1 paid, 2 failed, 3 user cancelled, 4 timeout, 5 merchant cancelled, 10 other'),
      action_remark: optional(string()),
      transaction_id: optional(string()),
      pay_time: optional(datetime()),
    }),
    response: Empty,
  }),
  close: endpoint({ path: '/shop/order/close', summary: 'Closes an unpaid v2 order', request: object(OrderKey), response: Empty }),
  get: endpoint({ path: '/shop/order/get', summary: 'Reads one order', request: object(OrderKey), response: object({ order: Order }) }),
  getList: endpoint({
    path: '/shop/order/get_list',
    summary: 'Pages through orders',
    request: object({
      ...PageRequest,
      sort_order: optional(enumOf([1, 2], '1 newest first, 2 oldest first')),
      start_create_time: optional(datetime()),
      end_create_time: optional(datetime()),
      openid: optional(string()),
    }),
    response: OrderList,
  }),
  getListByFinder: endpoint({
    path: '/shop/order/get_list_by_finder',
    summary: 'Orders driven by a promoter',
    request: object({
      ...PageRequest,
      start_pay_time: optional(datetime()),
      end_pay_time: optional(datetime()),
      promoter_id: optional(string()),
      promoter_openid: optional(string()),
    }),
    response: OrderList,
  }),
  getListBySharer: endpoint({
    path: '/shop/order/get_list_by_sharer',
    summary: 'Orders driven by a sharer',
    request: object({ ...PageRequest, sharer_openid: string(), start_pay_time: optional(datetime()), end_pay_time: optional(datetime()) }),
    response: OrderList,
  }),
  updateAddress: endpoint({
    path: '/shop/order/update_address',
    summary: 'Changes the delivery address of an order',
    request: object({ ...OrderKey, address_info: Address }),
    response: Empty,
  }),
} as const;

/** Delivery. */
export const delivery = {
  getCompanyList: endpoint({
    path: '/shop/delivery/get_company_list',
    summary: 'Lists courier companies',
    request: Empty,
    response: object({ company_list: array(object({ delivery_id: string('Company code'), delivery_name: string('Company name') })) }),
  }),
  send: endpoint({
    path: '/shop/delivery/send',
    summary: 'Reports a shipment; finish_all_delivery 1 moves the order to 30',
    request: object({
      ...OrderKey,
      finish_all_delivery: enumOf([0, 1], '1 when everything is shipped'),
      delivery_list: optional(
        array(
          object({
            delivery_id: string('Company code, or OTHERS'),
            waybill_id: string(),
            product_info_list: optional(array(object({ out_product_id: string(), out_sku_id: string(), product_cnt: optional(integer()) }))),
          }),
        ),
      ),
      ship_done_time: optional(datetime()),
    }),
    response: Empty,
  }),
  recieve: endpoint({
    path: '/shop/delivery/recieve',
    summary: 'Confirms receipt for the buyer (path misspelt on the platform)',
    request: object(OrderKey),
    response: Empty,
  }),
} as const;

const V1ProductInfos = array(object({ out_product_id: string(), out_sku_id: string(), product_cnt: integer() }));

/** Legacy merchant-run aftersales (2021). */
export const aftersale = {
  add: endpoint({
    path: '/shop/aftersale/add',
    summary: 'Reports a merchant-run aftersale',
    request: object({
      out_order_id: string(),
      out_aftersale_id: string(),
      openid: string(),
      type: enumOf([1, 2, 3], '1 refund, 2 return and refund, 3 exchange'),
      create_time: datetime(),
      status: integer('v1 aftersale status'),
      finish_all_aftersale: enumOf([0, 1]),
      path: string(),
      refund: integer('Fen'),
      product_infos: V1ProductInfos,
      refund_reason: optional(string()),
      refund_address: optional(string()),
      orderamt: optional(integer()),
    }),
    response: Empty,
  }),
  get: endpoint({
    path: '/shop/aftersale/get',
    summary: 'Reads the v1 aftersales of an order',
    request: object(OrderKey),
    response: object({
      aftersale_infos: array(
        partial({
          order_id: int64(),
          out_order_id: string(),
          out_aftersale_id: string(),
          openid: string(),
          type: integer(),
          create_time: datetime(),
          path: string(),
          status: integer(),
          refund: integer(),
          product_infos: V1ProductInfos,
          refund_reason: string(),
          refund_address: string(),
          orderamt: integer(),
        }),
      ),
    }),
  }),
  update: endpoint({
    path: '/shop/aftersale/update',
    summary: 'Changes the status of a v1 aftersale',
    request: object({ out_order_id: string(), out_aftersale_id: string(), openid: string(), status: integer(), finish_all_aftersale: enumOf([0, 1]) }),
    response: Empty,
  }),
  updateDeadline: endpoint({
    path: '/shop/aftersale/update_deadline',
    summary: 'Extends the aftersale window of a received v2 order (once)',
    request: object({ ...OrderKey, after_sale_deadline: integer('Unix seconds') }),
    response: Empty,
  }),
} as const;

const MediaList = array(object({ type: enumOf([1, 2], '1 image, 2 video'), url: string(), thumb_url: string() }));

/** A v2 aftersale as ecaftersale/get returns it. */
export const AftersaleOrder = object({
  out_aftersale_id: optional(string()),
  aftersale_id: int64(),
  out_order_id: optional(string()),
  order_id: int64(),
  product_info: partial({ out_product_id: string(), product_id: int64(), out_sku_id: string(), sku_id: int64(), product_cnt: integer() }),
  type: enumOf([1, 2], '1 refund only, 2 return and refund'),
  return_info: optional(partial({ order_return_time: integer('Unix ms'), delivery_id: string(), waybill_id: string(), delivery_name: string() })),
  orderamt: integer('Fen'),
  refund_reason_type: optional(integer()),
  refund_reason: optional(string()),
  media_list: optional(MediaList),
  status: integer('2 merchant handling, 4/5 rejected, 6 awaiting return, 8 awaiting receipt, 13/14 refunded, …'),
  create_time: optional(string('Unix ms as a string')),
  update_time: optional(string('Unix ms as a string')),
  openid: optional(string()),
  refund_pay_detail: optional(partial({ refund_id: string() })),
  return_id: optional(string()),
  complaint_order_id_list: optional(array(int64())),
  return_address_info: optional(Address),
});

const ByAftersale = object(AftersaleKey);

/** User-driven v2 aftersales (fund_type 1 orders). */
export const ecAftersale = {
  add: endpoint({
    path: '/shop/ecaftersale/add',
    summary: 'Opens an aftersale for the buyer',
    request: object({
      order_id: optional(int64()),
      out_order_id: optional(string()),
      out_aftersale_id: optional(string()),
      openid: string(),
      type: enumOf([1, 2], '1 refund only, 2 return and refund'),
      product_info: object({
        out_product_id: optional(string()),
        product_id: optional(int64()),
        out_sku_id: optional(string()),
        sku_id: optional(int64()),
        product_cnt: integer(),
      }),
      refund_reason: string(),
      refund_reason_type: integer('1–12'),
      orderamt: integer('Fen; at most the refundable amount'),
      media_list: optional(MediaList),
    }),
    response: object({ aftersale_id: int64() }),
  }),
  update: endpoint({
    path: '/shop/ecaftersale/update',
    summary: 'Edits an aftersale for the buyer',
    request: object({
      ...AftersaleKey,
      openid: string(),
      type: enumOf([1, 2]),
      orderamt: integer(),
      refund_reason: string(),
      refund_reason_type: integer(),
      media_list: optional(MediaList),
    }),
    response: Empty,
  }),
  cancel: endpoint({ path: '/shop/ecaftersale/cancel', summary: 'Withdraws an aftersale for the buyer', request: object({ ...AftersaleKey, openid: string() }), response: Empty }),
  uploadReturnInfo: endpoint({
    path: '/shop/ecaftersale/uploadreturninfo',
    summary: "Posts the buyer's return waybill",
    request: object({ ...AftersaleKey, openid: string(), delivery_id: string(), waybill_id: string(), delivery_name: optional(string()) }),
    response: Empty,
  }),
  acceptRefund: endpoint({ path: '/shop/ecaftersale/acceptrefund', summary: 'Approves the refund', request: ByAftersale, response: Empty }),
  acceptReturn: endpoint({
    path: '/shop/ecaftersale/acceptreturn',
    summary: 'Approves a return; gives the return address',
    request: object({ ...AftersaleKey, address_info: optional(Address) }),
    response: Empty,
  }),
  reject: endpoint({ path: '/shop/ecaftersale/reject', summary: 'Refuses the aftersale', request: ByAftersale, response: Empty }),
  uploadCertificates: endpoint({
    path: '/shop/ecaftersale/upload_certificates',
    summary: 'Proves an offline refund',
    request: object({ ...AftersaleKey, refund_desc: string(), certificates: array(string()) }),
    response: Empty,
  }),
  get: endpoint({ path: '/shop/ecaftersale/get', summary: 'Reads one aftersale', request: ByAftersale, response: object({ after_sales_order: AftersaleOrder }) }),
  getList: endpoint({
    path: '/shop/ecaftersale/get_list',
    summary: 'Lists aftersale ids',
    request: object({
      status: optional(integer()),
      out_order_id: optional(string()),
      order_id: optional(int64()),
      openid: optional(string()),
      begin_create_time: optional(integer('Unix ms')),
      end_create_time: optional(integer('Unix ms')),
      offset: integer('From 0'),
      limit: integer('At most 50'),
    }),
    response: object({ after_sales_orders: array(int64('Aftersale id')), has_more: boolean() }),
  }),
  merchantTest: endpoint({
    path: '/shop/ecaftersale/merchanttest',
    summary: 'Forces an aftersale timeout (test accounts only)',
    request: object({
      ...AftersaleKey,
      operation: enumOf([
        'aftersale_user_upload_return_info_overdue',
        'aftersale_user_apply_platform_judge_overdue',
        'aftersale_merchant_handle_return_overdue',
        'aftersale_merchant_handle_refund_overdue',
        'aftersale_merchant_confirm_receipt_overdue',
      ]),
    }),
    response: Empty,
  }),
} as const;
