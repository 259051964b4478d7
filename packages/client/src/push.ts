import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson } from '@wxshop/api';

/**
 * Pushed events: signature checks, the WXBizMsgCrypt AES scheme, XML and JSON bodies, a typed
 * event union and a request handler for node:http, express and fastify.
 */

/** Fields every pushed event carries. */
export interface PushEnvelope<E extends string> {
  ToUserName: string;
  FromUserName: string;
  CreateTime: number;
  MsgType: 'event';
  Event: E;
}

interface OrderRef {
  out_order_id: string;
  order_id: string;
}
interface AftersaleRef {
  aftersale_id: string;
  out_aftersale_id?: string;
  order_id?: string;
  out_order_id?: string;
}

/** Body of each known event, keyed by its `Event` value. int64 ids are decimal strings. */
export interface PushEventBodies {
  open_product_spu_audit: { OpenProductSpuAudit: { out_product_id: string; product_id: string; status: 3 | 4; spu_status?: number; reject_reason?: string } };
  open_product_spu_status_update: { OpenProductSpuStatusUpdate: { out_product_id: string; product_id: string; status: number; reason?: string } };
  open_product_category_audit: { QualificationAuditResult: { audit_id: string; status: 1 | 9; audit_type: number; reject_reason?: string } };
  open_product_brand_audit: { QualificationAuditResult: { audit_id: string; status: 1 | 9; audit_type: number; brand_id?: number; reject_reason?: string } };
  open_product_account_register: { OpenProductAccountRegister: { status: 2 | 10 } };
  open_product_scene_group_audit: {
    SceneGroupAudit: { group_id: number; name?: string; reason?: string; scene_group_ext_list?: { ext_id: number; status: number; name?: string }[] };
  };
  open_product_order_pay: {
    order_info: OrderRef & { transaction_id: string; pay_time: string; amount?: number; payer_amount?: number; sp_openid?: string; promotion_detail_info?: unknown };
  };
  open_product_order_cancel: { order_info: OrderRef };
  open_product_order_confirm: { order_info: OrderRef };
  open_product_order_settle: { order_info: OrderRef & { settle_no?: string; amount?: number; settle_time?: string } };
  open_product_order_refund: { order_info: OrderRef };
  open_product_order_analyze: { order_info: OrderRef & { openid?: string } };
  open_product_receive_coupon: { out_coupon_id: string; request_id: string };
  aftersale_new_order: { aftersale_info: AftersaleRef };
  aftersale_update_order: { aftersale_info: AftersaleRef };
  aftersale_user_cancel: { aftersale_info: AftersaleRef };
  aftersale_wait_merchant_confirm_receipt: { aftersale_info: AftersaleRef };
  aftersale_user_modify_return_info: { aftersale_info: AftersaleRef };
  aftersale_user_cancel_waybill: { aftersale_info: AftersaleRef };
  aftersale_refund_success: { aftersale_info: AftersaleRef };
  aftersale_wait_merchant_offline_refund: { aftersale_info: AftersaleRef };
  aftersale_refund_failed: { aftersale_info: AftersaleRef };
  aftersale_user_confirm_refund_certificate: { aftersale_info: AftersaleRef };
  aftersale_merchant_handle_refund_overdue: { aftersale_info: AftersaleRef };
  aftersale_merchant_handle_return_overdue: { aftersale_info: AftersaleRef };
  aftersale_merchant_confirm_receipt_overdue: { aftersale_info: AftersaleRef };
  aftersale_user_upload_return_info_overdue: { aftersale_info: AftersaleRef };
  aftersale_user_apply_platform_judge_overdue: { aftersale_info: AftersaleRef };
  aftersale_complaint_update_order_state: { aftersale_info: AftersaleRef };
  complaint_notify: { complaint_info: { complaint_order_id: string; state: number; event: number } };
  funds_order_pay: { order_info: { trade_no: string; transaction_id: string; pay_time: string | number } };
  funds_order_refund: { order_info: { refund_no: string; status: string | number; success_time?: string | number } };
  funds_order_profitsharing: { order_info: { profit_sharing_no: string; amount: number; result: string | number; finish_time?: string | number } };
  miniprogram_sharer_bind_status_change: { openid: string; bind_status: 1 | 2 };
  miniprogram_sharer_action: { openid: string; type: 1 | 2 | 3; promoter?: { finder_nickname?: string; promoter_id?: string; promoter_openid?: string } };
}

export type PushEventName = keyof PushEventBodies;
/** One known event, narrowed by its `Event` value. */
export type KnownPushEvent = { [E in PushEventName]: PushEnvelope<E> & PushEventBodies[E] }[PushEventName];
/** An event this SDK has no type for; its fields are passed through. */
export interface GenericPushEvent extends PushEnvelope<string> {
  [field: string]: unknown;
}
export type PushEvent = KnownPushEvent | GenericPushEvent;

/** Narrows a decoded event to one known event type. */
export function isPushEvent<E extends PushEventName>(event: PushEvent, name: E): event is Extract<KnownPushEvent, { Event: E }> {
  return event.Event === name;
}

/** Keys whose values are 64-bit ids: returned as decimal strings whatever the body format. */
const INT64_KEYS = new Set(['product_id', 'order_id', 'aftersale_id', 'sku_id', 'complaint_order_id']);

/** SHA-1 hex of the sorted, concatenated parts: the platform's push signature. */
export function pushSignature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A push failed its checks; reply with HTTP 401 or 400 and do not act on it. */
export class PushVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushVerificationError';
  }
}

export interface PushCryptoOptions {
  /** The Token set on the message push page. */
  token: string;
  /** The 43-character EncodingAESKey; needed for secure and compatible mode. */
  encodingAESKey?: string;
  /** AppID the decrypted message must name; leave out to skip that check. */
  appid?: string;
  /**
   * With an EncodingAESKey set, a body without `Encrypt` is refused by default: its signature
   * covers only the Token, timestamp and nonce, so anyone who saw one push URL could send any
   * event with it. Set true while the push page is switched from plaintext to an encrypted mode.
   */
  allowPlaintext?: boolean;
}

/** WXBizMsgCrypt: AES-256-CBC, IV = first 16 key bytes, 32-byte PKCS#7 padding. */
export class PushCrypto {
  private readonly key: Buffer;

  constructor(encodingAESKey: string) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) throw new TypeError('EncodingAESKey must be 43 base64 characters');
    this.key = Buffer.from(`${encodingAESKey}=`, 'base64');
  }

  /** Encrypts a message as the platform does; `random` (16 bytes) is for reproducible vectors. */
  encrypt(message: string, appid: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random.subarray(0, 16), length, body, Buffer.from(appid, 'utf8')]);
    const pad = 32 - (plain.length % 32);
    const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }

  /** Decrypts an `Encrypt` value into the message and the AppID it names. */
  decrypt(encrypted: string): { message: string; appid: string } {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
    } catch {
      throw new PushVerificationError('Encrypt could not be decrypted with this EncodingAESKey');
    }
    let pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > 32) pad = 0;
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw new PushVerificationError('Decrypted message is too short');
    const length = content.readUInt32BE(16);
    if (20 + length > content.length) throw new PushVerificationError('Decrypted message length is out of range');
    return { message: content.subarray(20, 20 + length).toString('utf8'), appid: content.subarray(20 + length).toString('utf8') };
  }
}

/**
 * Handles the URL check the platform sends when a push URL is saved: returns `echostr` when the
 * signature matches the Token, otherwise throws PushVerificationError.
 */
export function verifyEchostr(query: Record<string, unknown>, token: string): string {
  const { signature, timestamp, nonce, echostr } = query;
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || typeof nonce !== 'string' || typeof echostr !== 'string') {
    throw new PushVerificationError('signature, timestamp, nonce and echostr are all required');
  }
  if (!sameText(pushSignature(token, timestamp, nonce), signature)) throw new PushVerificationError('signature does not match the Token');
  return echostr;
}

/**
 * Parses the XML WeChat pushes: nested elements become objects, repeated elements arrays. Text
 * in CDATA stays a string; plain text that is a number of up to 15 digits becomes a number
 * (longer ones stay strings, so no id is rounded).
 */
export function parsePushXml(xml: string): Record<string, unknown> {
  let position = 0;
  const text = xml.trim().replace(/^<\?xml[^>]*\?>\s*/, '');

  function leafValue(leaf: string, fromCdata: boolean): string | number {
    return !fromCdata && /^-?\d{1,15}$/.test(leaf.trim()) ? Number(leaf.trim()) : leaf;
  }

  function parseChildren(closing: string | undefined): Record<string, unknown> | string | number {
    const out: Record<string, unknown> = {};
    let leaf = '';
    let fromCdata = false;
    let sawChild = false;
    while (position < text.length) {
      if (text.startsWith('<![CDATA[', position)) {
        const end = text.indexOf(']]>', position);
        if (end < 0) throw new PushVerificationError('Unclosed CDATA in XML body');
        leaf += text.slice(position + 9, end);
        fromCdata = true;
        position = end + 3;
      } else if (text.startsWith('</', position)) {
        const end = text.indexOf('>', position);
        const name = text.slice(position + 2, end).trim();
        if (name !== closing) throw new PushVerificationError(`Unexpected </${name}> in XML body`);
        position = end + 1;
        return sawChild ? out : leafValue(leaf, fromCdata);
      } else if (text[position] === '<') {
        const end = text.indexOf('>', position);
        if (end < 0) throw new PushVerificationError('Unclosed tag in XML body');
        const raw = text.slice(position + 1, end);
        position = end + 1;
        sawChild = true;
        const selfClosing = raw.endsWith('/');
        const name = (selfClosing ? raw.slice(0, -1) : raw).trim().split(/\s/)[0] ?? '';
        const value = selfClosing ? '' : parseChildren(name);
        const existing = out[name];
        if (existing === undefined) out[name] = value;
        else if (Array.isArray(existing)) existing.push(value);
        else out[name] = [existing, value];
      } else {
        const next = text.indexOf('<', position);
        const chunk = text.slice(position, next < 0 ? text.length : next);
        leaf += decodeEntities(chunk);
        position = next < 0 ? text.length : next;
      }
    }
    if (closing !== undefined) throw new PushVerificationError(`Missing </${closing}> in XML body`);
    return out;
  }

  const root = parseChildren(undefined);
  const top = typeof root === 'object' ? (root.xml ?? root) : {};
  return typeof top === 'object' && top !== null && !Array.isArray(top) ? (top as Record<string, unknown>) : {};
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_m, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[name] ?? '');
}

/** Arrays the platform sends; in XML a single element must still come back as a list. */
const ARRAY_KEYS = new Set(['scene_group_ext_list', 'promotion_detail_list', 'goods_detail']);

function normalise(value: unknown, key: string | undefined, fromXml: boolean): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((item) => normalise(item, undefined, fromXml));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
      const shaped = normalise(field, name, fromXml);
      out[name] = fromXml && ARRAY_KEYS.has(name) && !Array.isArray(shaped) ? [shaped] : shaped;
    }
    return out;
  }
  if (key !== undefined && INT64_KEYS.has(key)) return typeof value === 'number' ? String(value) : value;
  return value;
}

function parseBody(body: string): { fields: Record<string, unknown>; format: 'json' | 'xml' } {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = parseJson(trimmed);
    } catch {
      throw new PushVerificationError('Body is not valid JSON');
    }
    return { fields: normalise(parsed, undefined, false) as Record<string, unknown>, format: 'json' };
  }
  if (trimmed.startsWith('<')) return { fields: normalise(parsePushXml(trimmed), undefined, true) as Record<string, unknown>, format: 'xml' };
  throw new PushVerificationError('Body is neither JSON nor XML');
}

export interface PushRequest {
  /** Query parameters: signature, timestamp, nonce and, in secure mode, encrypt_type and msg_signature. */
  query: Record<string, unknown>;
  /** Raw body (string or bytes), or an object a framework already parsed from JSON. */
  body: string | Uint8Array | Record<string, unknown>;
}

export interface DecodedPush {
  event: PushEvent;
  /** `plaintext`, `compatible` (both forms present) or `secure` (encrypted only). */
  mode: 'plaintext' | 'compatible' | 'secure';
  format: 'json' | 'xml';
}

/**
 * Checks the signatures of a pushed message and returns its event, decrypting it when the body
 * carries `Encrypt` and a key is configured. Throws PushVerificationError on any mismatch.
 *
 * @example
 * const { event } = decodePush({ query, body }, { token, encodingAESKey, appid });
 * if (isPushEvent(event, 'open_product_order_pay')) console.log(event.order_info.order_id);
 */
export function decodePush(request: PushRequest, options: PushCryptoOptions): DecodedPush {
  const { query } = request;
  const timestamp = String(query.timestamp ?? '');
  const nonce = String(query.nonce ?? '');
  if (typeof query.signature !== 'string' || !sameText(pushSignature(options.token, timestamp, nonce), query.signature)) {
    throw new PushVerificationError('signature does not match the Token');
  }
  let parsed: { fields: Record<string, unknown>; format: 'json' | 'xml' };
  if (typeof request.body === 'string' || request.body instanceof Uint8Array) {
    parsed = parseBody(typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8'));
  } else {
    parsed = { fields: normalise(request.body, undefined, false) as Record<string, unknown>, format: 'json' };
  }
  const encrypted = parsed.fields.Encrypt;
  const hasPlain = typeof parsed.fields.Event === 'string';
  if (typeof encrypted !== 'string' && options.encodingAESKey && !options.allowPlaintext) {
    throw new PushVerificationError('Body is not encrypted, but an EncodingAESKey is configured (set allowPlaintext to accept it)');
  }
  if (typeof encrypted !== 'string' || (hasPlain && !options.encodingAESKey)) {
    if (!hasPlain) throw new PushVerificationError('Body has no Event and no Encrypt');
    const { Encrypt: _dropped, ...plain } = parsed.fields;
    return { event: plain as unknown as PushEvent, mode: typeof encrypted === 'string' ? 'compatible' : 'plaintext', format: parsed.format };
  }
  if (!options.encodingAESKey) throw new PushVerificationError('Body is encrypted but no EncodingAESKey is configured');
  if (typeof query.msg_signature !== 'string' || !sameText(pushSignature(options.token, timestamp, nonce, encrypted), query.msg_signature)) {
    throw new PushVerificationError('msg_signature does not match');
  }
  const { message, appid } = new PushCrypto(options.encodingAESKey).decrypt(encrypted);
  if (options.appid !== undefined && appid !== options.appid) throw new PushVerificationError(`Message is for AppID ${appid}, not ${options.appid}`);
  const inner = parseBody(message);
  return { event: inner.fields as unknown as PushEvent, mode: hasPlain ? 'compatible' : 'secure', format: inner.format };
}

/** What the handler answers: `success` by default, or a JSON object the event asks for. */
export type PushReply = void | 'success' | Record<string, unknown>;

export interface PushHandlerOptions extends PushCryptoOptions {
  onEvent(event: PushEvent, push: DecodedPush): PushReply | Promise<PushReply>;
  /** Called when a push fails its checks or `onEvent` throws; defaults to nothing. */
  onError?(error: unknown): void;
}

/** The HTTP answer to give a push: status, content type and body. */
export interface PushAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Handles one push request independent of any framework: the echostr handshake on GET, the
 * event on POST. Use it from fastify (`reply.code(a.status).type(a.contentType).send(a.body)`).
 */
export async function answerPush(method: string, request: PushRequest, options: PushHandlerOptions): Promise<PushAnswer> {
  try {
    if (method === 'GET') return { status: 200, contentType: 'text/plain', body: verifyEchostr(request.query, options.token) };
    const decoded = decodePush(request, options);
    const reply = await options.onEvent(decoded.event, decoded);
    if (reply === undefined || reply === 'success') return { status: 200, contentType: 'text/plain', body: 'success' };
    // NOTE: an object reply is sent as plain JSON even in secure mode. Whether the platform
    // expects such replies encrypted is not documented for these events.
    return { status: 200, contentType: 'application/json', body: JSON.stringify(reply) };
  } catch (error) {
    options.onError?.(error);
    if (error instanceof PushVerificationError) return { status: 401, contentType: 'text/plain', body: error.message };
    // NOTE: any other failure answers 500 so the platform retries the push later.
    return { status: 500, contentType: 'text/plain', body: 'error' };
  }
}

async function readBody(request: IncomingMessage & { body?: unknown }): Promise<PushRequest['body']> {
  const preset = request.body;
  if (typeof preset === 'string' || preset instanceof Uint8Array) return preset;
  if (preset !== null && typeof preset === 'object' && Object.keys(preset).length > 0) return preset as Record<string, unknown>;
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * A request handler for node:http that also works as express middleware (it uses `req.body`
 * when a body parser already ran). In fastify, which reads bodies itself, call `answerPush`.
 *
 * @example
 * http.createServer(createPushHandler({ token, encodingAESKey, appid, onEvent: (event) => { … } }));
 * app.all('/wechat/push', createPushHandler({ … }));            // express
 */
export function createPushHandler(options: PushHandlerOptions) {
  return async (request: IncomingMessage & { body?: unknown; query?: unknown }, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query: Record<string, unknown> = Object.fromEntries(url.searchParams);
    let answer: PushAnswer;
    try {
      const body = request.method === 'GET' ? '' : await readBody(request);
      answer = await answerPush(request.method ?? 'POST', { query, body }, options);
    } catch (error) {
      options.onError?.(error);
      answer = { status: 400, contentType: 'text/plain', body: 'bad request' };
    }
    response.statusCode = answer.status;
    response.setHeader('content-type', `${answer.contentType}; charset=utf-8`);
    response.end(answer.body);
  };
}
