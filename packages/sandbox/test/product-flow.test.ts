import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { dropPostgresSchema } from '@wxshop/sandbox';
import { admin, call, PNG_BYTES, productBody, tempDir, TEST_DB, TEST_PG_URL } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/wxshop.js', import.meta.url));
const APPID = 'wx1234567890abcdef';
const SECRET = 'abcdef0123456789abcdef0123456789';

let server: ChildProcess;
let baseUrl: string;
let cleanup: () => Promise<void>;

/** Starts `wxshop serve` as a user would, on a free port, and reads its address from stdout. */
before(async () => {
  let db: string;
  if (TEST_DB === 'postgres') {
    const schema = `wxshop_flow_${process.pid}`;
    db = `${TEST_PG_URL}?schema=${schema}`;
    cleanup = () => dropPostgresSchema(TEST_PG_URL, schema);
  } else {
    const dir = tempDir();
    db = `${dir.path}/wxshop.db`;
    cleanup = async () => dir.remove();
  }
  server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--app', `${APPID}:${SECRET}`, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  server.stdout!.setEncoding('utf8');
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${output}`)), 15000);
    server.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    server.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${output}`)));
  });
});

after(async () => {
  server.kill('SIGTERM');
  await once(server, 'exit');
  await cleanup();
});

test('token to delete: the documented product lifecycle', async () => {
  // 1. Token.
  const tokenResponse = await call(baseUrl, `/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=${SECRET}`, undefined, { method: 'GET' });
  assert.equal(tokenResponse.status, 200);
  assert.equal(typeof tokenResponse.json.access_token, 'string');
  assert.equal(tokenResponse.json.expires_in, 7200);
  assert.equal(tokenResponse.json.errcode, undefined);
  const token = tokenResponse.json.access_token as string;

  // 2. Categories.
  const categories = await call(baseUrl, '/shop/cat/get', {}, { token });
  assert.equal(categories.json.errcode, 0);
  assert.equal(categories.json.errmsg, 'ok');
  const list = categories.json.third_cat_list as Record<string, unknown>[];
  assert.ok(list.length >= 300);
  const blocks = list.find((category) => category.third_cat_id === 380001);
  assert.ok(blocks, 'category 380001 is listed');
  for (const key of ['first_cat_id', 'first_cat_name', 'second_cat_id', 'second_cat_name', 'third_cat_name', 'qualification', 'qualification_type', 'product_qualification', 'product_qualification_type']) {
    assert.ok(key in blocks!, `category has ${key}`);
  }

  // 3. Image upload (multipart, resp_type 1 returns the link).
  const form = new FormData();
  form.set('media', new Blob([PNG_BYTES], { type: 'image/png' }), 'pixel.png');
  const upload = await call(baseUrl, '/shop/img/upload', undefined, { token, raw: form, query: { resp_type: '1', upload_type: '0' } });
  assert.equal(upload.json.errcode, 0);
  const imgInfo = upload.json.img_info as Record<string, string>;
  assert.deepEqual(Object.keys(imgInfo).sort(), ['media_id', 'pay_media_id', 'temp_img_url']);
  assert.equal(imgInfo.media_id, '');
  assert.match(imgInfo.temp_img_url!, new RegExp(`^https://mmecimage\\.cn/p/${APPID}/`));
  const image = imgInfo.temp_img_url!;
  const served = await fetch(new URL(new URL(image).pathname, baseUrl));
  assert.equal(served.status, 200);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG_BYTES);

  // 4. spu/add: the draft goes to review, the online copy is an empty skeleton.
  const add = await call(baseUrl, '/shop/spu/add', productBody('P-1001', image), { token });
  assert.equal(add.json.errcode, 0, add.text);
  const added = add.json.data as Record<string, any>;
  assert.equal(typeof added.product_id, 'number');
  assert.equal(added.out_product_id, 'P-1001');
  assert.match(added.create_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.equal(added.skus.length, 1);
  assert.equal(typeof added.skus[0].sku_id, 'number');
  assert.equal(added.skus[0].out_sku_id, 'P-1001-S1');

  const pending = await call(baseUrl, '/shop/spu/get', { out_product_id: 'P-1001' }, { token });
  const pendingSpu = pending.json.spu as Record<string, any>;
  assert.equal(pendingSpu.edit_status, 2);
  assert.equal(pendingSpu.status, 0);
  assert.deepEqual(pendingSpu.skus, []);
  assert.deepEqual(pendingSpu.head_img, []);
  assert.equal(typeof pendingSpu.audit_info.audit_id, 'string');

  // 5. The platform approves the audit.
  const approval = await admin(baseUrl, 'POST', `/apps/${APPID}/products/audit`, { out_product_id: 'P-1001', decision: 'approve' });
  assert.equal(approval.status, 200);

  // 6. spu/get shows the approved online copy, on sale.
  const approved = await call(baseUrl, '/shop/spu/get', { product_id: added.product_id }, { token });
  const spu = approved.json.spu as Record<string, any>;
  assert.equal(spu.edit_status, 4);
  assert.equal(spu.status, 5);
  assert.equal(spu.title, '儿童益智积木套装');
  assert.deepEqual(spu.head_img, [image]);
  assert.equal(spu.skus[0].sku_id, added.skus[0].sku_id);
  assert.equal(spu.skus[0].sale_price, 5900);
  assert.equal(typeof spu.audit_info.audit_time, 'string');

  const events = await admin(baseUrl, 'GET', `/apps/${APPID}/events`);
  const audit = events.json.events.find((event: any) => event.event === 'open_product_spu_audit');
  assert.ok(audit, 'an open_product_spu_audit event is in the outbox');
  assert.equal(audit.payload.OpenProductSpuAudit.status, 4);
  assert.equal(audit.payload.OpenProductSpuAudit.out_product_id, 'P-1001');
  assert.equal(audit.payload.MsgType, 'event');

  // 7. Delisting, then listing again.
  const delisting = await call(baseUrl, '/shop/spu/delisting', { out_product_id: 'P-1001' }, { token });
  assert.equal(delisting.json.errcode, 0);
  assert.equal(((await call(baseUrl, '/shop/spu/get', { out_product_id: 'P-1001' }, { token })).json.spu as any).status, 11);
  const listing = await call(baseUrl, '/shop/spu/listing', { out_product_id: 'P-1001' }, { token });
  assert.equal(listing.json.errcode, 0);
  assert.equal(((await call(baseUrl, '/shop/spu/get', { out_product_id: 'P-1001' }, { token })).json.spu as any).status, 5);

  // 8. Delete: gone from get and get_list, and the merchant id stays taken.
  const del = await call(baseUrl, '/shop/spu/del', { out_product_id: 'P-1001' }, { token });
  assert.equal(del.json.errcode, 0);
  const deletedGet = await call(baseUrl, '/shop/spu/get', { out_product_id: 'P-1001' }, { token });
  assert.equal(deletedGet.json.errcode, 1000011);
  const list2 = await call(baseUrl, '/shop/spu/get_list', { page: 1, page_size: 10 }, { token });
  assert.equal(list2.json.total_num, 0);
  const readd = await call(baseUrl, '/shop/spu/add', productBody('P-1001', image), { token });
  assert.equal(readd.json.errcode, 1000012);
});
