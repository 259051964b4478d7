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
