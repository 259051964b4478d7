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
  push_settings: PushSettingsTable;
  push_deliveries: PushDeliveryTable;
  content_words: ContentWordTable;
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
  /**
   * pending, delivering (claimed by an instance), delivered, failed (every attempt failed) or
   * not_configured (the app had no push URL); delivery belongs to the push worker.
   */
  state: string;
  /** Attempts made in the current round (the platform makes at most 3). */
  attempts: ColumnType<number, number | undefined, number>;
  /** Instance that holds the event while it is delivering, until `claimed_until` (wall ms). */
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
  /** Why the attempt failed; empty when delivered. */
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
