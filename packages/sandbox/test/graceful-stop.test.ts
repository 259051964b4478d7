import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '@wxshop/sandbox';
import { admin, APPID, call, getToken, SECRET, startSandbox } from './helpers.js';

/** What one wire call got: a reply with its errcode and rid, or a connection error. */
type Outcome = { kind: 'reply'; errcode: number; rid: string } | { kind: 'connection_error' };
type Reply = Extract<Outcome, { kind: 'reply' }>;

async function attempt(url: string, token: string, outProductId: string): Promise<Outcome> {
  try {
    const response = await call(url, '/shop/spu/get', { out_product_id: outProductId }, { token });
    const rid = / rid: (\S+)$/.exec(String(response.json.errmsg))?.[1] ?? '';
    return { kind: 'reply', errcode: Number(response.json.errcode), rid };
  } catch {
    return { kind: 'connection_error' };
  }
}

/** Sends a spu/get_list call and hangs up on it once `hangUp` fires. */
async function abandon(url: string, token: string, marker: string, hangUp: AbortSignal): Promise<void> {
  const target = new URL('/shop/spu/get_list', url);
  target.searchParams.set('access_token', token);
  try {
    await fetch(target, {
      method: 'POST',
      body: JSON.stringify({ page: 1, page_size: 10, need_edit_spu: 0, marker }),
      headers: { 'content-type': 'application/json' },
      signal: hangUp,
    });
    assert.fail('the call was expected to be abandoned');
  } catch (error) {
    assert.equal((error as Error).name, 'AbortError');
  }
}

/** Adds a latency rule for the next `count` calls of `path`; returns its id. */
async function slowDown(url: string, path: string, latencyMs: number, count: number): Promise<string> {
  const fault = await admin(url, 'POST', '/faults', { path, action: 'latency', latency_ms: latencyMs, count });
  assert.equal(fault.status, 201, JSON.stringify(fault.json));
  return fault.json.fault.id as string;
}

/** Waits until every latency rule has fired for all its calls, so those calls are inside the pipeline. */
async function untilAllFired(url: string): Promise<void> {
  for (let round = 0; round < 400; round++) {
    const rules = (await admin(url, 'GET', '/faults')).json.faults as { remaining: number | null }[];
    if (rules.every((rule) => rule.remaining === 0)) return;
    await sleep(25);
  }
  assert.fail('the slowed calls never reached the sandbox');
}

function reopen(dbUrl: string): Promise<Sandbox> {
  return createSandbox({ storage: { url: dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
}

describe('graceful stop', () => {
  test('calls running at close finish normally and keep their log rows', async () => {
    const sandbox = await startSandbox();
    try {
      const url = sandbox.url;
      const token = await getToken(url);
      // 20 spu/get calls wait 1.5 s inside the pipeline: all are running when the stop begins.
      await slowDown(url, '/shop/spu/get', 1500, 20);
      const slow = Array.from({ length: 20 }, (_, index) => attempt(url, token, `SLOW-${index}`));
      await untilAllFired(url);

      // Four callers keep calling (without latency now) until their connection fails, so some
      // calls arrive while the stop runs; at most 4 × 200 calls keep the log within one admin page.
      let stopCallers = false;
      const loops = Array.from({ length: 4 }, async (_, caller) => {
        const outcomes: Outcome[] = [];
        for (let index = 0; index < 200 && !stopCallers; index++) {
          const outcome = await attempt(url, token, `LOOP-${caller}-${index}`);
          outcomes.push(outcome);
          if (outcome.kind === 'connection_error') break;
        }
        return outcomes;
      });
      await sandbox.sandbox.close();
      const late = await attempt(url, token, 'AFTER-CLOSE');
      stopCallers = true;
      const slowOutcomes = await Promise.all(slow);
      const outcomes = [...slowOutcomes, ...(await Promise.all(loops)).flat(), late];

      const replies = outcomes.filter((outcome): outcome is Reply => outcome.kind === 'reply');
      for (const reply of replies) assert.equal(reply.errcode, 1000011, `a call answered ${reply.errcode} during the stop`);
      // The slowed calls were running when the stop began: each gets its normal reply.
      assert.deepEqual(slowOutcomes.map((outcome) => outcome.kind), Array(20).fill('reply'));
      assert.equal(late.kind, 'connection_error');

      const again = await reopen(sandbox.dbUrl);
      try {
        const restarted = await again.listen('127.0.0.1', 0);
        const rows = (await admin(restarted, 'GET', `/apps/${APPID}/requests?limit=1000`)).json.requests as { rid: string }[];
        const logged = new Set(rows.map((row) => row.rid));
        const missing = replies.filter((reply) => !logged.has(reply.rid));
        assert.deepEqual(missing, [], `${missing.length} of ${replies.length} answered calls have no log row`);
      } finally {
        await again.close();
      }
    } finally {
      await sandbox.close();
    }
  });

  test('a call whose caller hung up still runs to its end before storage closes', async () => {
    const sandbox = await startSandbox();
    try {
      const url = sandbox.url;
      const token = await getToken(url);
      // With no other connection open, nothing but the count of running calls holds the stop
      // back while these five calls wait 1.5 s in the pipeline.
      await slowDown(url, '/shop/spu/get_list', 1500, 5);
      const hangUp = new AbortController();
      const abandoned = Array.from({ length: 5 }, (_, index) => abandon(url, token, `GAVE-UP-${index}`, hangUp.signal));
      await untilAllFired(url);
      hangUp.abort();
      await Promise.all(abandoned);
      await sandbox.sandbox.close();

      const again = await reopen(sandbox.dbUrl);
      try {
        const restarted = await again.listen('127.0.0.1', 0);
        const rows = (await admin(restarted, 'GET', `/apps/${APPID}/requests?limit=1000`)).json.requests as { request_body: string; errcode: number }[];
        const gaveUp = rows.filter((row) => row.request_body.includes('GAVE-UP-'));
        assert.equal(gaveUp.length, 5, 'every abandoned call ran to its end and was logged');
        for (const row of gaveUp) assert.equal(row.errcode, 0);
      } finally {
        await again.close();
      }
    } finally {
      await sandbox.close();
    }
  });
});
