/**
 * Creates a request id in the platform's form `xxxxxxxx-xxxxxxxx-xxxxxxxx`: the unix time in
 * seconds as 8 lower-case hex digits, then two 32-bit groups. The middle group counts up from a
 * random start, so rids made in one second sort in the order they were made. Each new row of the
 * request log then lands at the end of its rid index. A random middle group scattered the rows
 * over many pages, and each of those pages had to be written. The last group is random, which
 * keeps the rids of two sandboxes sharing one database apart even when their counters meet.
 */
export function createRid(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000);
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    secondsHex = seconds >= 0 && seconds <= 0xffffffff ? hex32(seconds) : seconds.toString(16).padStart(8, '0');
  }
  sequence = (sequence + 1) >>> 0;
  return `${secondsHex}-${hex32(sequence)}-${hex32(Math.floor(Math.random() * 0x100000000))}`;
}

let lastSeconds = -1;
let secondsHex = '';
let sequence = Math.floor(Math.random() * 0x100000000);

// Two hex digits for every byte value. Four lookups build a group without Number#toString(16),
// which showed in profiles of cached reads.
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hex32(value: number): string {
  return HEX_PAIRS[value >>> 24]! + HEX_PAIRS[(value >>> 16) & 0xff]! + HEX_PAIRS[(value >>> 8) & 0xff]! + HEX_PAIRS[value & 0xff]!;
}

export const RID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
