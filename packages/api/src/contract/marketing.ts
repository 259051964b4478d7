import { endpoint } from './endpoint.js';
import { Empty, PageRequest } from './common.js';
import { Order } from './order.js';
import { array, enumOf, integer, object, optional, partial, string } from './schema.js';

const CouponInfo = object({
  name: string('Display name'),
  promote_info: object({ promote_type: integer('4 Channels live'), finder: optional(partial({ nickname: string('Channels nickname') })) }),
  discount_info: optional(
    partial({
      discount_condition: partial({
        product_cnt: integer('Piece threshold'),
        product_price: integer('Amount threshold in fen'),
        out_product_ids: array(string(), 'At most 128 merchant product ids'),
        tradein_info: partial({ out_product_id: string(), price: integer() }),
        buyget_info: partial({ buy_out_product_id: string(), buy_product_cnt: integer(), get_out_product_id: string(), get_product_cnt: integer() }),
      }),
      discount_num: integer('Discount ×1000: 9.8折 is 9800'),
      discount_fee: integer('Reduction in fen'),
    }),
  ),
  receive_info: optional(
    partial({ start_time: integer('Unix s'), end_time: integer('Unix s'), limit_num_one_person: integer(), total_num: integer() }),
  ),
  valid_info: optional(
    partial({
      valid_type: enumOf([1, 2, 3], '1 fixed window, 2 days after receipt, 3 seconds after receipt'),
      valid_day_num: integer(),
      valid_second: integer(),
      start_time: integer(),
      end_time: integer(),
    }),
  ),
  ext_info: optional(partial({ valid_time: integer() })),
});

const COUPON_TYPES = [1, 2, 3, 4, 5, 6, 101, 102, 103, 104] as const;

const CouponInput = object({
  out_coupon_id: string('Merchant coupon id'),
  type: enumOf(COUPON_TYPES, '1–6 product coupons, 101–104 shop coupons'),
  promote_type: integer('4 Channels live'),
  coupon_info: CouponInfo,
});

const Coupon = object({
  ...CouponInput.fields,
  status: optional(enumOf([0, 1, 2, 3, 4], '1 editing, 2 effective, 3 expired, 4 voided')),
  create_time: optional(integer('Unix s')),
  update_time: optional(integer('Unix s')),
  appid: optional(string()),
});

const StockInfo = object({ issued_num: integer('Remaining stock'), receive_num: integer('Claimed count') });

const CouponStock = object({
  out_coupon_id: string(),
  stock_info: StockInfo,
  create_time: optional(integer()),
  update_time: optional(integer()),
  appid: optional(string()),
});

const UserCouponStatus = enumOf([100, 101, 102, 103], '100 usable, 101 expired, 102 used, 103 discarded');

/** Coupons and user coupons. */
export const coupon = {
  confirm: endpoint({ path: '/shop/coupon/confirm', summary: "Checks the merchant's receive-coupon callback", request: Empty, response: Empty }),
  add: endpoint({ path: '/shop/coupon/add', summary: 'Creates a coupon (status 1)', request: object({ coupon: CouponInput }), response: Empty }),
  get: endpoint({
    path: '/shop/coupon/get',
    summary: 'Reads one coupon',
    request: object({ out_coupon_id: string() }),
    response: object({ result: object({ coupon: Coupon }) }),
  }),
  getList: endpoint({
    path: '/shop/coupon/get_list',
    summary: 'Pages through coupons',
    request: object({ page_size: integer('At most 200'), offset: integer('From 0') }),
    response: object({ total_num: integer(), result_list: array(object({ coupon: Coupon, coupon_stock: optional(CouponStock) })) }),
  }),
  update: endpoint({ path: '/shop/coupon/update', summary: 'Edits a coupon in status 1', request: object({ coupon: CouponInput }), response: Empty }),
  updateStatus: endpoint({
    path: '/shop/coupon/update_status',
    summary: 'Activates, expires or voids a coupon',
    request: object({ out_coupon_id: string(), status: enumOf([2, 3, 4], '2 effective, 3 expired, 4 voided') }),
    response: Empty,
  }),
  updateCouponStock: endpoint({
    path: '/shop/coupon/update_coupon_stock',
    summary: 'Overwrites the stock numbers of a coupon',
    request: object({ coupon_stock: object({ out_coupon_id: string(), stock_info: StockInfo }) }),
    response: Empty,
  }),
  addUserCoupon: endpoint({
    path: '/shop/coupon/add_user_coupon',
    summary: 'Gives a coupon to a user',
    request: object({
      openid: string(),
      user_coupon: object({ out_user_coupon_id: string(), out_coupon_id: string(), status: UserCouponStatus }),
      recv_time: integer('Unix s'),
    }),
    response: Empty,
  }),
  getUserCouponList: endpoint({
    path: '/shop/coupon/get_usercoupon_list',
    summary: "Pages through a user's coupons",
    request: object({ page_size: integer('At most 200'), offset: integer(), openid: string() }),
    response: object({
      total_num: integer(),
      result_list: array(
        object({
          out_user_coupon_id: string(),
          openid: string(),
          out_coupon_id: string(),
          status: UserCouponStatus,
          create_time: integer(),
          update_time: integer(),
          start_time: integer(),
          end_time: integer(),
          ext_info: optional(partial({ use_time: integer() })),
        }),
      ),
    }),
  }),
  updateUserCoupon: endpoint({
    path: '/shop/coupon/update_user_coupon',
    summary: 'Edits a user coupon',
    request: object({
      openid: string(),
      user_coupon: object({ out_user_coupon_id: string(), out_coupon_id: string(), ext_info: optional(partial({ use_time: integer() })) }),
      recv_time: integer(),
    }),
    response: Empty,
  }),
  updateUserCouponStatus: endpoint({
    path: '/shop/coupon/update_usercoupon_status',
    summary: 'Marks a user coupon used, unused, expired or discarded',
    request: object({ openid: string(), out_coupon_id: string(), out_user_coupon_id: string(), status: UserCouponStatus }),
    response: Empty,
  }),
} as const;

const Openids = object({ openids: array(string(), 'Openids') });
const BindResult = object({
  success_list: array(string()),
  fail_list: array(string(), 'Retryable'),
  refuse_list: array(string(), 'Not retryable'),
  result_list: optional(array(object({ openid: string(), result_code: integer('0 ok, 1 failed, 2 refused'), reason_code: integer() }))),
});
const SharerRow = object({ openid: string(), invited_time: integer(), bind_time: integer(), nickname: string() });

/** Sharers and promoters. */
export const sharer = {
  bind: endpoint({ path: '/shop/sharer/bind', summary: 'Invites users to become sharers', request: Openids, response: BindResult }),
  unbind: endpoint({
    path: '/shop/sharer/unbind',
    summary: 'Removes sharers',
    request: Openids,
    response: object({ success_list: array(string()), fail_list: array(string()), refuse_list: array(string()) }),
  }),
  search: endpoint({
    path: '/shop/sharer/search_sharer',
    summary: "Reads one user's sharer status",
    request: object({ openid: string() }),
    response: object({
      invited_time: integer(),
      bind_time: integer(),
      nickname: string(),
      bind_status: enumOf([1, 2, 3, 4], '1 bound, 2 refused, 3 inviting, 4 expired'),
    }),
  }),
  getList: endpoint({
    path: '/shop/sharer/get_sharer_list',
    summary: 'Pages through bound sharers',
    request: object(PageRequest),
    response: object({ sharers: array(SharerRow), total_num: integer() }),
  }),
  getDataSummary: endpoint({
    path: '/shop/sharer/get_sharer_data_summary',
    summary: "A sharer's sales totals",
    request: object({ openid: string() }),
    response: object({ gmv: integer('Fen'), order_cnt: integer(), user_cnt: integer() }),
  }),
  getLiveSummaryList: endpoint({
    path: '/shop/sharer/get_sharer_live_summary_list',
    summary: "A sharer's live-room totals",
    request: object({ openid: string(), ...PageRequest }),
    response: object({
      lives: array(
        object({
          live_export_id: string(),
          live_nickname: string(),
          live_start_time: integer(),
          live_end_time: integer(),
          live_status: integer('1 live, 0 ended'),
          gmv: integer(),
          order_cnt: integer(),
          user_cnt: integer(),
        }),
      ),
      total_num: integer(),
    }),
  }),
  getLiveOrderList: endpoint({
    path: '/shop/sharer/get_sharer_live_order_list',
    summary: 'Orders from one live room of a sharer',
    request: object({ openid: string(), live_export_id: string(), ...PageRequest }),
    response: object({ orders: array(Order), total_num: integer() }),
  }),
  setShareMode: endpoint({ path: '/shop/sharer/set_share_mode', summary: 'Sets the sharing mode', request: object({ share_mode: integer() }), response: Empty }),
} as const;

export const promoter = {
  list: endpoint({
    path: '/shop/promoter/list',
    summary: 'Lists Channels promoters',
    request: object(PageRequest),
    response: object({ promoters: array(object({ finder_nickname: string(), promoter_id: string(), promoter_openid: string() })), total_num: integer() }),
  }),
} as const;
