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
   * Adds one to the counter unless it has already reached `limit`, in one atomic step, so exactly
   * `limit` concurrent callers succeed. Returns the new count, or undefined when the limit was reached.
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
  private readonly takeSqlite: ((scope: string, name: string, expiresAt: number, limit: number) => number | undefined) | undefined;

  constructor(private readonly storage: Storage) {
    // On SQLite the upsert runs as one prepared statement: the counter is on every wire request.
    const sqlite = storage.sqlite;
    if (sqlite) {
      const statement = sqlite.prepare(
        'insert into counters (scope, name, "count", expires_at) values (?, ?, 1, ?) ' +
          'on conflict (scope, name) do update set "count" = counters."count" + 1 where counters."count" < ? returning "count"',
      );
      this.takeSqlite = (scope, name, expiresAt, limit) => {
        const row = statement.get(scope, name, expiresAt, limit) as { count: number } | undefined;
        return row === undefined ? undefined : Number(row.count);
      };
    }
  }

  async take(scope: string, name: string, limit: number, expiresAt: number): Promise<number | undefined> {
    if (limit <= 0) return undefined;
    if (this.takeSqlite) return this.takeSqlite(scope, name, expiresAt, limit);
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
    return row ? Number(row.count) : 0;
  }

  async readAll(scope: string): Promise<Record<string, number>> {
    const rows = await this.storage.db.selectFrom('counters').select(['name', 'count']).where('scope', '=', scope).execute();
    return Object.fromEntries(rows.map((row) => [row.name, Number(row.count)]));
  }

  async clear(scope: string, name?: string): Promise<void> {
    let query = this.storage.db.deleteFrom('counters').where('scope', '=', scope);
    if (name !== undefined) query = query.where('name', '=', name);
    await query.execute();
  }

  async purgeExpired(now: number): Promise<void> {
    await this.storage.db.deleteFrom('counters').where('expires_at', '<', now).execute();
  }

  async clearAll(): Promise<void> {
    await this.storage.db.deleteFrom('counters').execute();
  }

  async close(): Promise<void> {}
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
    const { Redis } = await import('ioredis');
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
