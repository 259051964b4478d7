/**
 * Creates a request id in the platform's form `xxxxxxxx-xxxxxxxx-xxxxxxxx`: the unix time in
 * seconds as 8 lower-case hex digits, then two random 32-bit groups.
 */
export function createRid(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `${seconds}-${randomHex32()}-${randomHex32()}`;
}

// The random groups only need to be unique in practice, not unpredictable, and Math.random is
// several times cheaper per request than the crypto generator.
function randomHex32(): string {
  return Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
}

export const RID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
