import type { ColumnType, Generated } from 'kysely';

/**
 * Tables of the sandbox. Platform ids are stored as decimal TEXT in both dialects so that 19-digit
 * ids stay exact whatever the driver does with 64-bit integers. Times are unix milliseconds of the
 * sandbox clock, stored as BIGINT/INTEGER and read back as numbers.
 */
export interface Database {
  apps: AppTable;
  tokens: TokenTable;
  images: ImageTable;
  products: ProductTable;
  product_counts: ProductCountTable;
  order_counts: OrderCountTable;
  approved_categories: ApprovedCategoryTable;
  approved_brands: ApprovedBrandTable;
  outbox: OutboxTable;
  request_log: RequestLogTable;
  sandbox_state: SandboxStateTable;
  id_sequences: IdSequenceTable;
  register_records: RegisterRecordTable;
  qualification_audits: QualificationAuditTable;
  miniapp_certificates: MiniappCertificateTable;
  wxpay_applications: WxpayApplicationTable;
  coupon_settings: CouponSettingsTable;
  coupons: CouponTable;
  user_coupons: UserCouponTable;
  sharers: SharerTable;
  sharer_settings: SharerSettingsTable;
  promoters: PromoterTable;
  push_settings: PushSettingsTable;
  push_deliveries: PushDeliveryTable;
  content_words: ContentWordTable;
  buyers: BuyerTable;
  trace_ids: TraceIdTable;
  orders: OrderTable;
  aftersales: AftersaleTable;
  counters: CounterTable;
  quota_settings: QuotaSettingsTable;
  fault_rules: FaultRuleTable;
  component_platforms: ComponentPlatformTable;
  component_credentials: ComponentCredentialTable;
  component_authorizations: ComponentAuthorizationTable;
  component_push_settings: ComponentPushSettingsTable;
  coupon_faults: CouponFaultTable;
  funds_accounts: FundsAccountTable;
  funds_withdrawals: FundsWithdrawalTable;
  funds_qrcodes: FundsQrcodeTable;
  pay_trades: PayTradeTable;
  complaints: ComplaintTable;
}

type Millis = ColumnType<number, number, number>;

export interface AppTable {
  appid: string;
  secret: string;
  name: string;
  /** Original id of the mini program (gh_…), used as ToUserName in pushed events. */
  username: string;
  /** Component access state: not_applied, pending_agreement, accessed, banned. */
  access_state: string;
  /** JSON object of account settings: customer service, deposit, reviewer policy. */
  settings: string;
  created_at: Millis;
}

export interface TokenTable {
  token: string;
  appid: string;
  /** `ordinary` from /cgi-bin/token, `stable` from /cgi-bin/stable_token. */
  kind: string;
  issued_at: Millis;
  expires_at: Millis;
  /** When a newer token of the same kind replaced this one; null while it is the latest. */
  superseded_at: ColumnType<number | null, number | null, number | null>;
  /** End of the overlap after supersession, past which the token is rejected as not latest. */
  valid_until: ColumnType<number | null, number | null, number | null>;
  /** 1 for a stable token issued by force_refresh, which counts against the daily limit. */
  forced: number;
}

export interface ImageTable {
  media_id: string;
  appid: string;
  /** Random key of the image URL path: https://mmecimage.cn/p/<appid>/<url_key>. */
  url_key: string;
  content_type: string;
  bytes: ColumnType<Buffer, Buffer, Buffer>;
  source_url: string | null;
  created_at: Millis;
}

/** Live (not deleted) products per app and online status, kept with every product write. */
export interface OrderCountTable {
  appid: string;
  total: ColumnType<number, number, number>;
}

export interface ProductCountTable {
  appid: string;
  status: number;
  live: ColumnType<number, number, number>;
}

export interface ProductTable {
  appid: string;
  product_id: string;
  out_product_id: string;
  /** JSON of the draft copy (the fields the merchant sent, with sku ids assigned). */
  draft: string;
  /** JSON of the online copy, or null before the first approval. */
  online: string | null;
  status: number;
  edit_status: number;
  /** JSON of audit_info: submit_time, audit_time, reject_reason, audit_id. */
  audit_info: string;
  /** Sandbox time at which the reviewer decides the pending audit, or null. */
  audit_due_at: ColumnType<number | null, number | null, number | null>;
  /** JSON array of submission times (ms) within the last hour, for the resubmission limit. */
  recent_submissions: string;
  deleted: number;
  create_time: Millis;
  update_time: Millis;
}

export interface ApprovedCategoryTable {
  appid: string;
  third_cat_id: number;
}

export interface ApprovedBrandTable {
  appid: string;
  brand_id: number;
  brand_wording: string;
}

export interface OutboxTable {
  id: Generated<number>;
  appid: string;
  event: string;
  /** JSON of the event body: the common fields plus the event's own element. */
  payload: string;
  created_at: Millis;
  /**
   * pending, delivering (claimed by an instance), delivered, failed (every attempt failed) or
   * not_configured (the app had no push URL); delivery belongs to the push worker.
   */
  state: string;
  /** Attempts made in the current round (the platform makes at most 3). */
  attempts: ColumnType<number, number | undefined, number>;
  /** Instance that owns the event while it is delivering, until `claimed_until` (wall ms). */
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_until: ColumnType<number | null, number | null | undefined, number | null>;
  delivered_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface RequestLogTable {
  rid: string;
  appid: string | null;
  method: string;
  path: string;
  /** Query string with the access token shortened, as /cgi-bin/openapi/rid/get shows it. */
  query: string;
  request_body: string;
  response_body: string;
  errcode: number;
  /** Name of the check that decided the response, e.g. `token.expired` or `spu.out_product_id.missing`. */
  rule: string;
  client_ip: string;
  invoke_time: Millis;
  cost_ms: number;
}

export interface SandboxStateTable {
  key: string;
  value: string;
}

export interface IdSequenceTable {
  name: string;
  next_value: ColumnType<number, number, number>;
}

type NullableMillis = ColumnType<number | null, number | null, number | null>;

export interface RegisterRecordTable {
  appid: string;
  /** Behaviour of register/apply: `2021` opens at once, `2022` waits for the agreement, `2024` is retired. */
  apply_generation: string;
  /** End of the 24 hours the admin has to sign the agreement, while it is pending. */
  agreement_due_at: NullableMillis;
  /** JSON object of the onboarding task flags (0 or 1), as register/check returns them. */
  access_info: string;
  /** Review state of scene group 1: 3 not reviewed, 0 under review, 1 passed, 2 failed. */
  scene_status: number;
  scene_reason: string;
  /** Sandbox time at which the reviewer decides the scene application, or null. */
  scene_due_at: NullableMillis;
  /** JSON object of the account facts that make register/apply or wxpay/apply refuse. */
  profile: string;
}

export interface QualificationAuditTable {
  audit_id: string;
  appid: string;
  /** 1 brand, 2 category, as audit_type in the result events. */
  audit_type: number;
  /** Audit subject: `brand:<wording>` or `category:<third_cat_id>`. */
  subject: string;
  /** 0 under review, 1 approved, 9 rejected. */
  status: number;
  /** JSON of the submitted audit_req. */
  request: string;
  /** Brand id allocated on approval of a brand audit; 0 otherwise. */
  brand_id: ColumnType<number, number, number>;
  reject_reason: string;
  submitted_at: Millis;
  due_at: NullableMillis;
  decided_at: NullableMillis;
}

export interface MiniappCertificateTable {
  appid: string;
  /** 1 category records, 2 brand record, as req_type of get_miniapp_certificate. */
  req_type: number;
  /** JSON of the records returned for that req_type. */
  payload: string;
}

export interface WxpayApplicationTable {
  appid: string;
  /** 1 auditing, 2 rejected, 3 finished (see modules/wxpay/states.ts). */
  state: number;
  /** JSON of the submitted application. */
  request: string;
  applyment_id: string;
  out_request_no: string;
  sub_mchid: string;
  /** JSON array of {param_name, reject_reason}. */
  audit_detail: string;
  submitted_at: Millis;
  due_at: NullableMillis;
  decided_at: NullableMillis;
}

export interface CouponSettingsTable {
  appid: string;
  /** URL that receives the coupon callbacks (confirm test, user claims), or null when not set. */
  callback_url: string | null;
  callback_timeout_ms: number;
  /** Time of the latest successful shop/coupon/confirm; null until one succeeds. */
  confirmed_at: NullableMillis;
}

export interface CouponTable {
  appid: string;
  out_coupon_id: string;
  type: number;
  promote_type: number;
  /** JSON of coupon_info as the merchant sent it, unset fields left out. */
  coupon_info: string;
  /** 1 editing, 2 effective, 3 expired, 4 voided. */
  status: number;
  /** When the coupon became effective (ext_info.valid_time); null before. */
  valid_time: NullableMillis;
  /** Remaining stock (stock_info.issued_num); null until the coupon becomes effective. */
  stock_issued: number | null;
  /** Claimed count (stock_info.receive_num); null until the coupon becomes effective. */
  stock_receive: number | null;
  stock_create_time: NullableMillis;
  stock_update_time: NullableMillis;
  create_time: Millis;
  update_time: Millis;
}

export interface UserCouponTable {
  appid: string;
  out_coupon_id: string;
  out_user_coupon_id: string;
  openid: string;
  /** 100 usable, 101 expired, 102 used, 103 discarded. */
  status: number;
  recv_time: Millis;
  /** Validity window; 0 when the coupon has no validity information. */
  start_time: Millis;
  end_time: Millis;
  use_time: NullableMillis;
  create_time: Millis;
  update_time: Millis;
}

export interface SharerTable {
  appid: string;
  openid: string;
  /** 0 unbound, 1 bound, 2 invitation refused, 3 inviting, 4 invitation expired. */
  bind_status: number;
  nickname: string;
  invited_time: Millis;
  /** 0 until the invitation is accepted. */
  bind_time: Millis;
  /** JSON array of invitation times (ms) within the last day, for the invitation limits. */
  invite_times: string;
  /** 1 when the user refused and asked for no further invitations (reason 203). */
  refuses_invites: number;
  update_time: Millis;
}

export interface SharerSettingsTable {
  appid: string;
  share_mode: number;
}

export interface PromoterTable {
  appid: string;
  promoter_id: string;
  finder_nickname: string;
  promoter_openid: string;
  create_time: Millis;
}

/** Message push settings of an app, as set in the MP console's 消息推送 page. */
export interface PushSettingsTable {
  appid: string;
  url: string;
  token: string;
  /** 43 characters; empty in plaintext mode. */
  encoding_aes_key: string;
  /** json or xml */
  format: string;
  /** plaintext, compatible or secure */
  mode: string;
  /** Sandbox time of the last successful echostr verification, or null. */
  verified_at: ColumnType<number | null, number | null | undefined, number | null>;
  updated_at: Millis;
}

/** One HTTP attempt to deliver an outbox event. */
export interface PushDeliveryTable {
  id: Generated<number>;
  event_id: ColumnType<number, number, number>;
  appid: string;
  attempt: number;
  /** Sandbox instance that made the attempt. */
  instance: string;
  mode: string;
  format: string;
  /** The full URL with the signature query. */
  url: string;
  request_body: string;
  /** HTTP status of the reply, or null when no reply came (timeout, refused connection). */
  http_status: number | null;
  /** The reply body, cut to a few KiB. */
  response_body: string;
  /** delivered or failed */
  outcome: string;
  /** Failure reason of the attempt, or empty when delivered. */
  error: string;
  started_at: Millis;
  duration_ms: number;
}

/** A merchant-specific sensitive word, added to the built-in list for one app. */
export interface ContentWordTable {
  appid: string;
  word: string;
  created_at: Millis;
}

export interface BuyerTable {
  appid: string;
  /** 28-character openid, distinct per app for the same person. */
  openid: string;
  nickname: string;
  created_at: Millis;
}

/** trace_id values handed to a buyer's mini program before order/add (wx.checkBeforeAddOrder). */
export interface TraceIdTable {
  trace_id: string;
  appid: string;
  openid: string;
  issued_at: Millis;
}


export interface OrderTable {
  appid: string;
  /** 19-digit platform id, decimal text. */
  order_id: string;
  out_order_id: string;
  openid: string;
  status: number;
  /** 0 for the 2021 ticket flow, 1 for the 2022 second-level-merchant flow. */
  fund_type: number;
  /** JSON of the order document: lines, prices, payment, delivery, addresses, after-sale window. */
  detail: string;
  /** The merchant's create_time, in ms. */
  create_time: Millis;
  expire_time: NullableMillis;
  pay_time: NullableMillis;
  /** When the platform settles the completed order (the end of its after-sale window); null otherwise. */
  settle_at: NullableMillis;
  sharer_openid: string | null;
  /** promoter_id or finder_username of the order's promotion, for get_list_by_finder. */
  promoter: string | null;
  /** Incremented on every write, so that a concurrent write is detected and refused. */
  version: number;
  updated_at: Millis;
}

export interface AftersaleTable {
  appid: string;
  /** Platform id; for 2021 (v1) after-sales a sandbox-internal id. */
  aftersale_id: string;
  /** Merchant id, '' when none. */
  out_aftersale_id: string;
  /** 1 for shop/aftersale/* (merchant-reported), 2 for shop/ecaftersale/* (buyer-driven). */
  generation: number;
  order_id: string;
  openid: string;
  status: number;
  detail: string;
  /** When the current status times out (v2), or null. */
  deadline_at: NullableMillis;
  version: number;
  created_at: Millis;
  updated_at: Millis;
}

/** A quota or rate counter in the database (Redis keeps the same counters when configured). */
export interface CounterTable {
  /** Scope that one reset clears together, e.g. `quota:<appid>:<day>`. */
  scope: string;
  /** The counted thing inside the scope, e.g. an API path. */
  name: string;
  count: Millis;
  /** Sandbox time after which the row is stale and may be deleted. */
  expires_at: Millis;
}

export interface QuotaSettingsTable {
  /** An appid, or `*` for the defaults of every app. */
  appid: string;
  /** JSON of the daily limit overrides and the frequency limit. */
  settings: string;
}

export interface FaultRuleTable {
  id: string;
  /** JSON of the rule: target app and path, action, errcode, probability, latency, seed. */
  rule: string;
  /** Calls the rule still applies to; null for a rule without a count. */
  remaining: ColumnType<number | null, number | null, number | null>;
  created_at: Millis;
}

export interface ComponentPlatformTable {
  component_appid: string;
  secret: string;
  name: string;
  /** JSON array of IPs allowed to call with the platform's tokens. */
  ip_whitelist: string;
  created_at: Millis;
  /** Sandbox time the next scheduled component_verify_ticket is due; null until the first one. */
  ticket_due_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Push settings of a third-party platform: its authorization-event URL, token and key. Pushes are always XML in secure mode. */
export interface ComponentPushSettingsTable {
  component_appid: string;
  url: string;
  token: string;
  /** 43 characters. */
  encoding_aes_key: string;
  updated_at: Millis;
}

/** Internal failures of the coupon platform armed through the admin API, per app and step. */
export interface CouponFaultTable {
  appid: string;
  /** A key of COUPON_FAULT_CODES. */
  step: string;
  /** Calls still to fail. */
  remaining: ColumnType<number, number, number>;
}

export interface ComponentCredentialTable {
  value: string;
  /** verify_ticket, component_token, pre_auth_code, auth_code or authorizer_token. */
  kind: string;
  component_appid: string;
  /** The authorized mini program, for auth codes and authorizer tokens. */
  authorizer_appid: string | null;
  issued_at: Millis;
  expires_at: Millis;
  /** 1 once a one-time credential (pre-auth code, auth code) was used or a token was replaced. */
  used: number;
}

export interface ComponentAuthorizationTable {
  component_appid: string;
  authorizer_appid: string;
  /** JSON array of the permission set ids the mini program granted (85 is the transaction component). */
  func_info: string;
  refresh_token: string;
  authorized_at: Millis;
  revoked: number;
}

export interface FundsAccountTable {
  appid: string;
  /** JSON of the account_info last set. */
  account: string;
  /** China day (yyyyMMdd) the change count belongs to. */
  change_day: string;
  changes: number;
  updated_at: Millis;
}

export interface FundsWithdrawalTable {
  appid: string;
  out_request_no: string;
  /** See modules/funds/states.ts. */
  status: number;
  amount: Millis;
  /** JSON of remark, bank_memo, bank_name, bank_num, reason. */
  detail: string;
  /** China day (yyyyMMdd) of the submission, for the one-a-day rule. */
  day: string;
  create_time: Millis;
  update_time: Millis;
  /** When the clock moves the withdrawal on by itself; null when it waits for someone. */
  due_at: NullableMillis;
}

export interface FundsQrcodeTable {
  ticket: string;
  appid: string;
  /** 0 not scanned, 1 confirmed, 2 cancelled, 4 scanned; expiry is read from expires_at. */
  status: number;
  scan_user_type: number;
  /** The withdrawal the ticket confirms, if any. */
  out_request_no: string | null;
  created_at: Millis;
  expires_at: Millis;
}

export interface PayTradeTable {
  appid: string;
  trade_no: string;
  combine_trade_no: string;
  mchid: string;
  openid: string;
  /** See modules/pay/states.ts. */
  state: number;
  amount: Millis;
  /** JSON of description, transaction_id, pay_time, expire_time, refund_list, profit_sharing_list. */
  detail: string;
  create_time: Millis;
  update_time: Millis;
  version: number;
}

export interface ComplaintTable {
  appid: string;
  complaint_order_id: string;
  order_id: string;
  after_sale_order_id: string;
  /** See modules/complaint/states.ts. */
  state: number;
  type: number;
  /** JSON of openid, phone_number, judge_result, expired_time and the history list. */
  detail: string;
  create_time: Millis;
  update_time: Millis;
}
