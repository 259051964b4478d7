import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dropPostgresSchema } from '@wxshop/sandbox';
import { admin, APPID, call, getToken, SECRET, startSandbox, TEST_DB, TEST_PG_URL } from './helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/serve-child.js', import.meta.url));
const REDIS_URL = process.env.WXSHOP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Child {
  process: ChildProcess;
  url: string;
}

/** Starts a sandbox process and waits for its address; it stops when its stdin closes. */
async function startChild(dbUrl: string, redisPrefix: string | undefined): Promise<Child> {
  const child = spawn(process.execPath, [CHILD], {
    env: {
      ...process.env,
      CHILD_DB_URL: dbUrl,
      CHILD_APPS: JSON.stringify([{ appid: APPID, secret: SECRET }]),
      ...(redisPrefix !== undefined ? { CHILD_REDIS_URL: REDIS_URL, CHILD_REDIS_PREFIX: redisPrefix } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox process did not start within 30 s: ${errors}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox process exited with ${code}: ${errors}`));
    });
  });
  return { process: child, url };
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.stdin!.end();
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A database both processes open: a new PostgreSQL schema, or one SQLite file. */
function sharedDatabase(): { url: string; cleanup(): Promise<void> } {
  if (TEST_DB === 'postgres') {
    const schema = `wxshop_shared_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    return { url: `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}schema=${schema}`, cleanup: () => dropPostgresSchema(TEST_PG_URL, schema) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'wxshop-shared-'));
  return { url: join(dir, 'sandbox.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

const LIST_BODY = { page: 1, page_size: 10, need_edit_spu: 1 };
const QUOTA = 25;
const CALLS_PER_INSTANCE = 30;

const LIMITS = {
  daily: { setting: 'daily_limits', errcode: 45009 },
  minute: { setting: 'minute_limits', errcode: 45011 },
} as const;

for (const counters of ['redis', 'database'] as const) {
  for (const kind of ['daily', 'minute'] as const) {
    const { setting, errcode } = LIMITS[kind];
    describe(`two sandbox processes sharing ${kind} quota counters in ${counters === 'redis' ? 'Redis' : 'the database'}`, () => {
      const children: Child[] = [];
      const database = sharedDatabase();
      after(async () => {
        await Promise.all(children.map(stopChild));
        await database.cleanup();
      });

      test(`exactly ${QUOTA} of ${2 * CALLS_PER_INSTANCE} concurrent calls across both succeed and the rest get ${errcode}`, async () => {
        const prefix = counters === 'redis' ? `wxshop-test:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2, 8)}:` : undefined;
        children.push(await startChild(database.url, prefix));
        children.push(await startChild(database.url, prefix));
        const [first, second] = children as [Child, Child];

        const set = await admin(first.url, 'PUT', `/apps/${APPID}/quota`, { [setting]: { '/shop/spu/get_list': QUOTA } });
        assert.equal(set.status, 200, JSON.stringify(set.json));
        // Each instance issues its own token; ordinary tokens overlap for 5 minutes, so both stay valid.
        const tokens = [await getToken(first.url), await getToken(second.url)];
        if (kind === 'minute') {
          // Start the calls at the beginning of a sandbox minute, so that they all fall into one.
          // The second instance reads the moved clock when it advances by 0.
          const now = (await admin(first.url, 'GET', '/clock')).json.now_ms as number;
          assert.equal((await admin(first.url, 'POST', '/clock/advance', { seconds: Math.ceil((60_000 - (now % 60_000)) / 1000) })).status, 200);
          assert.equal((await admin(second.url, 'POST', '/clock/advance', { seconds: 0 })).status, 200);
        }

        const calls = [];
        for (let i = 0; i < CALLS_PER_INSTANCE; i++) {
          for (const [index, child] of children.entries()) {
            calls.push(call(child.url, '/shop/spu/get_list', LIST_BODY, { token: tokens[index] }));
          }
        }
        const responses = await Promise.all(calls);
        const codes = responses.map((response) => response.json.errcode);
        const succeeded = codes.filter((code) => code === 0).length;
        const limited = codes.filter((code) => code === errcode).length;
        assert.equal(succeeded, QUOTA, `errcodes: ${JSON.stringify(codes)}`);
        assert.equal(limited, 2 * CALLS_PER_INSTANCE - QUOTA, `errcodes: ${JSON.stringify(codes)}`);
        // Each instance alone would admit QUOTA calls, so the exact total shows one shared limit.
        // Which instance wins the admitted calls depends on scheduling, but each refuses some.
        const refusedPerInstance = children.map((_, index) => codes.filter((code, i) => i % 2 === index && code === errcode).length);
        assert.ok(refusedPerInstance.every((count) => count > 0), `refusals per instance: ${refusedPerInstance}`);

        const quota = await call(second.url, '/cgi-bin/openapi/quota/get', { cgi_path: '/shop/spu/get_list' }, { token: tokens[1] });
        if (kind === 'daily') assert.deepEqual(quota.json.quota, { daily_limit: QUOTA, used: QUOTA, remain: 0 });
        else assert.deepEqual(quota.json.rate_limit, { call_count: QUOTA, refresh_second: 60 });
      });
    });
  }
}

describe('counters in Redis within one sandbox', () => {
  test('a reset clears the Redis counters of the sandbox', async () => {
    const keyPrefix = `wxshop-test-reset:${process.pid}:${Date.now()}:`;
    const server = await startSandbox({ redis: { url: REDIS_URL, keyPrefix } });
    try {
      const limit = { daily_limits: { '/shop/spu/get_list': 1 } };
      assert.equal((await admin(server.url, 'PUT', `/apps/${APPID}/quota`, limit)).status, 200);
      const token = await getToken(server.url);
      assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token })).json.errcode, 0);
      assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token })).json.errcode, 45009);

      assert.equal((await admin(server.url, 'POST', '/reset')).status, 200);
      assert.equal((await admin(server.url, 'PUT', `/apps/${APPID}/quota`, limit)).status, 200);
      const fresh = await getToken(server.url);
      assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: fresh })).json.errcode, 0);
      assert.equal((await call(server.url, '/shop/spu/get_list', LIST_BODY, { token: fresh })).json.errcode, 45009);
    } finally {
      await server.close();
    }
  });
});
