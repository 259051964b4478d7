/** Module of the platform that owns an error code, following the sections of the error-code page. */
export type ErrorModule =
  | 'generic'
  | 'component'
  | 'product'
  | 'order'
  | 'delivery'
  | 'aftersale'
  | 'access'
  | 'audit'
  | 'image'
  | 'coupon'
  | 'sharer'
  | 'scene';

/** Error family, used by the SDK to choose an error class. */
export type ErrorFamily = 'credential' | 'quota' | 'validation' | 'state' | 'not_found' | 'system';

/**
 * Retry advice for a caller:
 * - `backoff`: transient, the same request may succeed if retried after a short wait;
 * - `refresh-token`: fetch a new access token, then send the request again once;
 * - `no`: the request or the account state must change first.
 */
export type RetryAdvice = 'backoff' | 'refresh-token' | 'no';

/**
 * Origin of the wire message:
 * - `observed`: captured from a live platform response.
 * - `documented`: printed in official documentation, never captured.
 * - `sandbox`: written by this project because no real text is known.
 */
export type MessageSource = 'observed' | 'documented' | 'sandbox';

export interface ErrorCodeEntry {
  code: number;
  /**
   * The message part of `errmsg`, byte for byte, including any leading space or trailing comma.
   * The sandbox appends ` rid: <rid>` unless `rid` is false.
   */
  message: string;
  messageSource: MessageSource;
  /** English description of what the code means. */
  description: string;
  module: ErrorModule;
  family: ErrorFamily;
  retry: RetryAdvice;
  /** True when the code is listed on the platform's error-code page. */
  onErrorCodePage: boolean;
  /** False for the few codes the platform sends without a ` rid: …` suffix. Defaults to true. */
  rid?: boolean;
}
