import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import {
  WxShopClient,
  WxShopCredentialError,
  WxShopError,
  WxShopNotFoundError,
  WxShopQuotaError,
  WxShopSystemError,
  WxShopTimeoutError,
  WxShopValidationError,
  errorFromResponse,
  explain,
  type WxShopClientOptions,
} from '@wxshop/client';

const TOKEN_ANSWER = JSON.stringify({ access_token: 'local-token', expires_in: 7200 });

/**
 * A stand-in platform on 127.0.0.1. It returns a token for the token call and the next scripted
 * body for each business call (the last body repeats), and counts the business calls.
 */
async function scriptedPlatform(bodies: (string | ((response: ServerResponse) => void))[]) {
  let calls = 0;
  const seen: { path: string; body: string }[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/cgi-bin/token') {
        response.end(TOKEN_ANSWER);
        return;
      }
      seen.push({ path, body: Buffer.concat(chunks).toString('utf8') });
      const next = bodies[Math.min(calls, bodies.length - 1)]!;
      calls++;
      if (typeof next === 'function') next(response);
      else response.end(next);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function client(url: string, options: Partial<WxShopClientOptions> = {}) {
  return new WxShopClient({ appid: 'wx0000000000000001', secret: 's', baseUrl: url, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...options });
}

const OK = JSON.stringify({ errcode: 0, errmsg: 'ok', is_matched: 1 });

for (const code of [-1, 990010, 300000]) {
  test(`errcode ${code} retried then succeeds`, async () => {
    const platform = await scriptedPlatform([JSON.stringify({ errcode: code, errmsg: `busy rid: 00000000-00000000-00000000` }), OK]);
    try {
      const answer = await client(platform.url).scene.check({ scene: 1177 });
      assert.equal(answer.is_matched, 1);
      assert.equal(platform.calls(), 2);
    } finally {
      await platform.close();
    }
  });
}

test('retries stop after maxRetries', async () => {
  const platform = await scriptedPlatform([JSON.stringify({ errcode: -1, errmsg: 'system error rid: 0a0b0c0d-00000000-00000000' })]);
  try {
    await assert.rejects(client(platform.url, { maxRetries: 3 }).scene.check({ scene: 1 }), (error: unknown) => {
      assert.ok(error instanceof WxShopSystemError);
      assert.equal(error.errcode, -1);
      assert.equal(error.rid, '0a0b0c0d-00000000-00000000');
      assert.equal(error.retry, 'backoff');
      return true;
    });
    assert.equal(platform.calls(), 4);
  } finally {
    await platform.close();
  }
});

test('45009 daily quota never retried', async () => {
  const platform = await scriptedPlatform([JSON.stringify({ errcode: 45009, errmsg: 'reach max api daily quota limit rid: 00000000-00000000-00000000' }), OK]);
  try {
    await assert.rejects(client(platform.url).scene.check({ scene: 1 }), WxShopQuotaError);
    assert.equal(platform.calls(), 1);
  } finally {
    await platform.close();
  }
});

test('validation error not retried', async () => {
  const platform = await scriptedPlatform([JSON.stringify({ errcode: 1000001, errmsg: '未上传商品out_product_id rid: 00000000-00000000-00000000' }), OK]);
  try {
    await assert.rejects(client(platform.url).scene.check({ scene: 1 }), { errcode: 1000001 });
    assert.equal(platform.calls(), 1);
  } finally {
    await platform.close();
  }
});

test('timeout raises WxShopTimeoutError once', async () => {
  const platform = await scriptedPlatform([() => undefined]);
  try {
    await assert.rejects(client(platform.url).scene.check({ scene: 1 }, { timeoutMs: 1000 }), (error: unknown) => {
      assert.ok(error instanceof WxShopTimeoutError);
      assert.equal(error.retry, 'no', 'the platform may have acted, so no retry is advised');
      return true;
    });
    assert.equal(platform.calls(), 1);
  } finally {
    await platform.close();
  }
});

test('AbortSignal cancels a call', async () => {
  const platform = await scriptedPlatform([() => undefined]);
  try {
    const controller = new AbortController();
    const pending = client(platform.url).scene.check({ scene: 1 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 20);
    await assert.rejects(pending, /caller gave up/);
  } finally {
    await platform.close();
  }
});

test('non-JSON body is a system error', async () => {
  const platform = await scriptedPlatform([(response) => {
    response.statusCode = 502;
    response.end('<html>bad gateway</html>');
  }]);
  try {
    await assert.rejects(client(platform.url, { maxRetries: 0 }).scene.check({ scene: 1 }), (error: unknown) => {
      assert.ok(error instanceof WxShopSystemError);
      assert.match(error.errmsg, /HTTP 502/);
      return true;
    });
  } finally {
    await platform.close();
  }
});

test('refused connection retried then raised', async () => {
  const platform = await scriptedPlatform([OK]);
  const url = platform.url;
  await platform.close();
  let calls = 0;
  const counting: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  await assert.rejects(client(url, { maxRetries: 2, fetch: counting, accessToken: () => 't' }).scene.check({ scene: 1 }), (error: unknown) => {
    assert.ok(error instanceof WxShopSystemError);
    assert.match(error.errmsg, /ECONNREFUSED/);
    assert.equal(error.retry, 'backoff');
    return true;
  });
  assert.equal(calls, 3);
});

test('dropped connection raised once as a system error', async () => {
  const platform = await scriptedPlatform([(response) => response.socket?.destroy()]);
  try {
    await assert.rejects(client(platform.url, { maxRetries: 2 }).scene.check({ scene: 1 }), (error: unknown) => {
      assert.ok(error instanceof WxShopSystemError);
      assert.match(error.errmsg, /connection failed/);
      assert.equal(error.retry, 'no');
      return true;
    });
    assert.equal(platform.calls(), 1);
  } finally {
    await platform.close();
  }
});

test('int64 id strings sent as integers', async () => {
  const platform = await scriptedPlatform([JSON.stringify({ errcode: 0, errmsg: 'ok' })]);
  try {
    await client(platform.url).order.close({ order_id: '3300000000000000123', openid: 'o1' });
    await client(platform.url).spu.del({ product_id: '12345' });
    assert.equal(platform.seen[0]!.body, '{"order_id":3300000000000000123,"openid":"o1"}');
    assert.equal(platform.seen[1]!.body, '{"product_id":12345}');
  } finally {
    await platform.close();
  }
});

test('int64 ids returned as exact strings', async () => {
  const platform = await scriptedPlatform(['{"errcode":0,"errmsg":"ok","aftersale_id":3300000000000000123}']);
  try {
    const answer = await client(platform.url).ecAftersale.add({
      order_id: '1',
      openid: 'o1',
      type: 1,
      product_info: { product_cnt: 1 },
      refund_reason: 'x',
      refund_reason_type: 2,
      orderamt: 1,
    });
    assert.equal(answer.aftersale_id, '3300000000000000123');
  } finally {
    await platform.close();
  }
});

test('unknown errcode gives a plain WxShopError', async () => {
  const platform = await scriptedPlatform([JSON.stringify({ errcode: 9999999, errmsg: 'something new rid: 00000000-00000000-00000000' })]);
  try {
    await assert.rejects(client(platform.url).scene.check({ scene: 1 }), (error: unknown) => {
      assert.ok(error instanceof WxShopError);
      assert.equal(error.constructor, WxShopError);
      assert.equal(error.family, undefined);
      assert.equal(error.retry, 'no');
      assert.equal(explain(9999999), undefined);
      return true;
    });
    assert.equal(platform.calls(), 1);
  } finally {
    await platform.close();
  }
});

test('error classes follow the catalogue family', () => {
  const cases: [number, Function][] = [
    [40001, WxShopCredentialError],
    [45009, WxShopQuotaError],
    [47001, WxShopValidationError],
    [1000011, WxShopNotFoundError],
    [-1, WxShopSystemError],
  ];
  for (const [code, ErrorClass] of cases) {
    const error = errorFromResponse(code, 'x rid: 00000000-00000000-00000000', '/shop/spu/get');
    assert.ok(error instanceof ErrorClass, `${code} is a ${ErrorClass.name}`);
    assert.equal(error.family, explain(code)?.family);
  }
});
