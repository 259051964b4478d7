// The SDK's push handler receives real pushes from a running sandbox, in every mode and format:
// the echostr check when the settings are saved, then an order event verified and decrypted.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { answerPush, isPushEvent, type DecodedPush, type PushEvent } from '@wxshop/client';
import { admin, APPID, startSandbox, type RunningSandbox } from './helpers.js';

const TOKEN = 'pushtoken123';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const BIG_ORDER_ID = '3302968738500045089';

let running: RunningSandbox;
const received: { event: PushEvent; push: DecodedPush }[] = [];
const rejected: unknown[] = [];
let receiverUrl = '';
// A receiver for plaintext pushes has no EncodingAESKey; with one it refuses unencrypted bodies.
let receiverKey: string | undefined;
const receiver = createServer(async (request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const query = Object.fromEntries(new URL(request.url ?? '/', 'http://127.0.0.1').searchParams);
  const answer = await answerPush(request.method ?? 'POST', { query, body: Buffer.concat(chunks).toString('utf8') }, {
    token: TOKEN,
    encodingAESKey: receiverKey,
    appid: APPID,
    onEvent: (event, push) => {
      received.push({ event, push });
    },
    onError: (error) => rejected.push(error),
  });
  response.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
});

before(async () => {
  running = await startSandbox();
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const address = receiver.address() as { port: number };
  receiverUrl = `http://127.0.0.1:${address.port}/wx/push`;
});

after(async () => {
  receiver.close();
  await running?.close();
});

for (const [mode, format] of [['plaintext', 'json'], ['compatible', 'xml'], ['secure', 'json'], ['secure', 'xml']] as const) {
  test(`${mode} ${format} push is verified and decoded`, async () => {
    receiverKey = mode === 'plaintext' ? undefined : AES_KEY;
    rejected.length = 0;
    // Saving the settings makes the sandbox send the echostr check, which the handler must pass.
    const saved = await admin(running.url, 'PUT', `/apps/${APPID}/push`, { url: receiverUrl, token: TOKEN, encoding_aes_key: AES_KEY, format, mode });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));

    received.length = 0;
    const sent = await admin(running.url, 'POST', `/apps/${APPID}/push/events`, {
      event: 'open_product_order_pay',
      fields: { order_id: BIG_ORDER_ID, out_order_id: 'PUSH-1', transaction_id: '4200000001', pay_time: '2026-12-05 08:00:00', amount: 2800 },
    });
    assert.ok(sent.status >= 200 && sent.status < 300, JSON.stringify(sent.json));
    assert.equal((await admin(running.url, 'POST', '/push/run')).status, 200);

    assert.deepEqual(rejected, []);
    assert.equal(received.length, 1);
    const { event, push } = received[0]!;
    assert.equal(push.mode, mode);
    assert.equal(push.format, format);
    assert.ok(isPushEvent(event, 'open_product_order_pay'));
    assert.equal(String(event.order_info.order_id), BIG_ORDER_ID);
    assert.equal(event.order_info.out_order_id, 'PUSH-1');
  });
}
