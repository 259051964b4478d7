import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FileTokenStore, MemoryTokenStore, RedisTokenStore, type RedisLike, type WxShopClientOptions } from '@wxshop/client';
import { admin, makeClient, startSandbox, type RunningSandbox } from './helpers.js';

let running: RunningSandbox;

before(async () => {
  running = await startSandbox();
});
after(() => running.close());

/** A fetch that counts the calls per wire path and records the paths refused with 42001 or 40001. */
function countingFetch() {
  const counts = new Map<string, number>();
  const refused: string[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    const response = await fetch(input, init);
    const text = await response.text();
    if (/"errcode":(40001|42001)\b/.test(text)) refused.push(url.pathname);
    return new Response(text, { status: response.status, headers: response.headers });
  };
  return { fetcher, counts, refused };
}

function clientWith(options: Partial<WxShopClientOptions>) {
  return makeClient(running.url, options);
}

test('token fetched once and reused', async () => {
  const { fetcher, counts } = countingFetch();
  const client = clientWith({ fetch: fetcher, tokenStore: new MemoryTokenStore() });
  await client.category.get();
  await client.spu.getList({ page: 1, page_size: 1 });
  assert.equal(counts.get('/cgi-bin/token'), 1);
});

test('expired token (42001) refreshed and replayed', async () => {
  const { fetcher, counts, refused } = countingFetch();
  const client = clientWith({ fetch: fetcher, tokenStore: new MemoryTokenStore() });
  const first = await client.getAccessToken();
  const advanced = await admin(running.url, 'POST', '/clock/advance', { seconds: 7300 });
  assert.equal(advanced.status, 200);
  const answer = await client.spu.getList({ page: 1, page_size: 1 });
  assert.equal(typeof answer.total_num, 'number');
  assert.deepEqual(refused, ['/shop/spu/get_list']);
  assert.equal(counts.get('/cgi-bin/token'), 2);
  assert.notEqual(await client.getAccessToken(), first);
});

test('superseded token (40001) refreshed and replayed', async () => {
  const { fetcher, counts, refused } = countingFetch();
  const store = new MemoryTokenStore();
  const client = clientWith({ fetch: fetcher, tokenStore: store });
  await client.getAccessToken();
  // Another process takes new tokens; after the 5-minute overlap the cached one is "not latest".
  const other = clientWith({ tokenStore: new MemoryTokenStore() });
  await other.refreshAccessToken();
  await admin(running.url, 'POST', '/clock/advance', { seconds: 400 });
  await client.category.get();
  assert.equal(refused.length, 1);
  assert.equal(counts.get('/cgi-bin/token'), 2);
});

test('concurrent calls share one refresh', async () => {
  const { fetcher, counts } = countingFetch();
  const client = clientWith({ fetch: fetcher, tokenStore: new MemoryTokenStore() });
  await Promise.all(Array.from({ length: 12 }, () => client.spu.getList({ page: 1, page_size: 1 })));
  assert.equal(counts.get('/cgi-bin/token'), 1);

  await admin(running.url, 'POST', '/clock/advance', { seconds: 7300 });
  await Promise.all(Array.from({ length: 12 }, () => client.spu.getList({ page: 1, page_size: 1 })));
  assert.equal(counts.get('/cgi-bin/token'), 2, 'twelve calls refused with 42001 caused one refresh');
});

test('two clients share one refresh', async () => {
  const { fetcher, counts } = countingFetch();
  const a = clientWith({ fetch: fetcher, tokenStore: new MemoryTokenStore() });
  const b = clientWith({ fetch: fetcher, tokenStore: new MemoryTokenStore() });
  const tokens = await Promise.all([a.getAccessToken(), b.getAccessToken(), a.getAccessToken(), b.getAccessToken()]);
  assert.equal(new Set(tokens).size, 1);
  assert.equal(counts.get('/cgi-bin/token'), 1);
  await b.category.get();
  assert.equal(counts.get('/cgi-bin/token'), 1, 'the second client kept a copy in its own store');
});

test('accessToken provider gets the refused token', async () => {
  const source = clientWith({ tokenStore: new MemoryTokenStore() });
  const first = await source.getAccessToken();
  const staleSeen: (string | undefined)[] = [];
  let current = first;
  const client = makeClient(running.url, {
    secret: undefined,
    accessToken: async (stale) => {
      staleSeen.push(stale);
      if (stale !== undefined) current = await source.refreshAccessToken(stale);
      return current;
    },
  });
  await admin(running.url, 'POST', '/clock/advance', { seconds: 7300 });
  await client.category.get();
  assert.deepEqual(staleSeen, [undefined, first, undefined]);
  assert.notEqual(current, first);
});

test('token near expiry refreshed before use', async () => {
  const { fetcher, counts } = countingFetch();
  const store = new MemoryTokenStore();
  const client = clientWith({ fetch: fetcher, tokenStore: store });
  const token = await client.getAccessToken();
  assert.equal(counts.get('/cgi-bin/token'), 1);
  // Still valid for a minute, but past the time the client set for replacing it.
  const now = Date.now();
  await store.set(client.tokenKey, JSON.stringify({ token, expiresAt: now + 60_000, refreshAt: now - 1 }), 60);
  await client.category.get();
  assert.equal(counts.get('/cgi-bin/token'), 2);
  assert.notEqual(await client.getAccessToken(), token);
});

test('refresh margin leaves half the lifetime', async () => {
  const store = new MemoryTokenStore();
  const client = clientWith({ tokenStore: store, refreshMarginSeconds: 7200 });
  const before = Date.now();
  await client.getAccessToken();
  const cached = JSON.parse(String(store.get(client.tokenKey)));
  assert.ok(cached.refreshAt >= before + 3_600_000 - 1_000, 'a margin as long as the lifetime still keeps the token for half of it');
  assert.ok(cached.refreshAt < cached.expiresAt);
});

test('stable mode refreshes and replays', async () => {
  const { fetcher, counts, refused } = countingFetch();
  const client = clientWith({ fetch: fetcher, tokenStore: new MemoryTokenStore(), tokenMode: 'stable' });
  await client.category.get();
  assert.equal(counts.get('/cgi-bin/stable_token'), 1);
  assert.equal(counts.get('/cgi-bin/token'), undefined);
  await admin(running.url, 'POST', '/clock/advance', { seconds: 7300 });
  await client.category.get();
  assert.equal(refused.length, 1);
  assert.ok((counts.get('/cgi-bin/stable_token') ?? 0) >= 2);
});

test('accessToken provider replaces token calls', async () => {
  const { fetcher, counts } = countingFetch();
  const source = clientWith({ tokenStore: new MemoryTokenStore() });
  const token = await source.getAccessToken();
  const client = makeClient(running.url, { secret: undefined, accessToken: () => token, fetch: fetcher });
  await client.category.get();
  assert.equal(counts.get('/cgi-bin/token'), undefined);
});

test('file store shares the token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxshop-client-store-'));
  try {
    const path = join(dir, 'tokens.json');
    const { fetcher, counts } = countingFetch();
    await clientWith({ fetch: fetcher, tokenStore: new FileTokenStore(path) }).category.get();
    await clientWith({ fetch: fetcher, tokenStore: new FileTokenStore(path) }).category.get();
    assert.equal(counts.get('/cgi-bin/token'), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Redis store passes the expiry', async () => {
  const calls: unknown[][] = [];
  const fake: RedisLike = {
    get: async () => null,
    set: async (...args: unknown[]) => {
      calls.push(args);
      return 'OK';
    },
  };
  await new RedisTokenStore(fake).set('k', 'v', 120.7);
  await new RedisTokenStore(fake, 'node-redis').set('k', 'v', 60);
  assert.deepEqual(calls, [['k', 'v', 'EX', 120], ['k', 'v', { EX: 60 }]]);
});

test('Redis store shares the token', async (t) => {
  let Redis: any;
  try {
    Redis = (await import('ioredis' as string)).default;
  } catch {
    t.skip('ioredis is not installed');
    return;
  }
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
  } catch {
    t.skip('no Redis on 127.0.0.1:6379');
    redis.disconnect();
    return;
  }
  try {
    const prefix = `wxshop-client-test-${process.pid}-${Date.now()}`;
    const store: RedisLike = { get: (key) => redis.get(`${prefix}:${key}`), set: (key, value, ...rest) => redis.set(`${prefix}:${key}`, value, ...rest) };
    const { fetcher, counts } = countingFetch();
    await clientWith({ fetch: fetcher, tokenStore: new RedisTokenStore(store) }).category.get();
    await clientWith({ fetch: fetcher, tokenStore: new RedisTokenStore(store) }).category.get();
    assert.equal(counts.get('/cgi-bin/token'), 1);
    const keys: string[] = await redis.keys(`${prefix}:*`);
    assert.equal(keys.length, 1);
    assert.ok((await redis.ttl(keys[0])) > 0);
    await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});
