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
  counters: CounterTable;
  quota_settings: QuotaSettingsTable;
  fault_rules: FaultRuleTable;
  component_platforms: ComponentPlatformTable;
  component_credentials: ComponentCredentialTable;
  component_authorizations: ComponentAuthorizationTable;
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

/** A quota or rate counter in the database (Redis keeps the same counters when configured). */
export interface CounterTable {
  /** What one reset clears together, e.g. `quota:<appid>:<day>`. */
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
