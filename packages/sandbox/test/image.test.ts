import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { explain } from '@wxshop/api';
import { APPID, call, getToken, PNG_BYTES, RID_SUFFIX, SECRET, startSandbox, type TestSandbox, type WireResponse } from './helpers.js';

const APPID_B = 'wx00000000000000b2';
const SECRET_B = 'fedcba9876543210fedcba9876543210';

/** The platform's image size limit: 2 MB. */
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const JPEG_BYTES = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096), Buffer.from([0xff, 0xd9])]);
const OVERSIZED_BYTES = Buffer.alloc(MAX_IMAGE_BYTES + 1, 0x42);

const EMPTY_FILE_MESSAGE = '文件/图片为空';
const FETCH_FAILED_MESSAGE = '获取图片失败,请使用流式上传';

let server: TestSandbox;
let token: string;
let tokenB: string;

/** A local HTTP server that acts as the remote host of `img_url`. */
let source: Server;
let sourceUrl: string;
let sourceRequests: string[] = [];
/** A 127.0.0.1 port that was open and is now closed. */
let closedPort: number;

before(async () => {
  server = await startSandbox({ apps: [{ appid: APPID, secret: SECRET }, { appid: APPID_B, secret: SECRET_B }] });
  token = await getToken(server.url);
  tokenB = await getToken(server.url, APPID_B, SECRET_B);

  source = createServer((request, response) => {
    sourceRequests.push(request.url ?? '');
    if (request.url === '/pixel.png') {
      response.writeHead(200, { 'content-type': 'image/png' }).end(PNG_BYTES);
    } else if (request.url === '/photo.jpg') {
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG_BYTES);
    } else if (request.url === '/oversized.png') {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(OVERSIZED_BYTES.length) }).end(OVERSIZED_BYTES);
    } else if (request.url === '/oversized-chunked.png') {
      // No content-length: the size is only known once the body is read.
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(OVERSIZED_BYTES.subarray(0, MAX_IMAGE_BYTES));
      response.end(OVERSIZED_BYTES.subarray(MAX_IMAGE_BYTES));
    } else if (request.url === '/cut.png') {
      // Headers and part of the body, then the connection drops.
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PNG_BYTES.length * 4) });
      response.write(PNG_BYTES, () => request.socket.destroy());
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  source.listen(0, '127.0.0.1');
  await once(source, 'listening');
  sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;

  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  closedPort = (closed.address() as AddressInfo).port;
  closed.close();
  await once(closed, 'close');
});

after(async () => {
  // Either server is missing when the before hook failed, which it has reported already.
  source?.close();
  await server?.close();
});

interface Part {
  name: string;
  body: string | Buffer;
  filename?: string;
  contentType?: string;
}

/** Builds a multipart/form-data body by hand, for parts that FormData cannot express. */
function multipart(parts: Part[]): { raw: Buffer; headers: Record<string, string> } {
  const boundary = `wxshop-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.body), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { raw: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Builds a form with a `media` file part and the given text fields. */
function mediaForm(fields: Record<string, string> = {}, bytes: Buffer = PNG_BYTES, type = 'image/png', filename = 'pixel.png'): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('media', new Blob([bytes], { type }), filename);
  return form;
}

function textForm(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

function upload(raw: FormData | Buffer | string | undefined, query: Record<string, string> = {}, options: { token?: string; headers?: Record<string, string> } = {}): Promise<WireResponse> {
  return call(server.url, '/shop/img/upload', undefined, { token: options.token ?? token, raw, query, headers: options.headers });
}

function imageInfo(response: WireResponse): Record<string, unknown> {
  assert.equal(response.json.errcode, 0, response.text);
  return response.json.img_info as Record<string, unknown>;
}

/** Fetches an issued image link from the sandbox, under the given appid when one is passed. */
function fetchServed(link: string, appid?: string): Promise<Response> {
  const path = new URL(link).pathname;
  return fetch(new URL(appid === undefined ? path : path.replace(/^\/p\/[^/]+\//, `/p/${appid}/`), server.url));
}

async function storedImageCount(): Promise<number> {
  const rows = await server.sandbox.services.storage.db.selectFrom('images').select('url_key').execute();
  return rows.length;
}

/** Checks an error envelope: the code, the message before the rid, the rid, and no payload. */
function assertWireError(response: WireResponse, errcode: number, message: string): void {
  assert.equal(response.json.errcode, errcode, response.text);
  const errmsg = String(response.json.errmsg);
  assert.match(errmsg, RID_SUFFIX);
  assert.equal(errmsg.replace(RID_SUFFIX, ''), message);
  assert.equal(response.json.img_info, undefined);
}

const LINK = new RegExp(`^https://mmecimage\\.cn/p/${APPID}/[A-Za-z0-9_-]+$`);

test('img upload: resp_type 0 returns only media_id', async () => {
  const info = imageInfo(await upload(mediaForm(), { resp_type: '0', upload_type: '0' }));
  assert.deepEqual(Object.keys(info).sort(), ['media_id', 'pay_media_id', 'temp_img_url']);
  assert.match(String(info.media_id), /^wxashop_[A-Za-z0-9+/=]+$/);
  assert.equal(info.temp_img_url, '');
  assert.equal(info.pay_media_id, '');
});

test('img upload: resp_type 1 returns only temp_img_url', async () => {
  const info = imageInfo(await upload(mediaForm(), { resp_type: '1', upload_type: '0' }));
  assert.deepEqual(Object.keys(info).sort(), ['media_id', 'pay_media_id', 'temp_img_url']);
  assert.match(String(info.temp_img_url), LINK);
  assert.equal(info.media_id, '');
  assert.equal(info.pay_media_id, '');
});

test('img upload: resp_type 2 returns only pay_media_id', async () => {
  const info = imageInfo(await upload(mediaForm(), { resp_type: '2', upload_type: '0' }));
  assert.deepEqual(Object.keys(info).sort(), ['media_id', 'pay_media_id', 'temp_img_url']);
  assert.equal(typeof info.pay_media_id, 'string');
  assert.notEqual(info.pay_media_id, '');
  assert.equal(info.media_id, '');
  assert.equal(info.temp_img_url, '');
});

test('img upload: a successful upload stores one image', async () => {
  const before = await storedImageCount();
  imageInfo(await upload(mediaForm(), { resp_type: '1', upload_type: '0' }));
  assert.equal(await storedImageCount(), before + 1);
});

test('img upload: each upload gets a new media_id', async () => {
  const first = imageInfo(await upload(mediaForm(), { resp_type: '0', upload_type: '0' }));
  const second = imageInfo(await upload(mediaForm(), { resp_type: '0', upload_type: '0' }));
  assert.notEqual(first.media_id, second.media_id);
});

test('img upload: parameters are read from multipart fields', async () => {
  const info = imageInfo(await upload(mediaForm({ resp_type: '1', upload_type: '0' })));
  assert.match(String(info.temp_img_url), LINK);
});

test('img upload: resp_type 2 is read from a multipart field', async () => {
  const info = imageInfo(await upload(mediaForm({ resp_type: '2', upload_type: '0' })));
  assert.notEqual(info.pay_media_id, '');
});

test('img upload: the query string wins over a multipart field', async () => {
  const info = imageInfo(await upload(mediaForm({ resp_type: '0' }), { resp_type: '1', upload_type: '0' }));
  assert.match(String(info.temp_img_url), LINK);
  assert.equal(info.media_id, '');
});

test('img upload: a missing resp_type behaves as 0', async () => {
  const info = imageInfo(await upload(mediaForm(), { upload_type: '0' }));
  assert.match(String(info.media_id), /^wxashop_/);
  assert.equal(info.temp_img_url, '');
  assert.equal(info.pay_media_id, '');
});

test('img upload: an unparsable resp_type behaves as 0', async () => {
  const info = imageInfo(await upload(mediaForm(), { resp_type: 'link', upload_type: '0' }));
  assert.match(String(info.media_id), /^wxashop_/);
  assert.equal(info.temp_img_url, '');
  assert.equal(info.pay_media_id, '');
});

test('img upload: resp_type 3 behaves as 0', async () => {
  const info = imageInfo(await upload(mediaForm(), { resp_type: '3', upload_type: '0' }));
  assert.match(String(info.media_id), /^wxashop_/);
  assert.equal(info.temp_img_url, '');
  assert.equal(info.pay_media_id, '');
});

test('img upload: upload_type 0 without media returns 1070001', async () => {
  const before = await storedImageCount();
  const response = await upload(textForm({ resp_type: '1', upload_type: '0' }));
  assertWireError(response, 1070001, EMPTY_FILE_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

test('img upload: an empty body returns 1070001', async () => {
  const response = await upload(undefined, { resp_type: '1', upload_type: '0' });
  assertWireError(response, 1070001, EMPTY_FILE_MESSAGE);
});

test('img upload: an empty media part returns 1070001', async () => {
  const before = await storedImageCount();
  const response = await upload(mediaForm({}, Buffer.alloc(0)), { resp_type: '1', upload_type: '0' });
  assertWireError(response, 1070001, EMPTY_FILE_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

test('img upload: a JSON body is not read', async () => {
  const before = await storedImageCount();
  sourceRequests = [];
  const body = JSON.stringify({ resp_type: 1, upload_type: 1, img_url: `${sourceUrl}/pixel.png` });
  const response = await upload(body, {}, { headers: { 'content-type': 'application/json' } });
  assertWireError(response, 1070001, EMPTY_FILE_MESSAGE);
  assert.deepEqual(sourceRequests, []);
  assert.equal(await storedImageCount(), before);
});

test('img upload: upload_type 1 without img_url returns 1070001', async () => {
  const before = await storedImageCount();
  const response = await upload(textForm({ resp_type: '1' }), { upload_type: '1' });
  assertWireError(response, 1070001, EMPTY_FILE_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

test('img upload: img_url in the query string is fetched', async () => {
  const info = imageInfo(await upload(undefined, { resp_type: '1', upload_type: '1', img_url: `${sourceUrl}/pixel.png` }));
  assert.match(String(info.temp_img_url), LINK);
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(served.status, 200);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG_BYTES);
});

test('img upload: img_url keeps the fetched content type', async () => {
  const info = imageInfo(await upload(undefined, { resp_type: '1', upload_type: '1', img_url: `${sourceUrl}/photo.jpg` }));
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(served.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), JPEG_BYTES);
});

test('img upload: img_url in a multipart field is fetched', async () => {
  const info = imageInfo(await upload(textForm({ resp_type: '1', upload_type: '1', img_url: `${sourceUrl}/pixel.png` })));
  const served = await fetchServed(String(info.temp_img_url));
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG_BYTES);
});

test('img upload: img_url with resp_type 0 returns only media_id', async () => {
  const info = imageInfo(await upload(undefined, { resp_type: '0', upload_type: '1', img_url: `${sourceUrl}/pixel.png` }));
  assert.match(String(info.media_id), /^wxashop_/);
  assert.equal(info.temp_img_url, '');
  assert.equal(info.pay_media_id, '');
});

test('img upload: img_url on a closed port returns 1070008', async () => {
  const before = await storedImageCount();
  const response = await upload(undefined, { resp_type: '1', upload_type: '1', img_url: `http://127.0.0.1:${closedPort}/pixel.png` });
  assertWireError(response, 1070008, FETCH_FAILED_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

test('img upload: img_url cut off mid-body returns 1070008', async () => {
  const before = await storedImageCount();
  const response = await upload(undefined, { resp_type: '1', upload_type: '1', img_url: `${sourceUrl}/cut.png` });
  assertWireError(response, 1070008, FETCH_FAILED_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

test('img upload: img_url answering 404 returns 1070008', async () => {
  const before = await storedImageCount();
  const response = await upload(undefined, { resp_type: '1', upload_type: '1', img_url: `${sourceUrl}/missing.png` });
  assertWireError(response, 1070008, FETCH_FAILED_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

test('img upload: an image of exactly 2 MB is accepted', async () => {
  const bytes = OVERSIZED_BYTES.subarray(0, MAX_IMAGE_BYTES);
  const info = imageInfo(await upload(mediaForm({}, bytes), { resp_type: '1', upload_type: '0' }));
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(Buffer.from(await served.arrayBuffer()).length, MAX_IMAGE_BYTES);
});

test('img upload: an image over 2 MB returns 1070002', async () => {
  const before = await storedImageCount();
  const response = await upload(mediaForm({}, OVERSIZED_BYTES), { resp_type: '1', upload_type: '0' });
  assertWireError(response, 1070002, explain(1070002)!.message);
  assert.equal(await storedImageCount(), before);
});

test('img upload: img_url over 2 MB returns 1070002', async () => {
  const before = await storedImageCount();
  const response = await upload(undefined, { resp_type: '1', upload_type: '1', img_url: `${sourceUrl}/oversized.png` });
  assertWireError(response, 1070002, explain(1070002)!.message);
  assert.equal(await storedImageCount(), before);
});

test('img upload: chunked img_url over 2 MB returns 1070002', async () => {
  const before = await storedImageCount();
  const response = await upload(undefined, { resp_type: '1', upload_type: '1', img_url: `${sourceUrl}/oversized-chunked.png` });
  assertWireError(response, 1070002, explain(1070002)!.message);
  assert.equal(await storedImageCount(), before);
});

test('img upload: resp_type 2 media without filename returns 1070001', async () => {
  const before = await storedImageCount();
  const body = multipart([{ name: 'media', contentType: 'image/png', body: PNG_BYTES }]);
  const response = await upload(body.raw, { resp_type: '2', upload_type: '0' }, { headers: body.headers });
  assertWireError(response, 1070001, EMPTY_FILE_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

test('img upload: resp_type 2 binary media without filename returns 1070001', async () => {
  const before = await storedImageCount();
  const body = multipart([{ name: 'media', contentType: 'application/octet-stream', body: PNG_BYTES }]);
  const response = await upload(body.raw, { resp_type: '2', upload_type: '0' }, { headers: body.headers });
  assertWireError(response, 1070001, EMPTY_FILE_MESSAGE);
  assert.equal(await storedImageCount(), before);
});

// The platform documents the filename as required only when resp_type is 2.
test('img upload: resp_type 0 accepts media without filename', async () => {
  const body = multipart([{ name: 'media', contentType: 'image/png', body: PNG_BYTES }]);
  const info = imageInfo(await upload(body.raw, { resp_type: '0', upload_type: '0' }, { headers: body.headers }));
  assert.match(String(info.media_id), /^wxashop_/);
});

test('image link: serves the uploaded bytes', async () => {
  const info = imageInfo(await upload(mediaForm({}, JPEG_BYTES, 'image/jpeg', 'photo.jpg'), { resp_type: '1', upload_type: '0' }));
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(served.status, 200);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), JPEG_BYTES);
});

test('image link: serves the uploaded content type', async () => {
  const info = imageInfo(await upload(mediaForm({}, JPEG_BYTES, 'image/jpeg', 'photo.jpg'), { resp_type: '1', upload_type: '0' }));
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(served.headers.get('content-type'), 'image/jpeg');
});

test('image link: bytes declared as HTML are not served as a page', async () => {
  const page = Buffer.from('<script>fetch("/_sandbox/v1/apps")</script>');
  const info = imageInfo(await upload(mediaForm({}, page, 'text/html', 'page.html'), { resp_type: '1', upload_type: '0' }));
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'application/octet-stream');
  assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
  assert.match(String(served.headers.get('content-security-policy')), /sandbox/);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), page);
});

test('image link: a PNG declared as HTML is served as image/png', async () => {
  const info = imageInfo(await upload(mediaForm({}, PNG_BYTES, 'text/html', 'pixel.png'), { resp_type: '1', upload_type: '0' }));
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(served.headers.get('content-type'), 'image/png');
});

test('image link: an unknown key returns 404', async () => {
  const served = await fetch(new URL(`/p/${APPID}/no-such-key`, server.url));
  assert.equal(served.status, 404);
});

test('image link: not served under another appid', async () => {
  const info = imageInfo(await upload(mediaForm(), { resp_type: '1', upload_type: '0' }));
  const served = await fetchServed(String(info.temp_img_url), APPID_B);
  assert.equal(served.status, 404);
});

test('image link: second app served under its appid', async () => {
  const info = imageInfo(await upload(mediaForm(), { resp_type: '1', upload_type: '0' }, { token: tokenB }));
  assert.match(String(info.temp_img_url), new RegExp(`^https://mmecimage\\.cn/p/${APPID_B}/`));
  const served = await fetchServed(String(info.temp_img_url));
  assert.equal(served.status, 200);
});
