import { parseJson, stringifyJson, type JsonValue } from '@wxshop/api';
import { withoutNul } from './fields.js';

/**
 * Keeps credentials out of the request log. Tokens keep their first ten characters followed by
 * `xxxx`, the way the platform's rid lookup shows them. Secrets and keys become `xxxx`.
 */
const TOKEN_KEYS = ['access_token', 'component_access_token', 'authorizer_access_token', 'authorizer_refresh_token', 'pre_auth_code'];
const SECRET_KEYS = ['secret', 'appsecret', 'component_appsecret', 'encoding_aes_key', 'EncodingAESKey', 'aes_key', 'token'];
const SENSITIVE = new Set([...TOKEN_KEYS, ...SECRET_KEYS]);

function mask(key: string, value: string): string {
  return TOKEN_KEYS.includes(key) ? `${value.slice(0, 10)}xxxx` : 'xxxx';
}

/** Masks credentials in a query string. */
export function redactQuery(query: URLSearchParams): string {
  let copy: URLSearchParams | undefined;
  for (const key of query.keys()) {
    if (!SENSITIVE.has(key)) continue;
    copy ??= new URLSearchParams(query);
    copy.set(key, mask(key, query.get(key) ?? ''));
  }
  return (copy ?? query).toString();
}

// A value that URLSearchParams reads and writes back unchanged: no escapes, no `+`.
const PLAIN_VALUE = /^[A-Za-z0-9_.*-]*$/;
const TOKEN_ONLY = 'access_token=';

/**
 * Masks credentials in a query string as sent, with the same result as `redactQuery` on its
 * parsed form. The usual query, a plain access token alone, is masked without a parse.
 */
export function redactQueryText(text: string, parsed: URLSearchParams): string {
  if (text.startsWith(TOKEN_ONLY) && !text.includes('&')) {
    const value = text.slice(TOKEN_ONLY.length);
    if (PLAIN_VALUE.test(value)) return `${TOKEN_ONLY}${mask('access_token', value)}`;
  }
  return withoutNul(redactQuery(parsed));
}

/** Masks credential fields of a JSON text at any depth; other text is returned unchanged. */
export function redactJsonText(text: string): string {
  // Most bodies carry no credential field: a substring test spares them the parse.
  if (!/token|secret|aes_key|EncodingAESKey|pre_auth_code/.test(text)) return text;
  // The lossless pair keeps 64-bit ids exact in the logged text. Text that is not JSON, or JSON
  // nested too deeply for the recursive walk, is masked by pattern instead.
  try {
    return stringifyJson(maskFields(parseJson(text)) as JsonValue);
  } catch {
    return text.replace(/("(?:[a-z_]*token|[a-z_]*secret|aes_key|EncodingAESKey|pre_auth_code)"\s*:\s*")[^"]*"/gi, '$1xxxx"');
  }
}

function maskFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskFields);
  if (value === null || typeof value !== 'object' || typeof value === 'bigint') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const masked = SENSITIVE.has(key) && typeof field === 'string' ? mask(key, field) : maskFields(field);
    Object.defineProperty(copy, key, { value: masked, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
