import { randomBytes } from 'node:crypto';

/**
 * Creates a request id in the platform's form `xxxxxxxx-xxxxxxxx-xxxxxxxx`: the unix time in
 * seconds as 8 lower-case hex digits, then two random 32-bit groups.
 */
export function createRid(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  const random = randomBytes(8).toString('hex');
  return `${seconds}-${random.slice(0, 8)}-${random.slice(8)}`;
}

export const RID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
