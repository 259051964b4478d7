import { stringifyJson, toWireInteger, type JsonValue } from '@wxshop/api';
import { encrypt, sign } from './crypto.js';
import { eventSpec, type FieldGroup, type FieldType } from './events.js';

export type PushFormat = 'json' | 'xml';
export type PushMode = 'plaintext' | 'compatible' | 'secure';

/** What the renderer needs of an app's push settings. */
export interface PushTarget {
  appid: string;
  url: string;
  token: string;
  encoding_aes_key: string;
  format: PushFormat;
  mode: PushMode;
}

/** One POST as the platform sends it. */
export interface RenderedPush {
  url: string;
  body: string;
  contentType: string;
}

/** The message fields every event starts with, in the platform's order. */
const COMMON_FIELDS = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Event'];

type JsonObject = { [key: string]: JsonValue };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function coerce(value: JsonValue, type: FieldType): JsonValue {
  if (value === null) return value;
  if (Array.isArray(type)) {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item) => coerce(item, type[0]));
  }
  if (typeof type === 'object') return isObject(value) ? coerceGroup(value, type) : value;
  if (type === 'string') return typeof value === 'object' ? value : String(value);
  if (type === 'number') return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  // int64: exact whatever form the producer used.
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return toWireInteger(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return value;
}

function coerceGroup(value: JsonObject, group: FieldGroup): JsonObject {
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const type = group[key];
    result[key] = type === undefined ? item : coerce(item, type);
  }
  return result;
}

/**
 * Puts a stored event message in the platform's shape: common fields first, then the body, with
 * each field in its catalogued type.
 */
export function normalizeMessage(message: JsonObject): JsonObject {
  const spec = eventSpec(String(message.Event ?? ''));
  const result: JsonObject = {};
  for (const key of COMMON_FIELDS) if (message[key] !== undefined) result[key] = message[key]!;
  if (typeof result.CreateTime === 'string') result.CreateTime = Number(result.CreateTime);
  for (const [key, value] of Object.entries(message)) {
    if (COMMON_FIELDS.includes(key)) continue;
    if (!spec) result[key] = value;
    else if (spec.element === key && isObject(value)) result[key] = coerceGroup(value, spec.fields);
    else if (spec.element === null && spec.fields[key] !== undefined) result[key] = coerce(value, spec.fields[key]!);
    else result[key] = value;
  }
  return result;
}

function cdata(text: string): string {
  // A "]]>" inside the text would end the section; split it across two sections.
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function xmlValue(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return cdata(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(xmlValue).join('');
  return xmlFields(value);
}

/** Child elements of an object: nested objects as elements, arrays as repeated elements. */
function xmlFields(value: JsonObject): string {
  let out = '';
  for (const [key, item] of Object.entries(value)) {
    if (Array.isArray(item)) for (const element of item) out += `<${key}>${xmlValue(element)}</${key}>`;
    else out += `<${key}>${xmlValue(item)}</${key}>`;
  }
  return out;
}

/** The message as the platform's XML: `<xml>` root, texts in CDATA, numbers bare. */
export function toXml(message: JsonObject): string {
  return `<xml>${xmlFields(message)}</xml>`;
}

export function serialize(message: JsonObject, format: PushFormat): string {
  return format === 'xml' ? toXml(message) : stringifyJson(message);
}

/**
 * Renders one push of `message` for the target: the body in its format and mode, and the URL
 * with `signature`, `timestamp`, `nonce`, `openid` (for a buyer's event) and, when encrypted,
 * `encrypt_type=aes` and `msg_signature`.
 */
export function renderPush(target: PushTarget, stored: JsonObject, timestamp: string, nonce: string): RenderedPush {
  const message = normalizeMessage(stored);
  const url = new URL(target.url);
  url.searchParams.set('signature', sign(target.token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  if (eventSpec(String(message.Event ?? ''))?.fromUser && typeof message.FromUserName === 'string') {
    url.searchParams.set('openid', message.FromUserName);
  }
  const contentType = target.format === 'xml' ? 'text/xml' : 'application/json';
  const plaintext = serialize(message, target.format);
  if (target.mode === 'plaintext') return { url: url.toString(), body: plaintext, contentType };

  const encrypted = encrypt(target.encoding_aes_key, target.appid, plaintext);
  url.searchParams.set('encrypt_type', 'aes');
  url.searchParams.set('msg_signature', sign(target.token, timestamp, nonce, encrypted));
  const envelope: JsonObject =
    target.mode === 'secure' ? { ToUserName: message.ToUserName ?? '', Encrypt: encrypted } : { ...message, Encrypt: encrypted };
  return { url: url.toString(), body: serialize(envelope, target.format), contentType };
}
