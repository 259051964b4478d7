import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createSandbox } from '@wxshop/sandbox';
import { admin, APPID, call, startSandbox, type TestSandbox } from './helpers.js';
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
 * decrypted XML message's field names in order, and their text.
 */
function openPush(request: ReceivedRequest): { keys: string[]; fields: Record<string, string> } {
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
  const keys = Object.keys(message);
  return { keys, fields: Object.fromEntries(keys.map((key) => [key, xmlText(message, key)])) };
}

function openTicketPush(request: ReceivedRequest): { AppId: string; CreateTime: string; InfoType: string; ComponentVerifyTicket: string } {
  const { keys, fields } = openPush(request);
  assert.deepEqual(keys, ['AppId', 'CreateTime', 'InfoType', 'ComponentVerifyTicket']);
  return { AppId: fields.AppId!, CreateTime: fields.CreateTime!, InfoType: fields.InfoType!, ComponentVerifyTicket: fields.ComponentVerifyTicket! };
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

    // The third-party platform's server now requests its token with the ticket it received.
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

describe('authorization change notices', () => {
  const AUTHORIZATIONS = `/components/${COMPONENT_APPID}/authorizations`;
  const CODE_INVALID = 'code is invalid';

  /** Gets a component_access_token as the platform's server does, with a freshly pushed ticket. */
  async function componentToken(): Promise<string> {
    const ticket = await pushTicketNow();
    await runPushes();
    const token = await call(sandbox.url, '/cgi-bin/component/api_component_token', {
      component_appid: COMPONENT_APPID,
      component_appsecret: COMPONENT_SECRET,
      component_verify_ticket: ticket.component_verify_ticket,
    });
    assert.equal(typeof token.json.component_access_token, 'string', token.text);
    receiver.received.length = 0;
    return token.json.component_access_token as string;
  }

  /** Checks that one push arrived since the last reset, decrypts it and returns its keys and fields. */
  async function onlyNotice(): Promise<{ keys: string[]; fields: Record<string, string> }> {
    await runPushes();
    assert.equal(posts().length, 1, 'one POST for the one notice');
    return openPush(posts()[0]!);
  }

  async function queryAuth(token: string, code: string) {
    return call(sandbox.url, '/cgi-bin/component/api_query_auth', { component_appid: COMPONENT_APPID, authorization_code: code }, { query: { component_access_token: token } });
  }

  /** Exchanges a code that must work; returns `authorization_info`. */
  async function exchange(token: string, code: string): Promise<Record<string, any>> {
    const response = await queryAuth(token, code);
    assert.ok(response.json.authorization_info, response.text);
    return response.json.authorization_info as Record<string, any>;
  }

  async function eventById(id: number) {
    const events = await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}/push/events?limit=20`);
    return events.json.events.find((event: { id: number }) => event.id === id);
  }

  test('consent, update and cancellation notices', async () => {
    const token = await componentToken();
    const preauth = await call(sandbox.url, '/cgi-bin/component/api_create_preauthcode', { component_appid: COMPONENT_APPID }, { query: { component_access_token: token } });
    const preAuthCode = preauth.json.pre_auth_code as string;
    assert.equal(typeof preAuthCode, 'string', preauth.text);

    // The merchant consents on the page opened with the pre_auth_code.
    const consent = await admin(sandbox.url, 'POST', AUTHORIZATIONS, { authorizer_appid: APPID, func_info: [85], pre_auth_code: preAuthCode });
    assert.equal(consent.status, 201, JSON.stringify(consent.json));
    assert.equal(consent.json.info_type, 'authorized');
    assert.equal(typeof consent.json.event_id, 'number');
    const authorized = await onlyNotice();
    assert.deepEqual(authorized.keys, ['AppId', 'CreateTime', 'InfoType', 'AuthorizerAppid', 'AuthorizationCode', 'AuthorizationCodeExpiredTime', 'PreAuthCode']);
    assert.equal(authorized.fields.AppId, COMPONENT_APPID);
    assert.equal(authorized.fields.InfoType, 'authorized');
    assert.equal(authorized.fields.AuthorizerAppid, APPID);
    assert.equal(authorized.fields.PreAuthCode, preAuthCode);
    assert.equal(authorized.fields.AuthorizationCode, consent.json.authorization_code);
    assert.match(authorized.fields.AuthorizationCodeExpiredTime!, /^\d{10}$/);
    assert.equal(Number(authorized.fields.AuthorizationCodeExpiredTime) - Number(authorized.fields.CreateTime), 3600, 'the code expires an hour after the notice');

    // The platform's server exchanges the code from the notice for the authorizer's tokens.
    const info = await exchange(token, authorized.fields.AuthorizationCode!);
    assert.equal(info.authorizer_appid, APPID);
    assert.deepEqual(info.func_info, [{ funcscope_category: { id: 85 } }]);
    const listed = await call(sandbox.url, '/shop/spu/get_list', { page: 1, page_size: 10, need_edit_spu: 1 }, { token: info.authorizer_access_token });
    assert.equal(listed.json.errcode, 0, listed.text);
    assert.equal((await queryAuth(token, authorized.fields.AuthorizationCode!)).json.errcode, 61009, 'the code works once');

    const logged = await eventById(consent.json.event_id);
    assert.equal(logged.info_type, 'authorized');
    assert.equal(logged.state, 'delivered');
    assert.equal(logged.message.AuthorizationCode, consent.json.authorization_code);
    assert.deepEqual(
      logged.deliveries.map((delivery: { outcome: string; mode: string; format: string }) => [delivery.outcome, delivery.mode, delivery.format]),
      [['delivered', 'secure', 'xml']],
    );

    // The merchant changes the granted sets: an updateauthorized notice, no pre_auth_code this time.
    receiver.received.length = 0;
    const updated = await admin(sandbox.url, 'PUT', `${AUTHORIZATIONS}/${APPID}`, { func_info: [17, 85] });
    assert.equal(updated.status, 200, JSON.stringify(updated.json));
    assert.equal(updated.json.info_type, 'updateauthorized');
    const update = await onlyNotice();
    assert.deepEqual(update.keys, ['AppId', 'CreateTime', 'InfoType', 'AuthorizerAppid', 'AuthorizationCode', 'AuthorizationCodeExpiredTime']);
    assert.equal(update.fields.InfoType, 'updateauthorized');
    assert.equal(update.fields.AuthorizerAppid, APPID);
    assert.equal(update.fields.AuthorizationCode, updated.json.authorization_code);
    const reexchanged = await exchange(token, update.fields.AuthorizationCode!);
    assert.deepEqual(reexchanged.func_info, [{ funcscope_category: { id: 17 } }, { funcscope_category: { id: 85 } }]);
    assert.equal(reexchanged.authorizer_refresh_token, info.authorizer_refresh_token, 'an update keeps the refresh token');

    // Consenting again on the page while authorized is an update too.
    receiver.received.length = 0;
    const again = await admin(sandbox.url, 'POST', AUTHORIZATIONS, { authorizer_appid: APPID, func_info: [85] });
    assert.equal(again.status, 201, JSON.stringify(again.json));
    assert.equal(again.json.info_type, 'updateauthorized');
    assert.equal((await onlyNotice()).fields.InfoType, 'updateauthorized');

    // The merchant cancels: an unauthorized notice with the appid alone.
    receiver.received.length = 0;
    const cancelled = await admin(sandbox.url, 'DELETE', `${AUTHORIZATIONS}/${APPID}`);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
    assert.equal(cancelled.json.info_type, 'unauthorized');
    const unauthorized = await onlyNotice();
    assert.deepEqual(unauthorized.keys, ['AppId', 'CreateTime', 'InfoType', 'AuthorizerAppid']);
    assert.deepEqual({ InfoType: unauthorized.fields.InfoType, AuthorizerAppid: unauthorized.fields.AuthorizerAppid }, { InfoType: 'unauthorized', AuthorizerAppid: APPID });
    assert.equal((await eventById(cancelled.json.event_id)).state, 'delivered');

    // The authorizer token stops working.
    assert.equal((await call(sandbox.url, '/shop/spu/get_list', { page: 1, page_size: 10, need_edit_spu: 1 }, { token: info.authorizer_access_token })).json.errcode, 40001);

    // Nothing to update or cancel any more, and nothing is pushed for it.
    receiver.received.length = 0;
    assert.equal((await admin(sandbox.url, 'PUT', `${AUTHORIZATIONS}/${APPID}`, { func_info: [85] })).status, 404);
    assert.equal((await admin(sandbox.url, 'DELETE', `${AUTHORIZATIONS}/${APPID}`)).status, 404);
    await runPushes();
    assert.equal(posts().length, 0);

    // Authorizing after a cancellation is a new authorization, with a new refresh token.
    const renewed = await admin(sandbox.url, 'POST', AUTHORIZATIONS, { authorizer_appid: APPID });
    assert.equal(renewed.json.info_type, 'authorized');
    const renewal = await onlyNotice();
    assert.equal(renewal.fields.InfoType, 'authorized');
    assert.ok(!renewal.keys.includes('PreAuthCode'), 'no pre_auth_code was used');
    const renewedInfo = await exchange(token, renewal.fields.AuthorizationCode!);
    assert.notEqual(renewedInfo.authorizer_refresh_token, info.authorizer_refresh_token);
    // A code from before the cancellation, never exchanged, does not revive with the new consent.
    const stale = await queryAuth(token, again.json.authorization_code);
    assert.equal(stale.json.errcode, 61009, stale.text);
    assert.ok((stale.json.errmsg as string).startsWith(CODE_INVALID), stale.text);
  });

  test('rejected consent pushes nothing', async () => {
    const token = await componentToken();
    const before = await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}`);
    const latest = (await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}/push/events?limit=1`)).json.events[0].id;

    const forged = await admin(sandbox.url, 'POST', AUTHORIZATIONS, { authorizer_appid: APPID, func_info: [17], pre_auth_code: 'preauthcode@@@forged' });
    assert.equal(forged.status, 400);
    assert.equal(forged.json.error.code, 'invalid_authorization');
    assert.equal((await admin(sandbox.url, 'PUT', `${AUTHORIZATIONS}/${APPID}`, { func_info: [] })).json.error.code, 'invalid_func_info');
    assert.equal((await admin(sandbox.url, 'PUT', `${AUTHORIZATIONS}/${APPID}`, { func_info: [85], scope: 'all' })).json.error.code, 'unknown_field');
    assert.equal((await admin(sandbox.url, 'PUT', `${AUTHORIZATIONS}/${APPID}`, {})).json.error.code, 'invalid_func_info');
    assert.equal((await admin(sandbox.url, 'PUT', `/components/wx00000000000000ff/authorizations/${APPID}`, { func_info: [85] })).status, 404);

    // A valid pre_auth_code stays unused when the update it came with is rejected.
    const preauth = await call(sandbox.url, '/cgi-bin/component/api_create_preauthcode', { component_appid: COMPONENT_APPID }, { query: { component_access_token: token } });
    const rejected = await admin(sandbox.url, 'PUT', `${AUTHORIZATIONS}/wx00000000000000b9`, { func_info: [85], pre_auth_code: preauth.json.pre_auth_code });
    assert.equal(rejected.status, 404);
    assert.equal(rejected.json.error.code, 'authorization_not_found');
    const update = await admin(sandbox.url, 'PUT', `${AUTHORIZATIONS}/${APPID}`, { func_info: [85, 17], pre_auth_code: preauth.json.pre_auth_code });
    assert.equal(update.status, 200, JSON.stringify(update.json));

    const after = await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}`);
    const sets = (response: { json: any }) => response.json.authorizations.map((a: { authorizer_appid: string; func_info: number[] }) => [a.authorizer_appid, a.func_info]);
    assert.deepEqual(sets(before), [[APPID, [85]]]);
    assert.deepEqual(sets(after), [[APPID, [17, 85]]]);
    await runPushes();
    assert.equal(posts().length, 1, 'only the accepted update is pushed');
    const notice = openPush(posts()[0]!);
    assert.equal(notice.fields.InfoType, 'updateauthorized');
    assert.equal(notice.fields.PreAuthCode, preauth.json.pre_auth_code);
    const events = (await admin(sandbox.url, 'GET', `/components/${COMPONENT_APPID}/push/events?limit=5`)).json.events;
    assert.deepEqual(events.filter((event: { id: number }) => event.id > latest).map((event: { info_type: string }) => event.info_type), ['updateauthorized']);
  });

  test('failed notice retried and redelivered', async () => {
    const token = await componentToken();
    receiver.respond(() => ({ status: 500, body: 'busy' }));
    const cancelled = await admin(sandbox.url, 'DELETE', `${AUTHORIZATIONS}/${APPID}`);
    assert.equal(cancelled.status, 200);
    const consent = await admin(sandbox.url, 'POST', AUTHORIZATIONS, { authorizer_appid: APPID });
    assert.equal(consent.json.info_type, 'authorized');
    await runPushes();
    assert.equal(posts().length, 6, 'three attempts for each of the two notices');
    assert.equal((await eventById(consent.json.event_id)).state, 'failed');
    assert.equal((await eventById(cancelled.json.event_id)).state, 'failed');

    receiver.respond(() => ({ status: 200, body: 'success' }));
    receiver.received.length = 0;
    const redelivered = await admin(sandbox.url, 'POST', `/components/${COMPONENT_APPID}/push/events/${consent.json.event_id}/redeliver`);
    assert.equal(redelivered.json.event.state, 'delivered');
    const notice = openPush(posts()[0]!);
    assert.equal(notice.fields.InfoType, 'authorized');
    assert.equal((await exchange(token, notice.fields.AuthorizationCode!)).authorizer_appid, APPID);
  });

  test('consent without push URL', async () => {
    const other = 'wx00000000000000c9';
    const otherSecret = 'c9c9c9c9c9c9c9c9c9c9c9c9c9c9c9c9';
    assert.equal((await admin(sandbox.url, 'POST', '/components', { component_appid: other, secret: otherSecret })).status, 201);
    const consent = await admin(sandbox.url, 'POST', `/components/${other}/authorizations`, { authorizer_appid: APPID });
    assert.equal(consent.status, 201);
    assert.deepEqual([consent.json.info_type, consent.json.event_id], ['authorized', null]);
    const cancelled = await admin(sandbox.url, 'DELETE', `/components/${other}/authorizations/${APPID}`);
    assert.deepEqual(cancelled.json, { ok: true, info_type: 'unauthorized', event_id: null });
    await runPushes();
    assert.equal(posts().length, 0);
    assert.deepEqual((await admin(sandbox.url, 'GET', `/components/${other}/push/events`)).json.events, []);
  });
});
