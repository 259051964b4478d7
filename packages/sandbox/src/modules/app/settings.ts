/** Per-app settings kept as one JSON document in `apps.settings`. */
export interface AppSettings {
  /** Merchant profile set by /shop/account/update_info; null until it is first called. */
  account_info: AccountInfo | null;
  /** Whether the shop's deposit (保证金) is in order; false makes product submissions fail with 1000021. */
  deposit_ok: boolean;
  /**
   * Code for a product image outside the WeChat image hosts: 1070010 (observed, with its retry
   * hint) or 1070013 (same meaning on the error-code page, without the hint). Absent means 1070010.
   */
  external_image_errcode?: 1070010 | 1070013;
  /**
   * Answer order/add with 1010012 when the out_order_id is already used, instead of the documented
   * keep-first (2022 flow) or overwrite (2021 flow). Absent means false.
   */
  strict_duplicates?: boolean;
  /**
   * Sandbox seconds the platform's refunds take: an after-sale waits in 15 (platform refunding)
   * this long before it reaches 13 or 14. 0 finishes refunds within the call. Absent means 5.
   */
  refund_delay_seconds?: number;
  /** Scene groups opened for the account (1 = Channels and Official Accounts). */
  opened_scene_groups: number[];
  reviewer: ReviewerPolicy;
}

export interface AccountInfo {
  service_agent_path: string;
  service_agent_phone: string;
  /** 0 = WeChat (mini program) customer service, 1 = custom page, 2 = phone. */
  service_agent_type: number[];
  default_receiving_address: Record<string, string> | null;
}

/**
 * How the platform side decides product audits:
 * - `auto`: approve once `delay_seconds` of sandbox time have passed, unless a reject rule matches;
 * - `manual`: wait for an approve or reject from the admin API.
 */
export interface ReviewerPolicy {
  mode: 'auto' | 'manual';
  delay_seconds: number;
  /** Put a product on sale (status 5) when its first audit passes. */
  auto_list: boolean;
  reject_rules: RejectRule[];
}

/** Rejects a submission whose title contains `title_contains`, with `reason` as reject_reason. */
export interface RejectRule {
  title_contains: string;
  reason: string;
}

/** Default audit delay: long enough to observe the pending state, short enough for a person trying the sandbox. */
export const DEFAULT_AUDIT_DELAY_SECONDS = 10;

/** Maximum audit delay the admin API accepts: ten years, the same limit as a clock advance. */
export const MAX_AUDIT_DELAY_SECONDS = 10 * 365 * 86400;

/**
 * Converts a delay in seconds to whole milliseconds, capped at MAX_AUDIT_DELAY_SECONDS. Due times
 * are stored as integers (a PostgreSQL bigint), so 0.0005 s must not reach the database as 0.5 ms.
 */
export function delayMs(seconds: number): number {
  return Math.round(Math.min(seconds, MAX_AUDIT_DELAY_SECONDS) * 1000);
}

/** When the reviewer decides a submission made at `now`: null when decisions are manual. */
export function reviewDueAt(reviewer: ReviewerPolicy, now: number): number | null {
  return reviewer.mode === 'auto' ? now + delayMs(reviewer.delay_seconds) : null;
}

export function defaultSettings(onboarded: boolean): AppSettings {
  return {
    account_info: onboarded
      ? { service_agent_path: '', service_agent_phone: '', service_agent_type: [0], default_receiving_address: null }
      : null,
    deposit_ok: true,
    opened_scene_groups: onboarded ? [1] : [],
    reviewer: { mode: 'auto', delay_seconds: DEFAULT_AUDIT_DELAY_SECONDS, auto_list: true, reject_rules: [] },
  };
}
