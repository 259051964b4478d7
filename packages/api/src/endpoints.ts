/** Every wire path of the platform that a shop integration may call, with how it is called. */

export type EndpointModule =
  | 'token'
  | 'quota'
  | 'thirdparty'
  | 'register'
  | 'scene'
  | 'category'
  | 'image'
  | 'audit'
  | 'account'
  | 'product'
  | 'order'
  | 'delivery'
  | 'aftersale'
  | 'coupon'
  | 'sharer'
  | 'funds'
  | 'pay'
  | 'complaint';

export interface EndpointInfo {
  /** Path under https://api.weixin.qq.com, spelled as on the wire (including `recieve`). */
  path: string;
  module: EndpointModule;
  method: 'GET' | 'POST';
  /**
   * The credential in the query string: `access_token` (the account's token or an authorizer token),
   * `component_access_token` (a third-party platform's token, also accepted as `access_token`),
   * or `none` (the call carries its own appid and secret).
   */
  auth: 'access_token' | 'component_access_token' | 'none';
  /** Body format: JSON, multipart form data, or no body (GET). */
  body: 'json' | 'multipart' | 'none';
}

export const ENDPOINTS: readonly EndpointInfo[] = [
  { path: '/cgi-bin/token', module: 'token', method: 'GET', auth: 'none', body: 'none' },
  { path: '/cgi-bin/stable_token', module: 'token', method: 'POST', auth: 'none', body: 'json' },
  { path: '/cgi-bin/clear_quota', module: 'quota', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/cgi-bin/clear_quota/v2', module: 'quota', method: 'POST', auth: 'none', body: 'json' },
  { path: '/cgi-bin/openapi/quota/get', module: 'quota', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/cgi-bin/openapi/quota/clear', module: 'quota', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/cgi-bin/openapi/rid/get', module: 'quota', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/cgi-bin/component/api_start_push_ticket', module: 'thirdparty', method: 'POST', auth: 'none', body: 'json' },
  { path: '/cgi-bin/component/api_component_token', module: 'thirdparty', method: 'POST', auth: 'none', body: 'json' },
  { path: '/cgi-bin/component/api_create_preauthcode', module: 'thirdparty', method: 'POST', auth: 'component_access_token', body: 'json' },
  { path: '/cgi-bin/component/api_query_auth', module: 'thirdparty', method: 'POST', auth: 'component_access_token', body: 'json' },
  { path: '/cgi-bin/component/api_authorizer_token', module: 'thirdparty', method: 'POST', auth: 'component_access_token', body: 'json' },
  { path: '/cgi-bin/component/api_get_authorizer_info', module: 'thirdparty', method: 'POST', auth: 'component_access_token', body: 'json' },
  { path: '/cgi-bin/component/clear_quota/v2', module: 'thirdparty', method: 'POST', auth: 'none', body: 'json' },
  { path: '/shop/register/apply', module: 'register', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/register/check', module: 'register', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/register/finish_access_info', module: 'register', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/register/apply_scene', module: 'register', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/scene/check', module: 'scene', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/cat/get', module: 'category', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ec/category/getcategoryrule', module: 'category', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/img/upload', module: 'image', method: 'POST', auth: 'access_token', body: 'multipart' },
  { path: '/shop/audit/audit_brand', module: 'audit', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/audit/audit_category', module: 'audit', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/audit/result', module: 'audit', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/audit/get_miniapp_certificate', module: 'audit', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/account/get_category_list', module: 'account', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/account/get_brand_list', module: 'account', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/account/update_info', module: 'account', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/account/get_info', module: 'account', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/add', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/update', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/update_without_audit', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/get', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/get_list', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/del', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/del_audit', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/listing', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/spu/delisting', module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/add', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/getpaymentparams', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/pay', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/close', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/get', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/get_list', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/get_list_by_finder', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/get_list_by_sharer', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/order/update_address', module: 'order', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/delivery/get_company_list', module: 'delivery', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/delivery/send', module: 'delivery', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/delivery/recieve', module: 'delivery', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/aftersale/add', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/aftersale/get', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/aftersale/update', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/aftersale/update_deadline', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/add', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/update', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/cancel', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/uploadreturninfo', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/acceptrefund', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/acceptreturn', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/reject', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/upload_certificates', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/get', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/get_list', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/ecaftersale/merchanttest', module: 'aftersale', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/confirm', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/add', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/get', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/get_list', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/update', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/update_status', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/update_coupon_stock', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/add_user_coupon', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/get_usercoupon_list', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/update_user_coupon', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/coupon/update_usercoupon_status', module: 'coupon', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/bind', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/unbind', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/search_sharer', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/get_sharer_list', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/get_sharer_data_summary', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/get_sharer_live_summary_list', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/get_sharer_live_order_list', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/sharer/set_share_mode', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/promoter/list', module: 'sharer', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/wxpay/apply', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/wxpay/get', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/wxpay/get_info', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/scanorderflow', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getorderflow', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getbalance', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/submitwithdraw', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/scanwithdraw', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getwithdrawdetail', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/setbankaccount', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getbankaccount', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/qrcode/gen', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/qrcode/get', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/qrcode/check', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getbanklist', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getbankbynum', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getprovince', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getcity', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/funds/getsubbranch', module: 'funds', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/pay/createorder', module: 'pay', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/pay/getorder', module: 'pay', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/pay/refundorder', module: 'pay', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/pay/closeorder', module: 'pay', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/pay/getorderlist', module: 'pay', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/pay/profitsharingorder', module: 'pay', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/complaint/get_list', module: 'complaint', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/complaint/get', module: 'complaint', method: 'POST', auth: 'access_token', body: 'json' },
  { path: '/shop/complaint/upload_material', module: 'complaint', method: 'POST', auth: 'access_token', body: 'json' },
];

const BY_PATH = new Map(ENDPOINTS.map((endpoint) => [endpoint.path, endpoint]));

/** Looks up a wire path; returns undefined for a path the platform does not have. */
export function findEndpoint(path: string): EndpointInfo | undefined {
  return BY_PATH.get(path);
}
