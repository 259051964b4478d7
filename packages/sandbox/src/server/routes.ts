import type { JsonObject } from './fields.js';
import type { AppRecord } from '../modules/app/store.js';
import type { Services } from '../services.js';
import type { PlatformRecord } from '../modules/component/store.js';

/** Context handed to a wire handler once the pipeline has checked the path, token and body. */
export interface WireContext {
  rid: string;
  /** Sandbox time of the request, in unix milliseconds. */
  now: number;
  /** The app that owns the access token; undefined on calls that carry their own credentials. */
  app: AppRecord | undefined;
  /** The JSON body as an object; `{}` for GET and for multipart requests. */
  body: JsonObject;
  query: URLSearchParams;
  /** Raw request bytes and content type, for multipart parsing. */
  rawBody: Buffer;
  contentType: string;
  services: Services;
  /** The third-party platform that owns the token, on component-token paths. */
  component?: PlatformRecord;
  /** Address of the caller, for IP whitelists. */
  clientIp?: string;
}

export interface WireRoute {
  path: string;
  /**
   * Handling of a body that is not a JSON object. A number is the errcode to return (47001 on
   * most paths); `as-empty` runs the handler with `{}`, so its own field checks pick the code,
   * as the live platform does on `spu/add`.
   */
  malformedBody?: number | 'as-empty';
  /** Message for the malformedBody code when it differs from the catalogue's (audit_brand: empty). */
  malformedMessage?: string;
  /** Success is the bare payload without errcode and errmsg, as on /cgi-bin/token. */
  bareSuccess?: boolean;
  /** The call works before the component is opened (register/apply and register/check). */
  allowedBeforeAccess?: boolean;
  handler(context: WireContext): Promise<Record<string, unknown>>;
}
