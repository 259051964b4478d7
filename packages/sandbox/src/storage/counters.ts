import type Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Storage } from './database.js';

/**
 * Atomic counters for quotas and frequency limits. A counter is `name` inside `scope`; a scope
 * groups what one reset clears together (one app's counts of one day). Counters live in the
 * database by default and in Redis when one is configured, so several sandbox instances on one
 * database or one Redis share a single set of limits.
 */
export interface Counters {
  /** `database` or `redis`, for logs and the health check. */
  readonly backend: 'database' | 'redis';
  /**
   * Adds one to the counter unless it has already reached `limit`, in one atomic step, so no more
   * than `limit` concurrent callers succeed. On SQLite the step may take a unit this process
   * reserved earlier (see SqliteLeases); elsewhere exactly `limit` callers succeed. Returns the new count, or undefined when the limit was reached.
   * `expiresAt` (sandbox ms) is when the counter may be forgotten; `now` is the sandbox time.
   */
  take(scope: string, name: string, limit: number, expiresAt: number, now: number): Promise<number | undefined>;
  /** Returns the current count, 0 when the counter does not exist. */
  read(scope: string, name: string): Promise<number>;
  /** Returns every counter of the scope by name. */
  readAll(scope: string): Promise<Record<string, number>>;
  /** Deletes one counter of the scope, or the whole scope when `name` is left out. */
  clear(scope: string, name?: string): Promise<void>;
  /** Deletes the counters that expired before `now` (the Redis backend lets keys expire by themselves). */
  purgeExpired(now: number): Promise<void>;
  /** Deletes every counter, for a full reset of the sandbox. */
  clearAll(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisOptions {
  /** A `redis://` URL. */
  url: string;
  /** Prefix of every key, so that several sandboxes (or tests) can share one Redis; default `wxshop:`. */
  keyPrefix?: string;
}

/** Opens the counters: Redis when `redis` is given, else the sandbox database. */
export async function openCounters(storage: Storage, logger: Logger, redis?: RedisOptions): Promise<Counters> {
  if (redis) return RedisCounters.open(redis, logger);
  return new DatabaseCounters(storage);
}

/** Counters in the `counters` table, incremented with one upsert that checks the limit. */
class DatabaseCounters implements Counters {
  readonly backend = 'database';
  private readonly leases: SqliteLeases | undefined;

  constructor(private readonly storage: Storage) {
    if (storage.sqlite) this.leases = new SqliteLeases(storage.sqlite);
  }

  async take(scope: string, name: string, limit: number, expiresAt: number): Promise<number | undefined> {
    if (limit <= 0) return undefined;
    if (this.leases) return this.leases.take(scope, name, limit, expiresAt);
    // PostgreSQL serialises concurrent upserts of one row, so the limit check and the increment are one step.
    const result = await sql<{ count: number }>`
      insert into counters (scope, name, "count", expires_at) values (${scope}, ${name}, 1, ${expiresAt})
      on conflict (scope, name) do update set "count" = counters."count" + 1 where counters."count" < ${limit}
      returning "count"`.execute(this.storage.db);
    const row = result.rows[0];
    return row === undefined ? undefined : Number(row.count);
  }

  async read(scope: string, name: string): Promise<number> {
    const row = await this.storage.db.selectFrom('counters').select('count').where('scope', '=', scope).where('name', '=', name).executeTakeFirst();
    const count = row ? Number(row.count) : 0;
    // Units this process reserved but has not used yet are not calls.
    return Math.max(0, count - (this.leases?.unused(scope, name) ?? 0));
  }

  async readAll(scope: string): Promise<Record<string, number>> {
    const rows = await this.storage.db.selectFrom('counters').select(['name', 'count']).where('scope', '=', scope).execute();
    return Object.fromEntries(rows.map((row) => [row.name, Math.max(0, Number(row.count) - (this.leases?.unused(scope, row.name) ?? 0))]));
  }

  async clear(scope: string, name?: string): Promise<void> {
    if (this.leases?.clear(scope, name)) return;
    this.leases?.drop(scope, name);
    let query = this.storage.db.deleteFrom('counters').where('scope', '=', scope);
    if (name !== undefined) query = query.where('name', '=', name);
    await query.execute();
    this.leases?.drop(scope, name);
  }

  async purgeExpired(now: number): Promise<void> {
    this.leases?.giveBack(now);
    await this.storage.db.deleteFrom('counters').where('expires_at', '<', now).execute();
  }

  async clearAll(): Promise<void> {
    this.leases?.drop();
    await this.storage.db.deleteFrom('counters').execute();
    this.leases?.drop();
  }

  async close(): Promise<void> {
    this.leases?.giveBack();
  }
}

/** Most units one lease reserves. */
const LEASE_MAX_UNITS = 100;
/** A lease takes at most this fraction of what is left under the limit: 1/64. */
const LEASE_SHARE_DIVISOR = 64;
/** After a commit by another connection, counting stays exact for this long (wall ms). */
const SHARED_QUIET_MS = 10_000;

interface Lease {
  scope: string;
  name: string;
  /** Units reserved in the row and not used yet. */
  units: number;
  /** The limit the lease was taken under; another limit returns it. */
  limit: number;
  /** The database count right after the lease was taken, for the value `take` returns. */
  base: number;
  used: number;
  expiresAt: number;
}

/**
 * Counting on SQLite without a write per call. A call used to commit its own upsert of the counter
 * row, the largest single cost of a read such as spu/get. Instead this process reserves a block of
 * units in the row (a lease) in one transaction and hands them out from memory, so the row always
 * holds at least every call admitted: no process can admit more than the limit.
 *
 * A lease takes at most 1/64 of what is left under the limit and at most 100 units, and none when
 * that is below 2, so the last 128 units of any limit are counted one call at a time, as before.
 * Unused units go back to the row every background tick, at a limit change and at a graceful stop;
 * a killed process leaves its unused units counted as used (at most 100 per counter). When this
 * process sees that another one committed to the same file (PRAGMA data_version moved, checked
 * when a lease runs out and on every background tick), it returns its leases and counts every
 * call in the row for the next 10 s, so processes sharing a file keep their shared limit. Until
 * it notices, units it holds are not available to the other process: near a limit that process
 * may refuse a call early, by at most 1/64 of what was left when the lease was taken. Inside a
 * transaction of another request on the shared connection nothing is leased or returned, because
 * that transaction may still roll back.
 */
class SqliteLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly takeOne: Sqlite.Statement;
  private readonly readCount: Sqlite.Statement;
  private readonly reserve: Sqlite.Statement;
  private readonly release: Sqlite.Statement;
  private readonly deleteScope: Sqlite.Statement;
  private readonly deleteOne: Sqlite.Statement;
  private readonly dataVersion: Sqlite.Statement;
  private readonly lease: (scope: string, name: string, limit: number, expiresAt: number) => Lease | undefined;
  private lastDataVersion: number;
  private sharedUntil = 0;

  constructor(private readonly sqlite: Sqlite.Database) {
    this.takeOne = sqlite.prepare(
      'insert into counters (scope, name, "count", expires_at) values (?, ?, 1, ?) ' +
        'on conflict (scope, name) do update set "count" = counters."count" + 1 where counters."count" < ? returning "count"',
    );
    this.readCount = sqlite.prepare('select "count" from counters where scope = ? and name = ?').pluck();
    this.reserve = sqlite.prepare(
      'insert into counters (scope, name, "count", expires_at) values (?, ?, ?, ?) ' +
        'on conflict (scope, name) do update set "count" = counters."count" + excluded."count"',
    );
    this.release = sqlite.prepare('update counters set "count" = "count" - ? where scope = ? and name = ? and "count" >= ?');
    this.deleteScope = sqlite.prepare('delete from counters where scope = ?');
    this.deleteOne = sqlite.prepare('delete from counters where scope = ? and name = ?');
    this.dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    this.lastDataVersion = this.dataVersion.get() as number;
    // Reads the count and reserves units in one immediate transaction, so no other process writes in between.
    this.lease = sqlite
      .transaction((scope: string, name: string, limit: number, expiresAt: number): Lease | undefined => {
        const count = Number(this.readCount.get(scope, name) ?? 0);
        const units = Math.min(LEASE_MAX_UNITS, Math.floor((limit - count) / LEASE_SHARE_DIVISOR));
        if (units < 2) return undefined;
        this.reserve.run(scope, name, units, expiresAt);
        return { scope, name, units, limit, base: count, used: 0, expiresAt };
      })
      .immediate;
  }

  take(scope: string, name: string, limit: number, expiresAt: number): number | undefined {
    const key = `${scope}\n${name}`;
    let lease = this.leases.get(key);
    // Spending a held lease needs no statement at all. Other writers are looked for only when
    // a lease runs out, and on every background tick.
    if (lease !== undefined && lease.limit === limit && lease.units > 0 && !this.isShared()) return this.spend(lease);
    this.noticeOtherWriters();
    if (lease !== undefined && (lease.limit !== limit || lease.units === 0 || this.isShared())) {
      if (!this.giveBackOne(lease)) {
        // Inside another request's transaction: spend what is left if the limit did not drop, as
        // the reserved units then still lie within it.
        if (lease.units > 0 && lease.limit <= limit) return this.spend(lease);
      }
      lease = undefined;
    }
    if (lease === undefined && !this.isShared() && !this.sqlite.inTransaction) {
      lease = this.lease(scope, name, limit, expiresAt);
      if (lease) this.leases.set(key, lease);
    }
    if (lease !== undefined) return this.spend(lease);
    const row = this.takeOne.get(scope, name, expiresAt, limit) as { count: number } | undefined;
    return row === undefined ? undefined : Number(row.count);
  }

  /** Reserved units of one counter not used yet. */
  unused(scope: string, name: string): number {
    return this.leases.get(`${scope}\n${name}`)?.units ?? 0;
  }

  /**
   * Deletes counters of a scope at once when no transaction is open, so no lease can be taken
   * from the old row in between; returns false when the caller must delete through the query builder.
   */
  clear(scope: string, name?: string): boolean {
    if (this.sqlite.inTransaction) return false;
    this.drop(scope, name);
    if (name === undefined) this.deleteScope.run(scope);
    else this.deleteOne.run(scope, name);
    return true;
  }

  /** Forgets leases without returning them, because their rows are being deleted. */
  drop(scope?: string, name?: string): void {
    for (const [key, lease] of this.leases) {
      if (scope === undefined || (lease.scope === scope && (name === undefined || lease.name === name))) this.leases.delete(key);
    }
  }

  /** Returns every unused unit to its row; leases of rows expired before `now` are forgotten. */
  giveBack(now?: number): void {
    this.noticeOtherWriters();
    for (const lease of this.leases.values()) {
      if (now !== undefined && lease.expiresAt < now) this.leases.delete(`${lease.scope}\n${lease.name}`);
      else this.giveBackOne(lease);
    }
  }

  private spend(lease: Lease): number {
    lease.units--;
    lease.used++;
    return lease.base + lease.used;
  }

  /** Returns a lease's unused units and forgets it; false inside a transaction, which may roll back. */
  private giveBackOne(lease: Lease): boolean {
    if (this.sqlite.inTransaction) return false;
    // NOTE: if another process reset the row since the lease was taken, the units come off the new
    // count (or nothing does, when it is smaller), so up to one lease of calls may go uncounted.
    if (lease.units > 0) this.release.run(lease.units, lease.scope, lease.name, lease.units);
    this.leases.delete(`${lease.scope}\n${lease.name}`);
    return true;
  }

  private isShared(): boolean {
    return this.sharedUntil > Date.now();
  }

  /** PRAGMA data_version moves only when another connection commits: another process shares the file. */
  private noticeOtherWriters(): void {
    const version = this.dataVersion.get() as number;
    if (version === this.lastDataVersion) return;
    this.lastDataVersion = version;
    this.sharedUntil = Date.now() + SHARED_QUIET_MS;
    for (const lease of [...this.leases.values()]) this.giveBackOne(lease);
  }
}

// Adds one to hash field ARGV[1] of KEYS[1] unless it has reached ARGV[2]; returns the new count or -1.
// ARGV[3] is the key's lifetime in ms, renewed on each increment.
const TAKE_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if current >= tonumber(ARGV[2]) then return -1 end
current = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return current`;

/** Counters in Redis: one hash per scope, one field per counter, incremented by a Lua script. */
class RedisCounters implements Counters {
  readonly backend = 'redis';

  private constructor(
    private readonly client: import('ioredis').Redis,
    private readonly prefix: string,
  ) {}

  static async open(options: RedisOptions, logger: Logger): Promise<RedisCounters> {
    // Loaded on demand: a sandbox without Redis never needs the client.
    const ioredis = await import('ioredis');
    // Bundled, the CommonJS package's class arrives as the default export; unbundled, also by name.
    const Redis = ioredis.Redis ?? (ioredis.default as unknown as typeof ioredis.Redis);
    const client = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
    client.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection error; counter calls fail until it reconnects'));
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new Error(`Cannot connect to Redis at ${redactUrl(options.url)}: ${(error as Error).message}`);
    }
    client.defineCommand('wxshopTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    return new RedisCounters(client, options.keyPrefix ?? 'wxshop:');
  }

  async take(scope: string, name: string, limit: number, expiresAt: number, now: number): Promise<number | undefined> {
    if (limit <= 0) return undefined;
    // Keys expire by wall time; the remaining sandbox time is the same length, at least one second.
    const lifetimeMs = Math.max(1000, Math.ceil(expiresAt - now));
    const take = (this.client as unknown as { wxshopTake(key: string, field: string, limit: number, ttl: number): Promise<number> }).wxshopTake;
    const count = Number(await take.call(this.client, this.prefix + scope, name, limit, lifetimeMs));
    return count < 0 ? undefined : count;
  }

  async read(scope: string, name: string): Promise<number> {
    const value = await this.client.hget(this.prefix + scope, name);
    return value === null ? 0 : Number(value);
  }

  async readAll(scope: string): Promise<Record<string, number>> {
    const values = await this.client.hgetall(this.prefix + scope);
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, Number(value)]));
  }

  async clear(scope: string, name?: string): Promise<void> {
    if (name === undefined) await this.client.del(this.prefix + scope);
    else await this.client.hdel(this.prefix + scope, name);
  }

  async purgeExpired(): Promise<void> {}

  async clearAll(): Promise<void> {
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, (char) => `\\${char}`)}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await this.client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** Removes any password from a Redis URL before it is shown. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'xxxx';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
