import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import {
  PushCrypto,
  PushVerificationError,
  answerPush,
  createPushHandler,
  decodePush,
  isPushEvent,
  parsePushXml,
  pushSignature,
  verifyEchostr,
  type PushEvent,
} from '@wxshop/client';

// Vectors are built here from the published scheme, independently of the SDK's own encrypt:
// key = base64(EncodingAESKey + "="), AES-256-CBC, IV = key[0..16], body = random16 ‖ len(4, BE)
// ‖ message ‖ appid, padded PKCS#7-style to 32-byte blocks.
const TOKEN = 'AAAAA';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx00000000000000c1';
const TIMESTAMP = '1714036504';
const NONCE = '1514711492';

function referenceEncrypt(message: string, appid: string, random = Buffer.from('0123456789abcdef')): string {
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(appid)]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

function sha1Sorted(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

const PAY_JSON = JSON.stringify({
  ToUserName: 'gh_abcdefg',
  FromUserName: 'oTVP50O53a7jgmawAmxKukNlq3XI',
  CreateTime: 1714036504,
  MsgType: 'event',
  Event: 'open_product_order_pay',
  order_info: { out_order_id: 'o-1', transaction_id: '4200001', pay_time: '2024-04-25 17:15:04', amount: 1500 },
}).replace('"out_order_id"', '"order_id":3300000000000000123,"out_order_id"');

const AUDIT_XML = `<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><FromUserName><![CDATA[oTVP50O53a7jgmawAmxKukNlq3XI]]></FromUserName><CreateTime>1714036504</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[open_product_spu_audit]]></Event><OpenProductSpuAudit><out_product_id><![CDATA[1024]]></out_product_id><product_id>4100000001</product_id><status>3</status><spu_status>0</spu_status><reject_reason><![CDATA[图片不清晰 <重拍>]]></reject_reason></OpenProductSpuAudit></xml>`;

const SCENE_XML = `<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><FromUserName><![CDATA[o]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[open_product_scene_group_audit]]></Event><SceneGroupAudit><group_id>1</group_id><name><![CDATA[视频号、公众号场景]]></name><scene_group_ext_list><ext_id>1</ext_id><status>1</status></scene_group_ext_list></SceneGroupAudit></xml>`;

function signedQuery(encrypt?: string): Record<string, string> {
  const query: Record<string, string> = { signature: sha1Sorted(TOKEN, TIMESTAMP, NONCE), timestamp: TIMESTAMP, nonce: NONCE };
  if (encrypt !== undefined) {
    query.encrypt_type = 'aes';
    query.msg_signature = sha1Sorted(TOKEN, TIMESTAMP, NONCE, encrypt);
  }
  return query;
}

test('signature matches the documented example', () => {
  assert.equal(pushSignature('AAAAA', '1714036504', '1514711492'), 'f464b24fc39322e44b38aa78f5edd27bd1441696');
});

test('echostr returned only when signed', () => {
  const query = { signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696', timestamp: TIMESTAMP, nonce: NONCE, echostr: '5837397520521819281' };
  assert.equal(verifyEchostr(query, TOKEN), '5837397520521819281');
  assert.throws(() => verifyEchostr({ ...query, nonce: '1' }, TOKEN), PushVerificationError);
});

test('PushCrypto matches the reference vector', () => {
  const encrypted = referenceEncrypt(PAY_JSON, APPID);
  const crypto = new PushCrypto(AES_KEY);
  assert.deepEqual(crypto.decrypt(encrypted), { message: PAY_JSON, appid: APPID });
  assert.equal(crypto.encrypt(PAY_JSON, APPID, Buffer.from('0123456789abcdef')), encrypted);
});

test('block-aligned message gets full padding', () => {
  const message = 'x'.repeat(32 - ((20 + APPID.length) % 32) + 64);
  const encrypted = referenceEncrypt(message, APPID);
  assert.equal(Buffer.from(encrypted, 'base64').length % 32, 0);
  assert.equal(new PushCrypto(AES_KEY).decrypt(encrypted).message, message);
});

test('secure JSON push decodes order_pay', () => {
  const encrypted = referenceEncrypt(PAY_JSON, APPID);
  const body = JSON.stringify({ ToUserName: 'gh_abcdefg', Encrypt: encrypted });
  const decoded = decodePush({ query: signedQuery(encrypted), body }, { token: TOKEN, encodingAESKey: AES_KEY, appid: APPID });
  assert.equal(decoded.mode, 'secure');
  assert.equal(decoded.format, 'json');
  const event: PushEvent = decoded.event;
  assert.ok(isPushEvent(event, 'open_product_order_pay'));
  assert.equal(event.order_info.order_id, '3300000000000000123');
  assert.equal(event.order_info.amount, 1500);
  assert.equal(event.CreateTime, 1714036504);
});

test('secure XML push decodes spu audit', () => {
  const encrypted = referenceEncrypt(AUDIT_XML, APPID);
  const body = `<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;
  const { event, mode, format } = decodePush({ query: signedQuery(encrypted), body }, { token: TOKEN, encodingAESKey: AES_KEY, appid: APPID });
  assert.deepEqual([mode, format], ['secure', 'xml']);
  assert.ok(isPushEvent(event, 'open_product_spu_audit'));
  assert.deepEqual(event.OpenProductSpuAudit, { out_product_id: '1024', product_id: '4100000001', status: 3, spu_status: 0, reject_reason: '图片不清晰 <重拍>' });
});

test('plaintext XML keeps single-item lists', () => {
  const { event, mode } = decodePush({ query: signedQuery(), body: SCENE_XML }, { token: TOKEN });
  assert.equal(mode, 'plaintext');
  assert.ok(isPushEvent(event, 'open_product_scene_group_audit'));
  assert.deepEqual(event.SceneGroupAudit.scene_group_ext_list, [{ ext_id: 1, status: 1 }]);
});

test('compatible push with and without key', () => {
  const encrypted = referenceEncrypt(PAY_JSON, APPID);
  const body = PAY_JSON.replace(/}$/, `,"Encrypt":"${encrypted}"}`);
  const withKey = decodePush({ query: signedQuery(encrypted), body }, { token: TOKEN, encodingAESKey: AES_KEY });
  assert.equal(withKey.mode, 'compatible');
  assert.equal((withKey.event as { order_info: { order_id: string } }).order_info.order_id, '3300000000000000123');
  const withoutKey = decodePush({ query: signedQuery(), body }, { token: TOKEN });
  assert.equal(withoutKey.mode, 'compatible');
  assert.equal(withoutKey.event.Event, 'open_product_order_pay');
  assert.equal('Encrypt' in withoutKey.event, false);
});

test('forged or foreign pushes rejected', () => {
  const encrypted = referenceEncrypt(PAY_JSON, APPID);
  const body = JSON.stringify({ ToUserName: 'gh_abcdefg', Encrypt: encrypted });
  const options = { token: TOKEN, encodingAESKey: AES_KEY, appid: APPID };
  assert.throws(() => decodePush({ query: { ...signedQuery(encrypted), signature: '0'.repeat(40) }, body }, options), PushVerificationError);
  assert.throws(() => decodePush({ query: { ...signedQuery(encrypted), msg_signature: '0'.repeat(40) }, body }, options), /msg_signature/);
  assert.throws(() => decodePush({ query: signedQuery(encrypted), body }, { ...options, appid: 'wx0000000000000other' }), /AppID/);
  assert.throws(() => decodePush({ query: signedQuery(encrypted), body }, { ...options, encodingAESKey: 'B'.repeat(43) }), PushVerificationError);
  assert.throws(() => decodePush({ query: signedQuery(encrypted), body }, { token: TOKEN }), /no EncodingAESKey/);
});

test('plaintext push refused when a key is set', () => {
  const options = { token: TOKEN, encodingAESKey: AES_KEY, appid: APPID };
  assert.throws(() => decodePush({ query: signedQuery(), body: PAY_JSON }, options), /not encrypted/);
  const allowed = decodePush({ query: signedQuery(), body: PAY_JSON }, { ...options, allowPlaintext: true });
  assert.equal(allowed.mode, 'plaintext');
  assert.equal(allowed.event.Event, 'open_product_order_pay');
});

test('parsePushXml reads CDATA and numbers', () => {
  const xml = '<?xml version="1.0"?><xml><a><![CDATA[x<y]]></a><b>1 &amp; 2</b><c><d>1</d><d>2</d></c><e><![CDATA[12345]]></e><f>3300000000000000123</f></xml>';
  assert.deepEqual(parsePushXml(xml), { a: 'x<y', b: '1 & 2', c: { d: [1, 2] }, e: '12345', f: '3300000000000000123' });
});

test('answerPush replies success or JSON', async () => {
  const confirm = PAY_JSON.replace('open_product_order_pay', 'open_product_order_confirm');
  const options = { token: TOKEN, onEvent: (event: PushEvent) => (event.Event === 'open_product_order_confirm' ? { after_sale_deadline: 1715000000 } : undefined) };
  assert.deepEqual(await answerPush('POST', { query: signedQuery(), body: PAY_JSON }, options), { status: 200, contentType: 'text/plain', body: 'success' });
  const answer = await answerPush('POST', { query: signedQuery(), body: confirm }, options);
  assert.deepEqual(JSON.parse(answer.body), { after_sale_deadline: 1715000000 });
  const refused = await answerPush('POST', { query: { ...signedQuery(), nonce: 'x' }, body: PAY_JSON }, options);
  assert.equal(refused.status, 401);
});

test('createPushHandler on node:http', async () => {
  const received: PushEvent[] = [];
  const server = createServer(createPushHandler({ token: TOKEN, encodingAESKey: AES_KEY, appid: APPID, onEvent: (event) => void received.push(event) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  try {
    const handshake = await fetch(`${base}?${new URLSearchParams({ ...signedQuery(), echostr: 'hello-echo' })}`);
    assert.equal(await handshake.text(), 'hello-echo');

    const encrypted = referenceEncrypt(AUDIT_XML, APPID);
    const body = `<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;
    const push = await fetch(`${base}?${new URLSearchParams(signedQuery(encrypted))}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
    assert.equal(push.status, 200);
    assert.equal(await push.text(), 'success');
    assert.equal(received.length, 1);
    assert.equal(received[0]!.Event, 'open_product_spu_audit');

    const forged = await fetch(`${base}?${new URLSearchParams({ ...signedQuery(encrypted), msg_signature: 'f'.repeat(40) })}`, { method: 'POST', body });
    assert.equal(forged.status, 401);
    assert.equal(received.length, 1);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('handler reads an express-parsed body', async () => {
  const received: PushEvent[] = [];
  const handler = createPushHandler({ token: TOKEN, onEvent: (event) => void received.push(event) });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // What express.json() leaves behind: the stream consumed and the object on req.body.
      Object.assign(request, { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      void handler(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push?${new URLSearchParams(signedQuery())}`;
    const response = await fetch(url, { method: 'POST', body: PAY_JSON, headers: { 'content-type': 'application/json' } });
    assert.equal(await response.text(), 'success');
    assert.equal(received[0]!.Event, 'open_product_order_pay');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('answerPush inside a fastify route', async () => {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  const received: PushEvent[] = [];
  const options = { token: TOKEN, encodingAESKey: AES_KEY, appid: APPID, onEvent: (event: PushEvent) => void received.push(event) };
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'text/xml'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.all('/push', async (request, reply) => {
    const answer = await answerPush(request.method, { query: request.query as Record<string, string>, body: (request.body as string | undefined) ?? '' }, options);
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const encrypted = referenceEncrypt(PAY_JSON, APPID);
    const response = await fetch(`${base}/push?${new URLSearchParams(signedQuery(encrypted))}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ToUserName: 'gh_abcdefg', Encrypt: encrypted }),
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'success');
    assert.equal((received[0] as { order_info: { order_id: string } }).order_info.order_id, '3300000000000000123');

    const handshake = await fetch(`${base}/push?${new URLSearchParams({ ...signedQuery(), echostr: 'e1' })}`);
    assert.equal(await handshake.text(), 'e1');
  } finally {
    await app.close();
  }
});
