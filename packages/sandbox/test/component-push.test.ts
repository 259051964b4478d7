import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createSandbox } from '@wxshop/sandbox';
import { admin, call, startSandbox, type TestSandbox } from './helpers.js';
import { decryptMessage, parseXml, startReceiver, wechatSignature, xmlText, type Receiver, type ReceivedRequest } from './push-receiver.js';

const COMPONENT_APPID = 'wx00000000000000c7';
const COMPONENT_SECRET = 'c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7';
const TOKEN = 'ticketToken2026';
// 43 characters: base64 of 32 bytes without the trailing "=".
const AES_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

let sandbox: TestSandbox;
let receiver: Receiver;

before(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver('/open/auth-events');
  const created = await admin(sandbox.url, 'POST', '/components', { component_appid: COMPONENT_APPID, secret: COMPONENT_SECRET });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const configured = await admin(sandbox.url, 'PUT', `/components/${COMPONENT_APPID}/push`, { url: receiver.url, token: TOKEN, encoding_aes_key: AES_KEY });
  assert.equal(configured.status, 200, JSON.stringify(configured.json));
});

after(async () => {
  await sandbox.close();
  await receiver.close();
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.respond(() => ({ status: 200, body: 'success' }));
});

async function runPushes(url = sandbox.url): Promise<void> {
  const response = await admin(url, 'POST', '/push/run');
  assert.equal(response.status, 200);
}

async function pushTicketNow(): Promise<{ component_verify_ticket: string; event_id: number | null }> {
  const response = await admin(sandbox.url, 'POST', `/components/${COMPONENT_APPID}/ticket`);
  assert.equal(response.status, 201, JSON.stringify(response.json));
  return response.json;
}

function posts(): ReceivedRequest[] {
  return receiver.received.filter((request) => request.method === 'POST');
}

/**
 * Opens a push to the authorization-event URL as a third-party platform's server does: checks
 * `signature` and `msg_signature`, then decrypts `Encrypt` with the EncodingAESKey. Returns the
 * decrypted XML message's fields.
 */
function openTicketPush(request: ReceivedRequest): { AppId: string; CreateTime: string; InfoType: string; ComponentVerifyTicket: string } {
  const query = request.url.searchParams;
  const timestamp = query.get('timestamp')!;
  const nonce = query.get('nonce')!;
  assert.match(timestamp, /^\d{10}$/);
  assert.match(nonce, /^\d+$/);
  assert.equal(query.get('signature'), wechatSignature(TOKEN, timestamp, nonce));
  assert.equal(query.get('encrypt_type'), 'aes');
  assert.match(request.contentType, /xml/);

  const envelope = parseXml(request.body);
  assert.deepEqual(Object.keys(envelope).sort(), ['AppId', 'Encrypt'], 'the body holds only AppId and Encrypt');
  assert.equal(xmlText(envelope, 'AppId'), COMPONENT_APPID);
  const encrypted = xmlText(envelope, 'Encrypt');
  assert.equal(query.get('msg_signature'), wechatSignature(TOKEN, timestamp, nonce, encrypted));

  const opened = decryptMessage(AES_KEY, encrypted);
  assert.equal(opened.appid, COMPONENT_APPID, 'the plaintext ends with the component_appid');
  assert.equal(opened.padded.length % 32, 0, 'padded to 32-byte blocks');
  const message = parseXml(opened.message);
  assert.deepEqual(Object.keys(message), ['AppId', 'CreateTime', 'InfoType', 'ComponentVerifyTicket']);
  return {
    AppId: xmlText(message, 'AppId'),
    CreateTime: xmlText(message, 'CreateTime'),
    InfoType: xmlText(message, 'InfoType'),
    ComponentVerifyTicket: xmlText(message, 'ComponentVerifyTicket'),
  };
}

describe('component_verify_ticket pushes', () => {
  test('the push settings are checked', async () => {
    const path = `/components/${COMPONENT_APPID}/push`;
    const badKey = await admin(sandbox.url, 'PUT', path, { url: receiver.url, token: TOKEN, encoding_aes_key: 'short' });
    assert.equal(badKey.status, 400);
    assert.equal(badKey.json.error.code, 'invalid_push_settings');
    assert.equal((await admin(sandbox.url, 'PUT', path, { url: receiver.url, token: TOKEN })).status, 400, 'the key is required: pushes are always encrypted');
    assert.equal((await admin(sandbox.url, 'PUT', path, { url: 'ftp://127.0.0.1/x', token: TOKEN, encoding_aes_key: AES_KEY })).status, 400);
    assert.equal((await admin(sandbox.url, 'PUT', path, { url: receiver.url, token: TOKEN, encoding_aes_key: AES_KEY, format: 'json' })).status, 400);
    assert.equal((await admin(sandbox.url, 'PUT', '/components/wx00000000000000ff/push', { url: receiver.url, token: TOKEN, encoding_aes_key: AES_KEY })).status, 404);
    const stored = await admin(sandbox.url, 'GET', path);
    assert.deepEqual(
      { url: stored.json.push.url, token: stored.json.push.token, encoding_aes_key: stored.json.push.encoding_aes_key },
      { url: receiver.url, token: TOKEN, encoding_aes_key: AES_KEY },
      'a rejected change keeps the settings',
    );
  });

  test('ticket on demand decrypts and gets token', async () => {
    const issued = await pushTicketNow();
    assert.equal(typeof issued.event_id, 'number');
    await runPushes();
    assert.equal(posts().length, 1);
    const message = openTicketPush(posts()[0]!);
    assert.equal(message.AppId, COMPONENT_APPID);
    assert.equal(message.InfoType, 'component_verify_ticket');
    assert.equal(message.ComponentVerifyTicket, issued.component_verify_ticket);
    const clock = await admin(sandbox.url, 'GET', '/clock');
    assert.ok(Math.abs(Number(message.CreateTime) - Math.floor(clock.json.now_ms / 1000)) < 5, 'CreateTime is the sandbox time in seconds');

    // The third-party platform's server now asks for its token with the ticket it received.
    const token = await call(sandbox.url, '/cgi-bin/component/api_component_token', {
      component_appid: COMPONENT_APPID,
      component_appsecret: COMPONENT_SECRET,
      component_verify_ticket: message.ComponentVerifyTicket,
    });
    assert.equal(typeof token.json.component_access_token, 'string', token.text);
    assert.equal(token.json.expires_in, 7200);

    const events = await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}/push/events?limit=1`);
    assert.equal(events.status, 200);
    const [event] = events.json.events;
    assert.equal(event.id, issued.event_id);
    assert.equal(event.info_type, 'component_verify_ticket');
    assert.equal(event.state, 'delivered');
    assert.equal(event.message.ComponentVerifyTicket, issued.component_verify_ticket);
    assert.equal(event.deliveries.length, 1);
    assert.equal(event.deliveries[0].outcome, 'delivered');
    assert.equal(event.deliveries[0].mode, 'secure');
    assert.equal(event.deliveries[0].format, 'xml');
  });

  test('a new ticket every 10 minutes of sandbox time', async () => {
    await pushTicketNow();
    await runPushes();
    receiver.received.length = 0;

    const early = await admin(sandbox.url, 'POST', '/clock/advance', { seconds: 9 * 60 });
    assert.equal(early.json.component_tickets_pushed, 0);
    const due = await admin(sandbox.url, 'POST', '/clock/advance', { seconds: 60 });
    assert.equal(due.json.component_tickets_pushed, 1);
    const again = await admin(sandbox.url, 'POST', '/clock/advance', { seconds: 0 });
    assert.equal(again.json.component_tickets_pushed, 0, 'the next one is due 10 minutes later');
    await runPushes();
    assert.equal(posts().length, 1);
    const message = openTicketPush(posts()[0]!);
    const latest = await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}`);
    assert.equal(message.ComponentVerifyTicket, latest.json.latest_ticket.component_verify_ticket);
  });

  test('api_start_push_ticket pushes a ticket to the URL', async () => {
    const started = await call(sandbox.url, '/cgi-bin/component/api_start_push_ticket', { component_appid: COMPONENT_APPID, component_secret: COMPONENT_SECRET });
    assert.deepEqual(started.json, { errcode: 0, errmsg: 'ok' });
    await runPushes();
    assert.equal(posts().length, 1);
    assert.equal(openTicketPush(posts()[0]!).InfoType, 'component_verify_ticket');
  });

  test('non-success reply fails after three attempts', async () => {
    receiver.respond(() => ({ status: 200, body: '' }));
    const issued = await pushTicketNow();
    await runPushes();
    assert.equal(posts().length, 3);
    const events = await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}/push/events?limit=1`);
    const [event] = events.json.events;
    assert.equal(event.id, issued.event_id);
    assert.equal(event.state, 'failed');
    assert.deepEqual(
      event.deliveries.map((delivery: { attempt: number; outcome: string; error: string }) => [delivery.attempt, delivery.outcome, delivery.error]),
      [1, 2, 3].map((attempt) => [attempt, 'failed', 'the reply is not "success"']),
    );
    // Redelivery makes a fresh round of attempts; this time the URL replies success.
    receiver.respond(() => ({ status: 200, body: 'success' }));
    receiver.received.length = 0;
    const redelivered = await admin(sandbox.url, 'POST', `/components/${COMPONENT_APPID}/push/events/${issued.event_id}/redeliver`);
    assert.equal(redelivered.status, 200, JSON.stringify(redelivered.json));
    assert.equal(redelivered.json.event.state, 'delivered');
    assert.deepEqual(
      redelivered.json.event.deliveries.map((delivery: { attempt: number; outcome: string }) => [delivery.attempt, delivery.outcome]),
      [[1, 'failed'], [2, 'failed'], [3, 'failed'], [1, 'delivered']],
    );
    assert.equal(posts().length, 1);
    assert.equal(openTicketPush(posts()[0]!).ComponentVerifyTicket, issued.component_verify_ticket);
    assert.equal((await admin(sandbox.url, 'POST', `/components/${COMPONENT_APPID}/push/events/999999/redeliver`)).status, 404);

    // The ticket is valid all the same: the platform stored it before the push.
    const token = await call(sandbox.url, '/cgi-bin/component/api_component_token', {
      component_appid: COMPONENT_APPID,
      component_appsecret: COMPONENT_SECRET,
      component_verify_ticket: issued.component_verify_ticket,
    });
    assert.equal(typeof token.json.component_access_token, 'string', token.text);
  });

  test('platform pushes stay out of app lists', async () => {
    const created = await admin(sandbox.url, 'POST', '/apps', {});
    const events = await admin(sandbox.url, 'GET', `/apps/${created.json.app.appid}/push/events`);
    assert.deepEqual(events.json.events, []);
  });

  test('ticket without push settings is only stored', async () => {
    const other = 'wx00000000000000c8';
    assert.equal((await admin(sandbox.url, 'POST', '/components', { component_appid: other })).status, 201);
    const issued = await admin(sandbox.url, 'POST', `/components/${other}/ticket`);
    assert.equal(issued.json.event_id, null);
    await runPushes();
    assert.equal(posts().length, 0);
    assert.deepEqual((await admin(sandbox.url, 'GET', `/components/${other}/push/events`)).json.events, []);
    assert.equal((await admin(sandbox.url, 'GET', `/components/${other}/push`)).json.push, null);
  });

  test('two instances push each ticket once', async () => {
    await pushTicketNow();
    await runPushes();
    receiver.received.length = 0;
    const second = await createSandbox({ storage: { url: sandbox.dbUrl }, backgroundIntervalMs: 0 });
    try {
      const secondUrl = await second.listen('127.0.0.1', 0);
      // Move the shared clock without running timed work, then let both instances run it at once.
      await sandbox.sandbox.services.clock.advance(10 * 60 * 1000);
      const [first, other] = await Promise.all([
        admin(sandbox.url, 'POST', '/clock/advance', { seconds: 0 }),
        admin(secondUrl, 'POST', '/clock/advance', { seconds: 0 }),
      ]);
      // One ticket per third-party platform, each pushed by one of the two instances.
      const platforms = (await admin(sandbox.url, 'GET', '/components')).json.components.length;
      assert.equal(first.json.component_tickets_pushed + other.json.component_tickets_pushed, platforms);
      await Promise.all([runPushes(), runPushes(secondUrl)]);
      assert.equal(posts().length, 1, 'one POST for the one ticket');
      const [event] = (await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}/push/events?limit=1`)).json.events;
      assert.equal(event.state, 'delivered');
      assert.equal(event.deliveries.length, 1);
    } finally {
      await second.close();
    }
  });
});
