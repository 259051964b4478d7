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
  buyers: BuyerTable;
  trace_ids: TraceIdTable;
  orders: OrderTable;
  aftersales: AftersaleTable;
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

type NullableMillis = ColumnType<number | null, number | null, number | null>;

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
