import { findEndpoint, formatErrmsg, parseJson, stringifyJson } from '@wxshop/api';
import type { Services } from '../services.js';
import type { AppRecord } from '../modules/app/store.js';
import { resolveCaller, type Caller } from '../modules/component/caller.js';
import { hasLoneSurrogate, isObject, replaceNul, type JsonObject } from './fields.js';
import { createRid } from './rid.js';
import type { WireContext, WireRoute } from './routes.js';
import { WireError } from './wire-error.js';

/** Largest JSON body accepted; the platform's cap is undocumented, larger bodies get 45002. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Largest multipart body accepted on image upload (the image itself is limited to 2 MB). */
export const MAX_MULTIPART_BODY_BYTES = 10 * 1024 * 1024;

/** Content type of every wire response, as observed on the platform. */
export const WIRE_CONTENT_TYPE = 'application/json; encoding=utf-8';

interface Outcome {
  errcode: number;
  rule: string;
  body: string;
  /** The body in UTF-8, set only for a body served again unchanged (see `frozenBody`). */
  bodyBytes?: Buffer;
  appid: string | null;
}

/** The parts of an HTTP request the pipeline reads; the body is read in full beforehand. */
export interface WireHttpRequest {
  method: string;
  url: string;
  contentType: string;
  ip: string;
  body: Buffer;
  /** Set when the body was larger than the transport accepts; it is then empty. */
  bodyTooLarge: boolean;
  /** Closes the connection without a response, for fault rules that drop it. */
  drop?: () => void;
}

// ignoreBOM keeps a byte order mark in the text, so a body starting with one is not strict JSON.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// A JSON escape of a UTF-16 surrogate, either half.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Runs one wire request through the platform's checks in order, responds with HTTP 200 and a
 * JSON envelope, and records it in the request log. Nothing thrown here escapes as an HTTP error.
 */
export async function handleWire(
  request: WireHttpRequest,
  send: (body: string, bytes?: Buffer) => void,
  routes: ReadonlyMap<string, WireRoute>,
  services: Services,
): Promise<void> {
  const started = performance.now();
  const now = services.clock.now();
  const rid = createRid(now);
  const queryIndex = request.url.indexOf('?');
  const path = queryIndex === -1 ? request.url : request.url.slice(0, queryIndex);
  const query = new URLSearchParams(queryIndex === -1 ? '' : request.url.slice(queryIndex + 1));
  const rawBody = request.body;

  let outcome: Outcome;
  try {
    outcome = await runChecks({ request, path, query, rawBody, rid, now, routes, services });
  } catch (error) {
    outcome = failure(error, rid, null, services, path);
  }

  send(outcome.body, outcome.bodyBytes);

  const costMs = Math.round(performance.now() - started);
  services.requestLog.recordWire({
    rid,
    appid: outcome.appid,
    method: request.method,
    path,
    query: queryIndex === -1 ? '' : request.url.slice(queryIndex + 1),
    params: query,
    requestBody: rawBody,
    responseBody: outcome.body,
    responseBytes: outcome.bodyBytes,
    errcode: outcome.errcode,
    rule: outcome.rule,
    clientIp: request.ip,
    invokeTime: now,
    costMs,
  });
  services.logWire(rid, outcome.appid, path, outcome.errcode, outcome.rule, costMs);
}

interface CheckInput {
  request: WireHttpRequest;
  path: string;
  query: URLSearchParams;
  rawBody: Buffer;
  rid: string;
  now: number;
  routes: ReadonlyMap<string, WireRoute>;
  services: Services;
}

async function runChecks(input: CheckInput): Promise<Outcome> {
  const { request, path, query, rawBody, rid, now, routes, services } = input;

  // 2. Path and method. A path the platform has but the sandbox does not serve is treated as unknown.
  const endpoint = findEndpoint(path);
  const route = routes.get(path);
  if (!endpoint || !route) throw new WireError(40066, 'path.unknown');
  if (request.method !== endpoint.method && !(endpoint.method === 'GET' && request.method === 'POST')) {
    throw new WireError(43002, 'method.not_post');
  }

  // 3. Credential: the app's own token, an authorizer token acting for the app, or a platform's token.
  let caller: Caller = {};
  if (endpoint.auth !== 'none') {
    const resolved = resolveCaller(services, endpoint, query, request.ip, now);
    caller = resolved instanceof Promise ? await resolved : resolved;
  }
  const app: AppRecord | undefined = caller.app;
  const appid = app?.appid ?? null;

  try {
    // 4. Body.
    let body: JsonObject = {};
    const contentType = request.contentType;
    if (request.bodyTooLarge) throw new WireError(45002, 'body.too_large');
    if (endpoint.body === 'json') {
      if (rawBody.length === 0) throw new WireError(44002, 'body.empty');
      if (rawBody.length > MAX_JSON_BODY_BYTES) throw new WireError(45002, 'body.too_large');
      const parsed = parseBody(rawBody);
      if (parsed === undefined) {
        const malformed = route.malformedBody ?? 47001;
        if (malformed !== 'as-empty') throw new WireError(malformed, 'body.not_json', route.malformedMessage);
      } else {
        body = parsed;
      }
    } else if (endpoint.body === 'multipart' && rawBody.length > MAX_MULTIPART_BODY_BYTES) {
      throw new WireError(45002, 'body.too_large');
    }

    // 5. Permission: the component must be open for every /shop/* call but register/apply and check.
    if (app && path.startsWith('/shop/') && !route.allowedBeforeAccess && app.access_state !== 'accessed') {
      throw new WireError(48001, 'access.component_not_open');
    }
    // 5 (continued). Daily quota (45009) and frequency limit (300000).
    await services.quota.admitCall(app?.appid, path, query, body, now);

    // 6. Fault rules from the admin API: forced errcode, latency, dropped connection.
    const fault = services.faults.apply(appid, path, request.drop);
    if (fault) await fault;

    // 7–8. Validation and the service.
    const context: WireContext = { rid, now, app, body, query, rawBody, contentType, services, component: caller.component, clientIp: request.ip };
    const payload = await route.handler(context);
    if (Object.isFrozen(payload)) return { errcode: 0, rule: 'ok', appid, ...frozenBody(payload, route.bareSuccess === true) };
    return { errcode: 0, rule: 'ok', body: successBody(payload, route.bareSuccess === true), appid };
  } catch (error) {
    return failure(error, rid, appid, services, path);
  }
}

function successBody(payload: Record<string, unknown>, bare: boolean): string {
  return stringifyJson(bare ? payload : { errcode: 0, errmsg: 'ok', ...payload });
}

// A handler that returns a frozen payload promises to return that same object for as long as the
// data is unchanged (spu/get of a cached product). Its JSON is thus built and encoded in UTF-8
// once and kept with it. The request log binds the bytes, and the reply takes their length.
const frozenBodies = new WeakMap<object, { body: string; bodyBytes: Buffer }>();

function frozenBody(payload: Record<string, unknown>, bare: boolean): { body: string; bodyBytes: Buffer } {
  let stored = frozenBodies.get(payload);
  if (stored === undefined) {
    const body = successBody(payload, bare);
    stored = { body, bodyBytes: Buffer.from(body, 'utf8') };
    frozenBodies.set(payload, stored);
  }
  return stored;
}

/** Parses a JSON body; returns undefined unless it is strict JSON with an object at the top. */
function parseBody(raw: Buffer): JsonObject | undefined {
  let text: string;
  try {
    text = decoder.decode(raw);
  } catch {
    return undefined;
  }
  try {
    const value = parseJson(text);
    if (!isObject(value)) return undefined;
    // A lone surrogate written as an escape is refused like the invalid UTF-8 bytes it stands
    // for. Bodies without an escape in the range \uD800 to \uDFFF skip the walk.
    if (SURROGATE_ESCAPE.test(text) && hasLoneSurrogate(value)) return undefined;
    // A JSON string can hold U+0000 only as an escape, so bodies without one skip the walk.
    return text.includes('\\u0000') ? replaceNul(value) : value;
  } catch {
    return undefined;
  }
}

function failure(error: unknown, rid: string, appid: string | null, services: Services, path: string): Outcome {
  if (error instanceof WireError) {
    const body = stringifyJson({ errcode: error.errcode, errmsg: formatErrmsg(error.errcode, rid, error.wireMessage) });
    return { errcode: error.errcode, rule: error.rule, body, appid };
  }
  services.logger.error({ rid, appid, path, err: error }, 'unexpected error in wire handler; returned -1 system error');
  return { errcode: -1, rule: 'internal', body: stringifyJson({ errcode: -1, errmsg: formatErrmsg(-1, rid) }), appid };
}
