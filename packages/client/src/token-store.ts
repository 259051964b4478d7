import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Storage for access tokens between calls (and, with a shared store, between processes).
 * Values are opaque strings; `ttlSeconds` is how long the value stays useful.
 */
export interface TokenStore {
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  set(key: string, value: string, ttlSeconds: number): Promise<unknown> | unknown;
}

/** Keeps tokens in this process only. The default. */
export class MemoryTokenStore implements TokenStore {
  private readonly values = new Map<string, { value: string; expiresAt: number }>();

  get(key: string): string | undefined {
    const entry = this.values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: string, ttlSeconds: number): void {
    this.values.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }
}

/**
 * Keeps tokens in one JSON file, so a CLI or several short-lived processes on one machine reuse
 * a token. Writes go to a temporary file that is then renamed over the old one.
 */
export class FileTokenStore implements TokenStore {
  constructor(readonly path: string) {}

  private async readAll(): Promise<Record<string, { value: string; expiresAt: number }>> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as Record<string, { value: string; expiresAt: number }>;
    } catch {
      return {};
    }
  }

  async get(key: string): Promise<string | undefined> {
    const entry = (await this.readAll())[key];
    return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const all = await this.readAll();
    const now = Date.now();
    for (const [name, entry] of Object.entries(all)) if (entry.expiresAt <= now) delete all[name];
    all[key] = { value, expiresAt: now + ttlSeconds * 1000 };
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, JSON.stringify(all), { mode: 0o600 });
    await rename(temporary, this.path);
  }
}

/** The part of a Redis client the Redis store uses: ioredis and node-redis v4 both fit. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ...options: any[]): Promise<unknown>;
}

/**
 * Keeps tokens in Redis, so every process of a deployment shares one token per app. Pass an
 * ioredis client (the default) or, with `style: 'node-redis'`, a node-redis v4 client.
 *
 * @example
 * new WxShopClient({ appid, secret, tokenStore: new RedisTokenStore(new Redis()) });
 */
export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly style: 'ioredis' | 'node-redis' = 'ioredis',
  ) {}

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  set(key: string, value: string, ttlSeconds: number): Promise<unknown> {
    const seconds = Math.max(1, Math.floor(ttlSeconds));
    return this.style === 'node-redis' ? this.redis.set(key, value, { EX: seconds }) : this.redis.set(key, value, 'EX', seconds);
  }
}
