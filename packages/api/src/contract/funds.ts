import { endpoint } from './endpoint.js';
import { Empty, PaymentParams } from './common.js';
import { array, boolean, datetime, enumOf, int64, integer, object, optional, partial, string, unknown } from './schema.js';

const BankAccount = object({
  bank_account_type: enumOf(['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE']),
  account_bank: string('Bank, from the bank lookups'),
  bank_address_code: string('From getcity'),
  account_number: string(),
  bank_branch_id: optional(string()),
  bank_name: optional(string()),
});

const Bank = partial({ account_bank: string(), bank_code: string(), bank_id: string(), bank_name: string(), bank_type: integer(), need_branch: boolean() });

/** WeChat Pay onboarding of the scene merchant. */
export const wxpay = {
  apply: endpoint({
    path: '/shop/wxpay/apply',
    summary: 'Applies for the scene merchant account (superseded on the platform)',
    request: object({
      organization_type: optional(unknown('Subject type')),
      business_license_info: optional(unknown()),
      id_doc_type: optional(unknown()),
      id_card_info: optional(unknown()),
      id_doc_info: optional(unknown()),
      contact_info: optional(unknown()),
      account_info: optional(unknown()),
      sales_scene_info: optional(unknown()),
      merchant_shortname: optional(string()),
    }),
    response: Empty,
  }),
  get: endpoint({
    path: '/shop/wxpay/get',
    summary: 'Reads the merchant application and its state',
    request: Empty,
    response: object({ pay_req: optional(unknown()), pay_resp: optional(unknown()) }),
  }),
  getInfo: endpoint({
    path: '/shop/wxpay/get_info',
    summary: 'Reads the masked merchant info',
    request: Empty,
    response: object({ pay_req: optional(unknown()) }),
  }),
} as const;

/** Funds: balance, fund flow, withdrawals and bank lookups. */
export const funds = {
  scanOrderFlow: endpoint({
    path: '/shop/funds/scanorderflow',
    summary: 'Lists the fund-flow ids of a day',
    request: object({ date: string('yyyyMMdd', 'date'), page_num: integer('From 1'), page_size: integer('At most 100') }),
    response: object({ funds_flow_ids: array(string()), total_num: integer() }),
  }),
  getOrderFlow: endpoint({
    path: '/shop/funds/getorderflow',
    summary: 'Reads one fund-flow entry (amounts in yuan as strings)',
    request: object({ funds_flow_id: string() }),
    response: object({
      funds_flow: partial({
        funds_flow_id: string(),
        type: string(),
        flow_type: string('收入 or 支出'),
        amount: string('Yuan, e.g. "0.10"'),
        balance: string('Yuan'),
        busi_type: string(),
        request_no: string(),
        bookkeeping_time: datetime(),
      }),
    }),
  }),
  getBalance: endpoint({
    path: '/shop/funds/getbalance',
    summary: 'Reads the available and pending balance',
    request: Empty,
    response: object({ balance_info: object({ available_amount: integer('Fen'), pending_amount: integer('Fen') }) }),
  }),
  submitWithdraw: endpoint({
    path: '/shop/funds/submitwithdraw',
    summary: 'Starts a withdrawal (one a day)',
    request: object({ amount: integer('Fen'), remark: optional(string()), bank_memo: optional(string()) }),
    response: object({ out_request_no: string(), qrcode_ticket: optional(string()) }),
  }),
  scanWithdraw: endpoint({
    path: '/shop/funds/scanwithdraw',
    summary: 'Lists withdrawal ids',
    request: object({ page_num: integer(), page_size: integer() }),
    response: object({ out_request_nos: array(string()), total_num: integer() }),
  }),
  getWithdrawDetail: endpoint({
    path: '/shop/funds/getwithdrawdetail',
    summary: 'Reads one withdrawal',
    request: object({ out_request_no: string() }),
    response: object({
      withdraw_info: partial({
        amount: integer('Fen'),
        create_time: integer(),
        update_time: integer(),
        reason: string(),
        remark: string(),
        bank_memo: string(),
        bank_name: string(),
        bank_num: string(),
        status: string('BEFORE_SCAN_QRCODE, AFTER_SCAN_QRCODE, CREATE_SUCCESS, SUCCESS, FAIL, REFUND, CLOSE or INIT'),
      }),
    }),
  }),
  setBankAccount: endpoint({
    path: '/shop/funds/setbankaccount',
    summary: 'Sets the settlement bank account (5 changes a day)',
    request: object({ account_info: BankAccount }),
    response: Empty,
  }),
  getBankAccount: endpoint({
    path: '/shop/funds/getbankaccount',
    summary: 'Reads the settlement bank account',
    request: Empty,
    response: object({ account_info: object({ ...BankAccount.fields, verify_fail_reason: optional(string()) }) }),
  }),
  genQrcode: endpoint({
    path: '/shop/funds/qrcode/gen',
    summary: 'Makes an identity-check QR ticket',
    request: object({ identity_type: integer('1 admin') }),
    response: object({ qrcode_ticket: string() }),
  }),
  getQrcode: endpoint({
    path: '/shop/funds/qrcode/get',
    summary: 'Fetches the QR image',
    request: object({ qrcode_ticket: string() }),
    response: object({ qrcode_buf: string('Base64 image bytes') }),
  }),
  checkQrcode: endpoint({
    path: '/shop/funds/qrcode/check',
    summary: 'Polls the QR scan state',
    request: object({ qrcode_ticket: string() }),
    response: object({
      status: enumOf([0, 1, 2, 3, 4], '0 not scanned, 1 confirmed, 2 cancelled, 3 expired, 4 scanned'),
      scan_user_type: optional(integer('0 not an admin, 1 admin, 2 sub-admin')),
      self_check_err_code: optional(integer()),
      self_check_err_msg: optional(string()),
    }),
  }),
  getBankList: endpoint({
    path: '/shop/funds/getbanklist',
    summary: 'Searches banks',
    request: object({ offset: integer(), limit: integer(), key_words: optional(string()), bank_type: optional(integer()) }),
    response: object({ data: array(Bank) }),
  }),
  getBankByNum: endpoint({
    path: '/shop/funds/getbankbynum',
    summary: 'Finds the bank of a card number',
    request: object({ account_number: string() }),
    response: object({ data: array(Bank), total_count: integer() }),
  }),
  getProvince: endpoint({
    path: '/shop/funds/getprovince',
    summary: 'Lists province codes',
    request: Empty,
    response: object({ data: array(object({ province_code: integer(), province_name: string() })), total_count: integer() }),
  }),
  getCity: endpoint({
    path: '/shop/funds/getcity',
    summary: 'Lists the city codes of a province',
    request: object({ province_code: integer() }),
    response: object({ data: array(object({ city_code: integer(), city_name: string(), bank_address_code: string() })), total_count: integer() }),
  }),
  getSubBranch: endpoint({
    path: '/shop/funds/getsubbranch',
    summary: 'Lists the branches of a bank in a city',
    request: object({ bank_code: string(), city_code: string(), offset: integer(), limit: integer() }),
    response: object({
      account_bank: optional(string()),
      account_bank_code: optional(unknown()),
      bank_alias: optional(string()),
      bank_alias_code: optional(string()),
      data: array(object({ branch_id: unknown('Number or string'), branch_name: string() })),
      total_count: integer(),
      count: optional(integer()),
    }),
  }),
} as const;

const SubOrderKey = object({ mchid: string(), trade_no: string() });

/** Mini program payment service (combined payments). */
export const pay = {
  createOrder: endpoint({
    path: '/shop/pay/createorder',
    summary: 'Creates a combined payment order',
    request: object({
      openid: string(),
      combine_trade_no: string('6–32 characters'),
      expire_time: optional(integer('Unix s')),
      sub_orders: array(object({ mchid: string(), description: string(), amount: integer('Fen'), trade_no: string() })),
    }),
    response: object({ payment_params: PaymentParams }),
  }),
  getOrder: endpoint({
    path: '/shop/pay/getorder',
    summary: 'Reads one trade',
    request: object({ trade_no: string() }),
    response: object({
      order: partial({
        mchid: string(),
        trade_no: string(),
        combine_trade_no: string(),
        transaction_id: string(),
        create_time: integer(),
        update_time: integer(),
        pay_time: integer(),
        expire_time: integer(),
        amount: integer(),
        description: string(),
        refund_list: array(unknown()),
        profit_sharing_list: array(unknown()),
        profit_sharing_delay: integer(),
        profit_sharing_frozen: integer(),
      }),
    }),
  }),
  refundOrder: endpoint({
    path: '/shop/pay/refundorder',
    summary: 'Refunds a trade',
    request: object({
      openid: string(),
      mchid: string(),
      trade_no: optional(string()),
      transaction_id: optional(string()),
      refund_no: string(),
      total_amount: integer('Fen'),
      refund_amount: integer('Fen'),
    }),
    response: Empty,
  }),
  closeOrder: endpoint({
    path: '/shop/pay/closeorder',
    summary: 'Closes a combined order',
    request: object({ openid: string(), combine_trade_no: string(), sub_orders: array(SubOrderKey) }),
    response: Empty,
  }),
  getOrderList: endpoint({
    path: '/shop/pay/getorderlist',
    summary: 'Lists trade numbers (window at most one day)',
    request: object({
      mchid: string(),
      last_index: optional(string()),
      page_size: integer('At most 100'),
      begin_create_time: integer(),
      end_create_time: integer(),
    }),
    response: object({ trade_no_list: array(string()), has_more: boolean(), last_index: optional(string()) }),
  }),
  profitSharingOrder: endpoint({
    path: '/shop/pay/profitsharingorder',
    summary: 'Requests profit sharing',
    request: object({ mchid: string(), openid: string(), trade_no: optional(string()), transaction_id: optional(string()), profit_sharing_no: string() }),
    response: Empty,
  }),
} as const;

const MaterialInfo = object({ content: string(), media_url_list: array(string(), 'Image URLs') });
const ComplaintOrder = object({
  complaint_order_id: int64(),
  order_id: optional(unknown('A string in the doc sample')),
  after_sale_order_id: optional(int64()),
  openid: optional(string()),
  phone_number: optional(string()),
  type: optional(integer()),
  state: optional(integer()),
  create_time: optional(integer()),
  update_time: optional(integer()),
  expired_time: optional(integer()),
  judge_result: optional(integer()),
});

/** Buyer disputes. */
export const complaint = {
  getList: endpoint({
    path: '/shop/complaint/get_list',
    summary: 'Lists dispute orders',
    request: object({
      state: optional(integer()),
      type: optional(integer()),
      begin_create_time: optional(integer()),
      end_create_time: optional(integer()),
      order_id: optional(string()),
      after_sale_order_id: optional(int64()),
      offset: integer(),
      limit: integer('At most 50'),
    }),
    response: object({ orders: array(ComplaintOrder), total: integer() }),
  }),
  get: endpoint({
    path: '/shop/complaint/get',
    summary: 'Reads one dispute and its history',
    request: object({ complaint_order_id: int64() }),
    response: object({ order: ComplaintOrder, flow_info: optional(object({ list: array(unknown()) })) }),
  }),
  uploadMaterial: endpoint({
    path: '/shop/complaint/upload_material',
    summary: 'Adds merchant evidence to a dispute',
    request: object({ complaint_order_id: int64(), material_info: MaterialInfo }),
    response: Empty,
  }),
} as const;
