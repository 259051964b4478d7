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
  approved_categories: ApprovedCategoryTable;
  approved_brands: ApprovedBrandTable;
  outbox: OutboxTable;
  request_log: RequestLogTable;
  sandbox_state: SandboxStateTable;
  id_sequences: IdSequenceTable;
  coupon_settings: CouponSettingsTable;
  coupons: CouponTable;
  user_coupons: UserCouponTable;
  sharers: SharerTable;
  sharer_settings: SharerSettingsTable;
  promoters: PromoterTable;
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
  /** pending, delivered, failed; delivery belongs to the push worker. */
  state: string;
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

export interface CouponSettingsTable {
  appid: string;
  /** Where the coupon callbacks (confirm test, user claims) are posted; null when not set. */
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
