import type { JsonValue } from '@wxshop/api';

/**
 * Readers for request fields with the platform's leniency: integers also arrive as numeric strings
 * or integral floats, and merchant ids as numbers. Each reader returns `undefined` when the field
 * is absent or null. It returns `INVALID` when the field is present but cannot be read as the
 * expected type. The caller maps both to the endpoint's own error code.
 */
export const INVALID = Symbol('invalid');
export type Invalid = typeof INVALID;

export type JsonObject = { [key: string]: JsonValue };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the own property `key`, ignoring inherited ones such as `constructor`. */
export function field(body: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(body, key) ? body[key] : undefined;
}

/** Reads a string field, accepting numbers and writing them in decimal. */
export function readString(body: JsonObject, key: string): string | undefined | Invalid {
  const value = field(body, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return INVALID;
}

/** Reads an integer field within the safe range, accepting numeric strings and integral floats. */
export function readInt(body: JsonObject, key: string): number | undefined | Invalid {
  return toInt(field(body, key));
}

export function toInt(value: JsonValue | undefined): number | undefined | Invalid {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : INVALID;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return INVALID;
}

/**
 * Reads a 64-bit unsigned id (product_id, sku_id, order_id) as a decimal string. Numbers, bigints
 * and numeric strings are accepted. Anything else, or a value beyond uint64, is INVALID.
 */
export function readId(body: JsonObject, key: string): string | undefined | Invalid {
  const value = field(body, key);
  if (value === undefined || value === null) return undefined;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return INVALID;
    text = String(value);
  } else if (typeof value === 'bigint') {
    text = value.toString();
  } else if (typeof value === 'string' && /^\d{1,20}$/.test(value)) {
    text = value;
  } else {
    return INVALID;
  }
  const parsed = BigInt(text);
  if (parsed < 0n || parsed > 0xffffffffffffffffn) return INVALID;
  return parsed.toString();
}

/** Reads an array of strings, accepting numbers inside as strings. */
export function readStringArray(body: JsonObject, key: string): string[] | undefined | Invalid {
  const value = field(body, key);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return INVALID;
  const result: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') result.push(item);
    else if (typeof item === 'number' && Number.isFinite(item)) result.push(String(item));
    else return INVALID;
  }
  return result;
}

/** Reads an array of integers, accepting numeric strings inside. */
export function readIntArray(body: JsonObject, key: string): number[] | undefined | Invalid {
  const value = field(body, key);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return INVALID;
  const result: number[] = [];
  for (const item of value) {
    const parsed = toInt(item);
    if (parsed === undefined || parsed === INVALID) return INVALID;
    result.push(parsed);
  }
  return result;
}

/** Length in characters as the platform counts them: Unicode code points, not UTF-16 units. */
export function textLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * True when a string contains U+0000. PostgreSQL text columns cannot store it, so ids with a NUL
 * are refused before any query (they can never match a stored id).
 */
export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** Replaces U+0000 with U+FFFD so that logged text can be stored in any database. */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text;
}

// Half of a UTF-16 surrogate pair without its other half.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when a string anywhere in a parsed body, keys included, contains a lone surrogate. JSON can
 * write one as an escape (`\ud801`), but UTF-8 cannot encode it, so no database stores it as sent.
 * The walk uses its own stack, so a deeply nested body cannot overflow the call stack.
 */
export function hasLoneSurrogate(value: JsonValue): boolean {
  const pending: JsonValue[] = [value];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next === 'string') {
      if (LONE_SURROGATE.test(next)) return true;
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (isObject(next)) {
      for (const [key, field] of Object.entries(next)) {
        if (LONE_SURROGATE.test(key)) return true;
        pending.push(field);
      }
    }
  }
  return false;
}

/**
 * Replaces U+0000 with U+FFFD in every string of a parsed body, keys included, in place. A NUL
 * in a JSON string (`\u0000`) thus behaves the same on SQLite and PostgreSQL: free text keeps a
 * visible mark where the NUL was, and an id with one simply matches nothing stored before.
 */
export function replaceNul<T extends JsonValue>(value: T): T {
  if (typeof value === 'string') return withoutNul(value) as T;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = replaceNul(value[i]!);
    return value;
  }
  if (isObject(value)) {
    for (const key of Object.keys(value)) {
      const cleaned = replaceNul(value[key]!);
      if (hasNul(key)) {
        delete value[key];
        Object.defineProperty(value, withoutNul(key), { value: cleaned, enumerable: true, writable: true, configurable: true });
      } else {
        value[key] = cleaned;
      }
    }
  }
  return value;
}
