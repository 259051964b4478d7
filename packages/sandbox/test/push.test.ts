import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { parseJson, type JsonValue } from '@wxshop/api';
import { createSandbox } from '@wxshop/sandbox';
import { admin, advanceClock, APPID, call, getToken, productBody, SECRET, startSandbox, tempDir, uploadImage, type TestSandbox } from './helpers.js';
import { decryptMessage, encryptMessage, parseXml, startReceiver, wechatSignature, xmlText, type Receiver, type ReceivedRequest } from './push-receiver.js';

const TOKEN = 'pushToken2026';
// 43 characters: base64 of 32 bytes without the trailing "=".
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const BIG_ORDER_ID = '3300000000000000001';

let sandbox: TestSandbox;
let receiver: Receiver;

before(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver();
});

after(async () => {
  await sandbox.close();
  await receiver.close();
});

beforeEach(async () => {
  receiver.received.length = 0;
  receiver.respond((request) =>
    request.method === 'GET' ? { status: 200, body: request.url.searchParams.get('echostr') ?? '' } : { status: 200, body: 'success' },
  );
});

async function configure(settings: Record<string, unknown>) {
  const response = await admin(sandbox.url, 'PUT', `/apps/${APPID}/push`, { url: receiver.url, token: TOKEN, ...settings });
  assert.equal(response.status, 200, JSON.stringify(response.json));
  receiver.received.length = 0;
  return response.json;
}

async function enqueue(event: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<number> {
  const response = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events`, { event, fields, ...extra });
  assert.equal(response.status, 201, JSON.stringify(response.json));
  return response.json.event.id as number;
}

async function runPushes(): Promise<void> {
  const response = await admin(sandbox.url, 'POST', '/push/run');
  assert.equal(response.status, 200);
}

async function eventDetail(id: number) {
  const response = await admin(sandbox.url, 'GET', `/apps/${APPID}/push/events/${id}`);
  assert.equal(response.status, 200);
  return response.json as { event: { state: string; attempts: number }; deliveries: { attempt: number; outcome: string; http_status: number | null; error: string; response_body: string; request_body: string }[] };
}

/** Returns the single POST the receiver got, failing when there is not exactly one. */
function onlyPost(): ReceivedRequest {
  const posts = receiver.received.filter((request) => request.method === 'POST');
  assert.equal(posts.length, 1, `expected one push, got ${posts.length}`);
  return posts[0]!;
}

/** Checks the query signature every push carries. */
function assertSigned(request: ReceivedRequest): void {
  const query = request.url.searchParams;
  const timestamp = query.get('timestamp')!;
  const nonce = query.get('nonce')!;
  assert.match(timestamp, /^\d{10}$/);
  assert.match(nonce, /^\d+$/);
  assert.equal(query.get('signature'), wechatSignature(TOKEN, timestamp, nonce));
}

/** Checks msg_signature and decrypts Encrypt; returns the plaintext message. */
function openEncrypted(request: ReceivedRequest, encrypted: string): string {
  const query = request.url.searchParams;
  assert.equal(query.get('encrypt_type'), 'aes');
  assert.equal(query.get('msg_signature'), wechatSignature(TOKEN, query.get('timestamp')!, query.get('nonce')!, encrypted));
  const opened = decryptMessage(AES_KEY, encrypted);
  assert.equal(opened.appid, APPID, 'the plaintext ends with the appid');
  assert.equal(opened.padded.length % 32, 0, 'padded to 32-byte blocks');
  assert.match(opened.random.toString('latin1'), /^[\x21-\x7e]{16}$/, '16 random printable bytes lead the plaintext');
  return opened.message;
}

const ORDER_PAY_FIELDS = { out_order_id: 'OUT-1', order_id: BIG_ORDER_ID, transaction_id: '4200001', pay_time: '2026-12-04 10:00:00', amount: 5900 };

describe('push settings and the echostr handshake', () => {
  test("the test's own signature matches the documented example", () => {
    assert.equal(wechatSignature('AAAAA', '1714036504', '1514711492'), 'f464b24fc39322e44b38aa78f5edd27bd1441696');
  });

  test('saving settings performs the handshake against the merchant URL', async () => {
    const response = await admin(sandbox.url, 'PUT', `/apps/${APPID}/push`, { url: receiver.url, token: TOKEN, format: 'json', mode: 'plaintext' });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    assert.equal(response.json.verification.delivered, true);
    const [get] = receiver.received;
    assert.equal(get?.method, 'GET');
    assertSigned(get!);
    assert.match(get!.url.searchParams.get('echostr')!, /^\d+$/);
    assert.equal(typeof response.json.push.verified_at, 'number');
  });

  test('failed echostr check keeps old settings', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    receiver.respond(() => ({ status: 200, body: 'hello' }));
    const response = await admin(sandbox.url, 'PUT', `/apps/${APPID}/push`, { url: receiver.url, token: 'otherToken', format: 'xml', mode: 'plaintext' });
    assert.equal(response.status, 422);
    assert.equal(response.json.error.code, 'verification_failed');
    const current = await admin(sandbox.url, 'GET', `/apps/${APPID}/push`);
    assert.equal(current.json.push.token, TOKEN);
    assert.equal(current.json.push.format, 'json');
  });

  test('the verify action repeats the handshake on demand', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const ok = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/verify`);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.verification.delivered, true);
    receiver.respond(() => ({ status: 500, body: '' }));
    const failed = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/verify`);
    assert.equal(failed.json.verification.delivered, false);
    assert.equal(failed.json.verification.error, 'HTTP 500');
  });

  test('settings are checked: token, key, mode and format', async () => {
    const cases: Record<string, unknown>[] = [
      { url: receiver.url, token: 'ab' },
      { url: 'ftp://127.0.0.1/x', token: TOKEN },
      { url: receiver.url, token: TOKEN, mode: 'secure' },
      { url: receiver.url, token: TOKEN, mode: 'secure', encoding_aes_key: 'short' },
      { url: receiver.url, token: TOKEN, format: 'yaml' },
      { url: receiver.url, token: TOKEN, colour: 'red' },
    ];
    for (const body of cases) {
      const response = await admin(sandbox.url, 'PUT', `/apps/${APPID}/push`, body);
      assert.equal(response.status, 400, JSON.stringify(body));
    }
  });
});

describe('push modes', () => {
  test('plaintext JSON: signed query, body is the event with exact int64 ids', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const id = await enqueue('open_product_order_pay', ORDER_PAY_FIELDS);
    await runPushes();
    const request = onlyPost();
    assertSigned(request);
    assert.equal(request.url.searchParams.get('encrypt_type'), null);
    assert.equal(request.url.searchParams.get('msg_signature'), null);
    assert.match(request.contentType, /application\/json/);
    assert.match(request.body, new RegExp(`"order_id":${BIG_ORDER_ID}[,}]`), 'order_id is a bare exact number');
    const message = parseJson(request.body) as Record<string, any>;
    assert.equal(message.MsgType, 'event');
    assert.equal(message.Event, 'open_product_order_pay');
    assert.equal(message.FromUserName.length > 0, true);
    assert.match(message.ToUserName, /^gh_/);
    assert.equal(typeof message.CreateTime, 'number');
    assert.equal(message.order_info.order_id, BigInt(BIG_ORDER_ID));
    assert.equal(message.order_info.amount, 5900);
    assert.equal((await eventDetail(id)).event.state, 'delivered');
  });

  test('plaintext XML: CDATA texts, bare numbers, repeated elements for lists', async () => {
    await configure({ format: 'xml', mode: 'plaintext' });
    await enqueue('open_product_scene_group_audit', {
      group_id: 1,
      reason: '审核通过',
      name: '视频号',
      scene_group_ext_list: [
        { ext_id: 1, status: 1, name: '绑定视频号' },
        { ext_id: 2, status: 2, name: '添加推广员' },
      ],
    });
    await runPushes();
    const request = onlyPost();
    assertSigned(request);
    assert.match(request.contentType, /xml/);
    assert.match(request.body, /^<xml>/);
    assert.match(request.body, /<MsgType><!\[CDATA\[event\]\]><\/MsgType>/);
    assert.match(request.body, /<CreateTime>\d+<\/CreateTime>/);
    assert.match(request.body, /<group_id>1<\/group_id>/);
    const xml = parseXml(request.body);
    assert.equal(xmlText(xml, 'Event'), 'open_product_scene_group_audit');
    const body = xml.SceneGroupAudit![0] as Record<string, any>;
    assert.equal(body.reason[0], '审核通过');
    assert.equal(body.scene_group_ext_list.length, 2);
    assert.equal(body.scene_group_ext_list[1].name[0], '添加推广员');
    assert.equal(body.scene_group_ext_list[1].status[0], '2');
  });

  test('compatible JSON: plaintext fields plus Encrypt, both signatures', async () => {
    await configure({ format: 'json', mode: 'compatible', encoding_aes_key: AES_KEY });
    await enqueue('open_product_order_pay', ORDER_PAY_FIELDS);
    await runPushes();
    const request = onlyPost();
    assertSigned(request);
    const envelope = parseJson(request.body) as Record<string, any>;
    assert.equal(envelope.Event, 'open_product_order_pay');
    assert.equal(envelope.order_info.order_id, BigInt(BIG_ORDER_ID));
    const inner = parseJson(openEncrypted(request, envelope.Encrypt)) as Record<string, any>;
    const { Encrypt: _encrypt, ...plainFields } = envelope;
    assert.deepEqual(inner, plainFields, 'the encrypted message equals the plaintext part');
  });

  test('secure JSON: only ToUserName and Encrypt in the body', async () => {
    await configure({ format: 'json', mode: 'secure', encoding_aes_key: AES_KEY });
    await enqueue('open_product_order_pay', ORDER_PAY_FIELDS);
    await runPushes();
    const request = onlyPost();
    assertSigned(request);
    const envelope = parseJson(request.body) as Record<string, any>;
    assert.deepEqual(Object.keys(envelope).sort(), ['Encrypt', 'ToUserName']);
    const plaintext = openEncrypted(request, envelope.Encrypt);
    assert.match(plaintext, new RegExp(`"order_id":${BIG_ORDER_ID}[,}]`));
    const inner = parseJson(plaintext) as Record<string, any>;
    assert.equal(inner.ToUserName, envelope.ToUserName);
    assert.equal(inner.Event, 'open_product_order_pay');
  });

  test('secure XML: <xml> with ToUserName and Encrypt; the plaintext is XML', async () => {
    await configure({ format: 'xml', mode: 'secure', encoding_aes_key: AES_KEY });
    await enqueue('open_product_spu_audit', { out_product_id: 'P-1', product_id: '4100000001', status: 4, spu_status: 5, reject_reason: '' });
    await runPushes();
    const request = onlyPost();
    assertSigned(request);
    const envelope = parseXml(request.body);
    assert.deepEqual(Object.keys(envelope).sort(), ['Encrypt', 'ToUserName']);
    const plaintext = openEncrypted(request, xmlText(envelope, 'Encrypt'));
    assert.match(plaintext, /<product_id>4100000001<\/product_id>/);
    const inner = parseXml(plaintext);
    assert.equal(xmlText(inner, 'Event'), 'open_product_spu_audit');
    assert.equal((inner.OpenProductSpuAudit![0] as Record<string, any>).out_product_id[0], 'P-1');
  });

  test('compatible XML: the plaintext elements and Encrypt side by side', async () => {
    await configure({ format: 'xml', mode: 'compatible', encoding_aes_key: AES_KEY });
    await enqueue('open_product_account_register', { status: 2 });
    await runPushes();
    const request = onlyPost();
    const envelope = parseXml(request.body);
    assert.equal(xmlText(envelope, 'Event'), 'open_product_account_register');
    const inner = parseXml(openEncrypted(request, xmlText(envelope, 'Encrypt')));
    assert.equal(((inner.OpenProductAccountRegister![0] as Record<string, any>).status[0]), '2');
  });
});

describe('every pushed event type', () => {
  // Each event of the platform's documentation with the element that carries its body.
  const events: [string, string | null, Record<string, unknown>][] = [
    ['open_product_account_register', 'OpenProductAccountRegister', { status: 10 }],
    ['open_product_category_audit', 'QualificationAuditResult', { audit_id: 'A1', status: 1, audit_type: 2, reject_reason: '' }],
    ['open_product_brand_audit', 'QualificationAuditResult', { audit_id: 'A2', status: 1, audit_type: 1, reject_reason: '', brand_id: 2100000001 }],
    ['open_product_scene_group_audit', 'SceneGroupAudit', { group_id: 1, reason: '', name: '视频号', scene_group_ext_list: [{ ext_id: 1, status: 1, name: '绑定视频号' }] }],
    ['open_product_spu_audit', 'OpenProductSpuAudit', { out_product_id: 'P', product_id: 4100000001, status: 3, spu_status: 0, reject_reason: '图片不清晰' }],
    ['open_product_spu_status_update', 'OpenProductSpuStatusUpdate', { out_product_id: 'P', product_id: 4100000001, status: 13, reason: '违规' }],
    ['open_product_order_pay', 'order_info', ORDER_PAY_FIELDS],
    ['open_product_order_cancel', 'order_info', { out_order_id: 'O', order_id: BIG_ORDER_ID }],
    ['open_product_order_confirm', 'order_info', { out_order_id: 'O', order_id: BIG_ORDER_ID }],
    ['open_product_order_settle', 'order_info', { out_order_id: 'O', order_id: BIG_ORDER_ID, settle_no: 'S1', amount: 5900, settle_time: '2026-12-20 00:00:00' }],
    ['open_product_order_refund', 'order_info', { out_order_id: 'O', order_id: BIG_ORDER_ID }],
    ['open_product_order_analyze', 'order_info', { out_order_id: 'O', order_id: BIG_ORDER_ID, openid: 'oBuyer' }],
    ...[
      'aftersale_new_order',
      'aftersale_update_order',
      'aftersale_user_cancel',
      'aftersale_wait_merchant_confirm_receipt',
      'aftersale_user_modify_return_info',
      'aftersale_user_cancel_waybill',
      'aftersale_refund_success',
      'aftersale_wait_merchant_offline_refund',
      'aftersale_user_confirm_refund_certificate',
      'aftersale_merchant_handle_refund_overdue',
      'aftersale_merchant_handle_return_overdue',
      'aftersale_merchant_confirm_receipt_overdue',
      'aftersale_user_upload_return_info_overdue',
      'aftersale_user_apply_platform_judge_overdue',
      'aftersale_complaint_update_order_state',
    ].map((name): [string, string, Record<string, unknown>] => [name, 'aftersale_info', { aftersale_id: '3200000000000000042', out_aftersale_id: 'AS-1' }]),
    ['complaint_notify', 'complaint_info', { complaint_order_id: 5001, state: 1 }],
    ['funds_order_pay', 'order_info', { trade_no: 'T1', transaction_id: '42', pay_time: '2026-12-04 10:00:00' }],
    ['funds_order_refund', 'order_info', { refund_no: 'R1', status: 1, success_time: '2026-12-04 10:00:00' }],
    ['funds_order_profitsharing', 'order_info', { profit_sharing_no: 'PS1', amount: 100, result: 'SUCCESS', finish_time: '2026-12-04 10:00:00' }],
    ['open_product_receive_coupon', null, { out_coupon_id: 'C1', request_id: 'REQ1' }],
    ['miniprogram_sharer_bind_status_change', null, { openid: 'oSharer', bind_status: 1 }],
    ['miniprogram_sharer_action', null, { type: 2, openid: 'oSharer', promoter: { finder_nickname: '推广员', promoter_id: 'pid', promoter_openid: 'oPromoter' } }],
  ];

  for (const format of ['json', 'xml'] as const) {
    test(`each event renders in ${format} with its body element`, async () => {
      await configure({ format, mode: 'plaintext' });
      for (const [event, element, fields] of events) {
        receiver.received.length = 0;
        await enqueue(event, fields, event === 'open_product_receive_coupon' ? { from_user_name: 'oBuyer' } : {});
        await runPushes();
        const request = onlyPost();
        assertSigned(request);
        if (format === 'json') {
          const message = parseJson(request.body) as Record<string, any>;
          assert.equal(message.Event, event);
          assert.equal(message.MsgType, 'event');
          const body = element === null ? message : message[element];
          assert.equal(typeof body, 'object', `${event} has ${element}`);
          for (const key of Object.keys(fields)) assert.notEqual(body[key], undefined, `${event}.${key}`);
          if ('aftersale_id' in fields) assert.equal(body.aftersale_id, 3200000000000000042n);
          if ('order_id' in fields) assert.equal(body.order_id, BigInt(BIG_ORDER_ID));
        } else {
          const message = parseXml(request.body);
          assert.equal(xmlText(message, 'Event'), event);
          const body = element === null ? message : (message[element]![0] as Record<string, unknown>);
          for (const key of Object.keys(fields)) assert.notEqual(body[key], undefined, `${event}.${key}`);
          if ('order_id' in fields) assert.match(request.body, new RegExp(`<order_id>${BIG_ORDER_ID}</order_id>`));
        }
        if (event === 'open_product_receive_coupon') assert.equal(request.url.searchParams.get('openid'), 'oBuyer', 'a buyer event carries openid');
        else assert.equal(request.url.searchParams.get('openid'), null);
      }
    });
  }
});

describe('delivery, retries and redelivery', () => {
  test('a product audit pushes open_product_spu_audit by itself', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const token = await getToken(sandbox.url);
    const image = await uploadImage(sandbox.url, token);
    const added = await call(sandbox.url, '/shop/spu/add', productBody('PUSH-1', image), { token });
    assert.equal(added.json.errcode, 0, added.text);
    await advanceClock(sandbox.url, 60);
    await runPushes();
    const message = parseJson(onlyPost().body) as Record<string, any>;
    assert.equal(message.Event, 'open_product_spu_audit');
    assert.equal(message.OpenProductSpuAudit.out_product_id, 'PUSH-1');
    assert.equal(message.OpenProductSpuAudit.status, 4);
  });

  test('a failing URL gets three attempts, then the event is failed', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    receiver.respond(() => ({ status: 500, body: 'oops' }));
    const id = await enqueue('open_product_order_cancel', { out_order_id: 'O', order_id: BIG_ORDER_ID });
    await runPushes();
    assert.equal(receiver.received.length, 3);
    const detail = await eventDetail(id);
    assert.equal(detail.event.state, 'failed');
    assert.equal(detail.event.attempts, 3);
    assert.deepEqual(detail.deliveries.map((d) => d.attempt), [1, 2, 3]);
    for (const delivery of detail.deliveries) {
      assert.equal(delivery.outcome, 'failed');
      assert.equal(delivery.http_status, 500);
      assert.equal(delivery.response_body, 'oops');
    }
    // A later run does not try again on its own.
    await runPushes();
    assert.equal(receiver.received.length, 3);
  });

  test('non-success replies fail; third attempt succeeds', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    let count = 0;
    receiver.respond(() => {
      count++;
      return count === 1 ? { status: 200, body: 'fail' } : count === 2 ? { status: 502, body: '' } : { status: 200, body: '' };
    });
    const id = await enqueue('open_product_order_refund', { out_order_id: 'O', order_id: BIG_ORDER_ID });
    await runPushes();
    const detail = await eventDetail(id);
    assert.equal(detail.event.state, 'delivered');
    assert.deepEqual(detail.deliveries.map((d) => d.outcome), ['failed', 'failed', 'delivered']);
    assert.match(detail.deliveries[0]!.error, /success/);
  });

  test('an unreachable URL fails with the connection error', async () => {
    const closed = await startReceiver();
    await closed.close();
    const saved = await admin(sandbox.url, 'PUT', `/apps/${APPID}/push`, { url: closed.url, token: TOKEN, skip_verify: true });
    assert.equal(saved.status, 200);
    assert.equal(saved.json.push.verified_at, null);
    const id = await enqueue('open_product_order_refund', { out_order_id: 'O', order_id: 1 });
    await runPushes();
    const detail = await eventDetail(id);
    assert.equal(detail.event.state, 'failed');
    assert.equal(detail.deliveries.length, 3);
    assert.equal(detail.deliveries[0]!.http_status, null);
    assert.notEqual(detail.deliveries[0]!.error, '');
  });

  test('redeliver sends a failed event again with a fresh round', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    receiver.respond(() => ({ status: 503, body: '' }));
    const id = await enqueue('aftersale_refund_success', { aftersale_id: 1, out_aftersale_id: 'AS' });
    await runPushes();
    assert.equal((await eventDetail(id)).event.state, 'failed');
    receiver.respond(() => ({ status: 200, body: 'success' }));
    receiver.received.length = 0;
    const response = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events/${id}/redeliver`);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    assert.equal(response.json.event.state, 'delivered');
    assert.equal(response.json.deliveries.length, 4);
    assert.equal(response.json.deliveries[3].attempt, 1);
    assert.equal(receiver.received.length, 1);
    // A delivered event can be sent again too.
    const again = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events/${id}/redeliver`);
    assert.equal(again.json.deliveries.length, 5);
    const deliveredAt = again.json.event.delivered_at as number;
    assert.equal(typeof deliveredAt, 'number');
    // A redelivery that fails keeps the time of the earlier success.
    receiver.respond(() => ({ status: 500, body: '' }));
    const failed = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events/${id}/redeliver`);
    assert.equal(failed.json.event.state, 'failed');
    assert.equal(failed.json.event.delivered_at, deliveredAt);
  });

  test('events and deliveries are listed for the console', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const id = await enqueue('open_product_order_pay', ORDER_PAY_FIELDS);
    await runPushes();
    const events = await admin(sandbox.url, 'GET', `/apps/${APPID}/push/events?state=delivered&limit=5`);
    assert.equal(events.status, 200);
    const listed = events.json.events.find((event: { id: number }) => event.id === id);
    assert.equal(listed.message.order_info.order_id, BIG_ORDER_ID, 'int64 ids are strings in the admin API');
    const deliveries = await admin(sandbox.url, 'GET', `/apps/${APPID}/push/deliveries?event_id=${id}`);
    assert.equal(deliveries.json.deliveries.length, 1);
    assert.equal(deliveries.json.deliveries[0].http_status, 200);
    assert.equal(typeof deliveries.json.deliveries[0].duration_ms, 'number');
    assert.equal((await admin(sandbox.url, 'GET', `/apps/${APPID}/push/events/999999`)).status, 404);
    assert.equal((await admin(sandbox.url, 'GET', `/apps/${APPID}/push/events?state=odd`)).status, 400);
    const badField = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events`, { event: 'open_product_order_pay', fields: { 'a><b': 1 } });
    assert.equal(badField.status, 400);
    assert.equal(badField.json.error.code, 'invalid_fields');
    const unknownEvent = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events`, { event: 'no_such_event', fields: {} });
    assert.equal(unknownEvent.status, 400);
    assert.equal(unknownEvent.json.error.code, 'unknown_event');
  });

  test('events written without push settings are never sent on their own', async () => {
    await admin(sandbox.url, 'DELETE', `/apps/${APPID}/push`);
    const id = await enqueue('open_product_order_refund', { out_order_id: 'O', order_id: 1 });
    await runPushes();
    assert.equal(receiver.received.length, 0);
    assert.equal((await eventDetail(id)).event.state, 'pending');
    const redeliver = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events/${id}/redeliver`);
    assert.equal(redeliver.status, 409);

    // Setting a URL later does not send what happened before.
    await configure({ format: 'json', mode: 'plaintext' });
    await runPushes();
    assert.equal(receiver.received.length, 0);
    assert.equal((await eventDetail(id)).event.state, 'not_configured');
    const sent = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events/${id}/redeliver`);
    assert.equal(sent.json.event.state, 'delivered', 'redeliver still sends it');
  });

  test('redelivery waits for its own drain', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const id = await enqueue('open_product_order_refund', { out_order_id: 'RACE', order_id: 9 });
    await runPushes();
    const { push, storage } = sandbox.sandbox.services;
    // Pending again, with a drain started first, as the timer of an earlier enqueue can start one.
    await storage.db.updateTable('outbox').set({ state: 'pending', attempts: 0, claimed_by: null, claimed_until: null }).where('id', '=', id).execute();
    receiver.received.length = 0;
    const draining = push.drain();
    await push.deliverOne(id);
    assert.equal((await eventDetail(id)).event.state, 'delivered');
    await draining;
    assert.equal(receiver.received.length, 1, 'delivered once');
  });

  test('a lapsed claim is taken over at the next attempt', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const db = sandbox.sandbox.services.storage.db;
    const id = await enqueue('open_product_order_refund', { out_order_id: 'LAPSED', order_id: 7 });
    await runPushes();
    // Make it look like an instance that stopped after its first attempt.
    await db.updateTable('outbox').set({ state: 'delivering', attempts: 1, claimed_by: 'stopped-instance', claimed_until: Date.now() - 1000 }).where('id', '=', id).execute();
    receiver.received.length = 0;
    await runPushes();
    const detail = await eventDetail(id);
    assert.equal(detail.event.state, 'delivered');
    assert.equal(detail.event.attempts, 2);
    assert.equal(detail.deliveries.at(-1)!.attempt, 2, 'the attempt number continues');
    assert.equal(receiver.received.length, 1);
  });

  test('a live claim of another instance is left alone', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const db = sandbox.sandbox.services.storage.db;
    const id = await enqueue('open_product_order_refund', { out_order_id: 'HELD', order_id: 8 });
    await runPushes();
    await db.updateTable('outbox').set({ state: 'delivering', attempts: 1, claimed_by: 'busy-instance', claimed_until: Date.now() + 60_000 }).where('id', '=', id).execute();
    receiver.received.length = 0;
    await runPushes();
    assert.equal(receiver.received.length, 0);
    assert.equal((await eventDetail(id)).event.state, 'delivering');
    const redeliver = await admin(sandbox.url, 'POST', `/apps/${APPID}/push/events/${id}/redeliver`);
    assert.equal(redeliver.status, 409);
    assert.equal(redeliver.json.error.code, 'event_delivering');
    await db.updateTable('outbox').set({ state: 'failed', claimed_by: null, claimed_until: null }).where('id', '=', id).execute();
  });

  test('two sandboxes on one database deliver each event exactly once', async () => {
    await configure({ format: 'json', mode: 'plaintext' });
    const second = await createSandbox({ storage: { url: sandbox.dbUrl }, backgroundIntervalMs: 0 });
    try {
      const ids: number[] = [];
      for (let i = 0; i < 24; i++) ids.push(await enqueue('open_product_order_refund', { out_order_id: `O${i}`, order_id: i + 1 }));
      await Promise.all([runPushes(), second.services.push.drain(), runPushes(), second.services.push.drain()]);
      const seen = receiver.received.filter((request) => request.method === 'POST').map((request) => (parseJson(request.body) as any).order_info.out_order_id as string);
      assert.equal(seen.length, 24, 'one POST per event');
      assert.equal(new Set(seen).size, 24);
      for (const id of ids) {
        const detail = await eventDetail(id);
        assert.equal(detail.event.state, 'delivered');
        assert.equal(detail.deliveries.length, 1);
      }
    } finally {
      await second.close();
    }
  });
});

describe('pushes that wait for the reply', () => {
  test('an encrypted passive reply is returned decrypted', async () => {
    await configure({ format: 'json', mode: 'secure', encoding_aes_key: AES_KEY });
    const answer = JSON.stringify({ out_user_coupon_id: 'test_coupon_user_coupon_id', request_id: 'test_coupon_request_id', ret_code: 0, out_coupon_id: 'test_coupon' });
    receiver.respond(() => {
      const encrypted = encryptMessage(AES_KEY, APPID, answer);
      const timestamp = '1796400000';
      const nonce = '12345';
      return { status: 200, body: JSON.stringify({ Encrypt: encrypted, MsgSignature: wechatSignature(TOKEN, timestamp, nonce, encrypted), TimeStamp: Number(timestamp), Nonce: nonce }) };
    });
    const app = (await sandbox.sandbox.services.apps.get(APPID))!;
    const result = await sandbox.sandbox.services.push.pushAndWait(app, 'open_product_receive_coupon', null, { out_coupon_id: 'test_coupon', request_id: 'test_coupon_request_id' });
    assert.equal(result?.delivered, true);
    assert.equal(result?.reply, answer);
    const request = onlyPost();
    const inner = parseJson(openEncrypted(request, (parseJson(request.body) as Record<string, any>).Encrypt)) as Record<string, any>;
    assert.equal(inner.out_coupon_id, 'test_coupon');
  });

  test('a reply with a wrong signature is returned as it came', async () => {
    await configure({ format: 'xml', mode: 'compatible', encoding_aes_key: AES_KEY });
    const encrypted = encryptMessage(AES_KEY, APPID, '<xml><ret_code>0</ret_code></xml>');
    const body = `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt><MsgSignature><![CDATA[0000]]></MsgSignature><TimeStamp>1</TimeStamp><Nonce><![CDATA[2]]></Nonce></xml>`;
    receiver.respond(() => ({ status: 200, body }));
    const app = (await sandbox.sandbox.services.apps.get(APPID))!;
    const result = await sandbox.sandbox.services.push.pushAndWait(app, 'open_product_receive_coupon', null, { out_coupon_id: 'c', request_id: 'r' });
    assert.equal(result?.reply, body);
    const signed = `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt><MsgSignature><![CDATA[${wechatSignature(TOKEN, '1', '2', encrypted)}]]></MsgSignature><TimeStamp>1</TimeStamp><Nonce><![CDATA[2]]></Nonce></xml>`;
    receiver.respond(() => ({ status: 200, body: signed }));
    const opened = await sandbox.sandbox.services.push.pushAndWait(app, 'open_product_receive_coupon', null, { out_coupon_id: 'c', request_id: 'r' });
    assert.equal(opened?.reply, '<xml><ret_code>0</ret_code></xml>');
  });

  test('without push settings nothing is sent', async () => {
    await admin(sandbox.url, 'DELETE', `/apps/${APPID}/push`);
    const app = (await sandbox.sandbox.services.apps.get(APPID))!;
    assert.equal(await sandbox.sandbox.services.push.pushAndWait(app, 'open_product_receive_coupon', null, {}), undefined);
    assert.equal(receiver.received.length, 0);
  });
});

describe('push settings declared up front', () => {
  test('an app declared with push settings delivers without a handshake', async () => {
    const declared = await startSandbox({
      apps: [{ appid: APPID, secret: SECRET, push: { url: receiver.url, token: TOKEN, encoding_aes_key: AES_KEY, format: 'xml', mode: 'secure' } }],
    });
    try {
      const settings = await admin(declared.url, 'GET', `/apps/${APPID}/push`);
      assert.equal(settings.json.push.mode, 'secure');
      assert.equal(settings.json.push.verified_at, null);
      assert.equal(receiver.received.length, 0, 'no handshake at start');
      await admin(declared.url, 'POST', `/apps/${APPID}/push/events`, { event: 'open_product_account_register', fields: { status: 2 } });
      assert.equal((await admin(declared.url, 'POST', '/push/run')).status, 200);
      const request = onlyPost();
      const inner = parseXml(openEncrypted(request, xmlText(parseXml(request.body), 'Encrypt')));
      assert.equal(xmlText(inner, 'Event'), 'open_product_account_register');
    } finally {
      await declared.close();
    }
  });

  test('wxshop serve reads push settings from the config file and rejects bad ones', async () => {
    const bin = fileURLToPath(new URL('../bin/wxshop.js', import.meta.url));
    const dir = tempDir();
    try {
      const bad = join(dir.path, 'bad.json');
      writeFileSync(bad, JSON.stringify({ apps: [{ appid: APPID, secret: SECRET, push: { url: receiver.url, token: 'x' } }] }));
      const refused = spawn(process.execPath, [bin, 'serve', '--config', bad, '--db', ':memory:', '--port', '0', '--lang', 'en'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      refused.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = await once(refused, 'exit');
      assert.equal(code, 2);
      assert.match(stderr, /token must be 3 to 32 letters or digits/);

      const good = join(dir.path, 'good.json');
      writeFileSync(good, JSON.stringify({ apps: [{ appid: APPID, secret: SECRET, push: { url: receiver.url, token: TOKEN, format: 'json' } }] }));
      const child = spawn(process.execPath, [bin, 'serve', '--config', good, '--db', ':memory:', '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        let output = '';
        child.stdout!.setEncoding('utf8');
        const url = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${output}`)), 15000);
          child.stdout!.on('data', (chunk: string) => {
            output += chunk;
            const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
            if (match) {
              clearTimeout(timer);
              resolve(match[1]!);
            }
          });
        });
        const settings = await admin(url, 'GET', `/apps/${APPID}/push`);
        assert.equal(settings.json.push.url, receiver.url);
        assert.equal(settings.json.push.format, 'json');
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    } finally {
      dir.remove();
    }
  });
});

export type { JsonValue };

/** Starts a merchant URL that accepts requests and never replies to them. `hits` counts the requests. */
async function startHungReceiver(): Promise<{ url: string; hits: () => number; close: () => void }> {
  let hits = 0;
  const server = createServer(() => void hits++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/push`,
    hits: () => hits,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('stop during a delivery', () => {
  test('an event cut short by a stop is pending again', async () => {
    const hung = await startHungReceiver();
    const first = await startSandbox();
    try {
      const saved = await admin(first.url, 'PUT', `/apps/${APPID}/push`, { url: hung.url, token: TOKEN, skip_verify: true });
      assert.equal(saved.status, 200, JSON.stringify(saved.json));
      const created = await admin(first.url, 'POST', `/apps/${APPID}/push/events`, { event: 'open_product_order_refund', fields: { out_order_id: 'O', order_id: 1 } });
      const id = created.json.event.id as number;
      const draining = first.sandbox.services.push.drain();
      for (let waited = 0; hung.hits() === 0 && waited < 3000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(hung.hits(), 1, 'the first attempt reached the merchant');
      await first.sandbox.close();
      await draining;

      const second = await createSandbox({ storage: { url: first.dbUrl }, backgroundIntervalMs: 0 });
      try {
        const url = await second.listen('127.0.0.1', 0);
        const detail = await admin(url, 'GET', `/apps/${APPID}/push/events/${id}`);
        assert.equal(detail.json.event.state, 'pending', JSON.stringify(detail.json.event));
        assert.equal(detail.json.deliveries[0].error, 'the sandbox stopped');
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      hung.close();
    }
  });
});

describe('a merchant URL that hangs', () => {
  test('holds back only its own app', async () => {
    const hung = await startHungReceiver();
    const healthy = await startReceiver();
    const own = await startSandbox();
    try {
      assert.equal((await admin(own.url, 'PUT', `/apps/${APPID}/push`, { url: hung.url, token: TOKEN, skip_verify: true })).status, 200);
      const other = await admin(own.url, 'POST', '/apps', {});
      const otherAppid = other.json.app.appid as string;
      assert.equal((await admin(own.url, 'PUT', `/apps/${otherAppid}/push`, { url: healthy.url, token: TOKEN, skip_verify: true })).status, 200);
      // More waiting events of the hanging app than one instance sends at a time, then one of the other app.
      for (let index = 0; index < 20; index++) {
        await admin(own.url, 'POST', `/apps/${APPID}/push/events`, { event: 'open_product_order_refund', fields: { out_order_id: `O-${index}`, order_id: index + 1 } });
      }
      await admin(own.url, 'POST', `/apps/${otherAppid}/push/events`, { event: 'open_product_order_refund', fields: { out_order_id: 'OTHER', order_id: 1 } });
      const draining = own.sandbox.services.push.drain();
      for (let waited = 0; healthy.received.length === 0 && waited < 3000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(healthy.received.length, 1, 'the other app got its event while the first URL hung');
      assert.ok(hung.hits() <= 4, `the hanging URL got ${hung.hits()} requests at once`);
      await own.sandbox.close();
      await draining;
    } finally {
      await own.close();
      await healthy.close();
      hung.close();
    }
  });
});
