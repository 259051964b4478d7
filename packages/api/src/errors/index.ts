import { ERROR_CODES } from './codes.js';
import type { ErrorCodeEntry } from './types.js';

export * from './types.js';
export { ERROR_CODES };

const BY_CODE = new Map<number, ErrorCodeEntry>(ERROR_CODES.map((entry) => [entry.code, entry]));

/** Returns the catalogue entry of an error code, or undefined for a code the catalogue lacks. */
export function explain(code: number): ErrorCodeEntry | undefined {
  return BY_CODE.get(code);
}

/**
 * Builds the wire `errmsg` of an error: the message, then ` rid: <rid>` unless the code is one of
 * those the platform sends without a rid. `message` replaces the catalogue text when given.
 */
export function formatErrmsg(code: number, rid: string, message?: string): string {
  const entry = BY_CODE.get(code);
  const text = message ?? entry?.message ?? '';
  return entry?.rid === false ? text : `${text} rid: ${rid}`;
}
export { DESCRIPTIONS_ZH, describeInChinese } from './descriptions-zh.js';
