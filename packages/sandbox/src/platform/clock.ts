import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

const OFFSET_KEY = 'clock_offset_ms';

/**
 * The sandbox clock: wall time plus an offset that the admin API can only move forward.
 * Every time rule (token expiry, audit delays, later order expiry and deadlines) reads `now()`.
 * The offset is stored in the database so that every instance on one database shares it.
 */
export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly db: Kysely<Database>) {}

  /** Reads the stored offset; instances call it at start and then periodically. */
  async load(): Promise<void> {
    const row = await this.db.selectFrom('sandbox_state').select('value').where('key', '=', OFFSET_KEY).executeTakeFirst();
    this.offsetMs = row ? Number(row.value) : 0;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward by `ms` milliseconds and stores the new offset. */
  async advance(ms: number): Promise<number> {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`Clock advance must be a non-negative integer of milliseconds, got ${ms}`);
    await this.load();
    this.offsetMs += ms;
    await this.store();
    return this.now();
  }

  /** Puts the clock back to wall time; used by a full reset. */
  async reset(): Promise<void> {
    this.offsetMs = 0;
    await this.store();
  }

  private async store(): Promise<void> {
    const value = String(this.offsetMs);
    await this.db
      .insertInto('sandbox_state')
      .values({ key: OFFSET_KEY, value })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
      .execute();
  }
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Formats a time as the platform's `yyyy-MM-dd HH:mm:ss` in China time (UTC+8). */
export function formatChinaTime(ms: number): string {
  const iso = new Date(ms + CHINA_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Parses `yyyy-MM-dd HH:mm:ss` as China time; returns undefined when the text is not in that form. */
export function parseChinaTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - CHINA_OFFSET_MS;
  // Reject dates that Date.UTC normalised, such as 2022-02-30.
  return formatChinaTime(ms) === text ? ms : undefined;
}
