import { explain, type ErrorFamily, type RetryAdvice } from '@wxshop/api';

export { explain, ERROR_CODES } from '@wxshop/api';
export type { ErrorCodeEntry, ErrorFamily, RetryAdvice } from '@wxshop/api';

const RID = /rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})/;

export interface WxShopErrorInit {
  errcode: number;
  errmsg: string;
  /** Wire path of the call that failed. */
  path?: string;
  /** Overrides the catalogue description (for errors the SDK raises itself). */
  description?: string;
  /** Overrides the catalogue's retry advice (for errors the SDK raises itself). */
  retry?: RetryAdvice;
  cause?: unknown;
}

/**
 * An error response of the platform (errcode ≠ 0), with the catalogue's description of the code.
 *
 * @example
 * try { await client.spu.get({ out_product_id: 'p1' }); }
 * catch (error) { if (error instanceof WxShopNotFoundError) … ; console.log(error.rid); }
 */
export class WxShopError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  /** The rid the platform appended to errmsg, for `/cgi-bin/openapi/rid/get`; undefined when absent. */
  readonly rid: string | undefined;
  /** English description from the error catalogue (empty for a code the catalogue lacks). */
  readonly description: string;
  /** Family from the catalogue; undefined for a code the catalogue lacks. */
  readonly family: ErrorFamily | undefined;
  /** Retry advice: retry after a wait, refresh the token, or change the request. */
  readonly retry: RetryAdvice;
  readonly path: string | undefined;

  constructor(init: WxShopErrorInit) {
    const entry = explain(init.errcode);
    const description = init.description ?? entry?.description ?? '';
    super(`${init.path ? `${init.path}: ` : ''}errcode ${init.errcode}: ${init.errmsg}${description ? ` (${description})` : ''}`, { cause: init.cause });
    this.name = new.target.name;
    this.errcode = init.errcode;
    this.errmsg = init.errmsg;
    this.rid = RID.exec(init.errmsg)?.[1];
    this.description = description;
    this.family = entry?.family;
    this.retry = init.retry ?? entry?.retry ?? 'no';
    this.path = init.path;
  }
}

/** Token or AppID/AppSecret problems: 40001, 42001, 41001, 40013, 40125 … */
export class WxShopCredentialError extends WxShopError {}
/** Quota and frequency limits: 45009 (daily quota, never retried), 45011, 300000 … */
export class WxShopQuotaError extends WxShopError {}
/** The request is malformed or a field is wrong: 47001, 990007, 1000001 … */
export class WxShopValidationError extends WxShopError {}
/** The object is not in a state that allows the operation: 1000000, 2747008 … */
export class WxShopStateError extends WxShopError {}
/** The object or path does not exist: 40066, 1000011, 1010011 … */
export class WxShopNotFoundError extends WxShopError {}
/** A platform-side or transport failure: -1, 990010, HTTP errors, timeouts. */
export class WxShopSystemError extends WxShopError {}
/** The call did not finish within its timeout. Not retried: the platform may have acted. */
export class WxShopTimeoutError extends WxShopSystemError {}

const CLASS_BY_FAMILY: Record<ErrorFamily, typeof WxShopError> = {
  credential: WxShopCredentialError,
  quota: WxShopQuotaError,
  validation: WxShopValidationError,
  state: WxShopStateError,
  not_found: WxShopNotFoundError,
  system: WxShopSystemError,
};

/** Builds the error class that matches a code's family in the catalogue. */
export function errorFromResponse(errcode: number, errmsg: string, path?: string): WxShopError {
  const family = explain(errcode)?.family;
  const ErrorClass = family ? CLASS_BY_FAMILY[family] : WxShopError;
  return new ErrorClass({ errcode, errmsg, path });
}
