import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, APPID, call, type TestSandbox } from './helpers.js';
import { addOrder, assertError, type LooseResponse, startShop, v2Order } from './order-support.js';

const INVALID_PARAMETER = 'invalid parameter';

let sb: TestSandbox;
let token: string;
let buyer: string;

before(async () => {
  ({ sb, token, buyer } = await startShop());
});
after(() => sb.close());

const wire = (path: string, body: unknown, query?: Record<string, string>) => call(sb.url, path, body, { token, query }) as Promise<LooseResponse>;

async function notifications(): Promise<any[]> {
  return (await admin(sb.url, 'GET', `/apps/${APPID}/push/events?event=complaint_notify`)).json.events;
}

test('getcategoryrule answers the deposit (rule_id 1) and the delivery methods (rule_id 2)', async () => {
  const deposit = await wire('/shop/ec/category/getcategoryrule', { category_id: 100206 }, { rule_id: '1' });
  assert.deepEqual(deposit.json, { errcode: 0, errmsg: 'ok', deposit: 200000 });
  const qualified = await wire('/shop/ec/category/getcategoryrule', { category_id: '140206' }, { rule_id: '1' });
  assert.equal(qualified.json.deposit, 1000000);
  const delivery = await wire('/shop/ec/category/getcategoryrule', { category_id: 100206 }, { rule_id: '2' });
  assert.deepEqual(delivery.json.list, [{ deliver_type: 0, acct_type: [] }]);
  assertError(await wire('/shop/ec/category/getcategoryrule', { category_id: 100206 }), -2, INVALID_PARAMETER);
  assertError(await wire('/shop/ec/category/getcategoryrule', { category_id: 100206 }, { rule_id: '3' }), -2, INVALID_PARAMETER);
  assertError(await wire('/shop/ec/category/getcategoryrule', {}, { rule_id: '1' }), -2, INVALID_PARAMETER);
  assertError(await wire('/shop/ec/category/getcategoryrule', { category_id: 1001 }, { rule_id: '1' }), 1000007, '类目id不是三级类目');
  assertError(await wire('/shop/ec/category/getcategoryrule', { category_id: 999999 }, { rule_id: '1' }), 1000009, '调用的类目id不存在');
});

test('a dispute opened by the buyer is listed, answered with evidence and judged', async () => {
  const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'COMPLAINT-1'));
  // Only a paid order can be disputed.
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/complaints`, { order_id: orderId })).status, 409);
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/complaints`, { out_order_id: 'NOPE' })).status, 404);
  await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`);
  // type is kept in an integer column, which PostgreSQL limits to 32 bits (HTTP 500 before).
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/complaints`, { order_id: orderId, type: 2 ** 40 })).status, 400);

  const opened = await admin(sb.url, 'POST', `/apps/${APPID}/complaints`, { order_id: orderId, content: '收到的商品有破损', phone_number: '13800000000' });
  assert.equal(opened.status, 200, JSON.stringify(opened.json));
  const id = opened.json.complaint.complaint_order_id as string;
  assert.ok(BigInt(id) > 2n ** 53n, 'complaint ids are 64-bit');
  let pushed = await notifications();
  assert.equal(pushed.length, 1);
  assert.deepEqual(pushed[0].message.complaint_info, { complaint_order_id: id, state: 230000, event: 240001 });

  const list = await wire('/shop/complaint/get_list', { offset: 0, limit: 10 });
  assert.equal(list.json.errcode, 0, list.text);
  assert.equal(list.json.total, 1);
  const listed = (list.json.orders as any[])[0];
  assert.equal(String(listed.complaint_order_id), id, 'the id is an exact JSON integer');
  assert.equal(listed.order_id, orderId);
  assert.equal(listed.state, 230000);
  assert.equal(listed.openid, buyer);
  assert.ok(listed.expired_time > listed.create_time);
  assert.equal((await wire('/shop/complaint/get_list', { offset: 0, limit: 10, status: 230014 })).json.total, 0);
  // Filters beyond 32 bits match nothing. PostgreSQL's integer columns used to fail the query.
  for (const filter of [{ state: 2 ** 40 }, { type: 2 ** 40 }]) {
    const huge = await wire('/shop/complaint/get_list', { offset: 0, limit: 10, ...filter });
    assert.equal(huge.json.errcode, 0, huge.text);
    assert.equal(huge.json.total, 0);
  }
  assert.equal((await wire('/shop/complaint/get_list', { offset: 0, limit: 10, order_id: orderId })).json.total, 1);
  assertError(await wire('/shop/complaint/get_list', { offset: 0, limit: 51 }), 990005, 'page_size超过上限');
  assertError(await wire('/shop/complaint/get_list', { limit: 10 }), -2, INVALID_PARAMETER);
  assertError(await wire('/shop/complaint/get_list', { offset: 0, limit: 10, begin_create_time: 1900000000, end_create_time: 1800000000 }), 990009, '开始时间不能晚于结束时间');

  // The merchant answers with evidence: the platform reviews it.
  assertError(await wire('/shop/complaint/upload_material', { complaint_order_id: id }), -2, INVALID_PARAMETER);
  assertError(await wire('/shop/complaint/upload_material', { complaint_order_id: id, material_info: { content: '', media_url_list: [] } }), -2, INVALID_PARAMETER);
  assertError(await wire('/shop/complaint/upload_material', { complaint_order_id: id, material_info: { content: 'x', media_url_list: ['ftp://x'] } }), -2, INVALID_PARAMETER);
  assertError(await wire('/shop/complaint/upload_material', { complaint_order_id: '1', material_info: { content: '已补发' } }), 9710001, 'no data');
  const uploaded = await wire('/shop/complaint/upload_material', { complaint_order_id: id, material_info: { content: '已补发新品', media_url_list: ['https://mmecimage.cn/p/x/proof'] } });
  assert.deepEqual(uploaded.json, { errcode: 0, errmsg: 'ok' });

  const judged = await admin(sb.url, 'POST', `/apps/${APPID}/complaints/${id}/judge`, { judge_result: 2, content: '商家已妥善处理' });
  assert.equal(judged.status, 200);
  assert.equal(judged.json.complaint.state, 230014);
  // A closed dispute takes no more evidence and no other move.
  assertError(await wire('/shop/complaint/upload_material', { complaint_order_id: id, material_info: { content: '补充' } }), -2, INVALID_PARAMETER);
  assert.equal((await admin(sb.url, 'POST', `/apps/${APPID}/complaints/${id}/withdraw`)).status, 409);

  const detail = await wire('/shop/complaint/get', { complaint_order_id: id });
  assert.equal(detail.json.errcode, 0);
  assert.equal(detail.json.order.judge_result, 2);
  assert.equal(detail.json.order.expired_time, 0);
  const flow = detail.json.flow_info.list as any[];
  assert.deepEqual(flow.map((item) => item.object), [1, 2, 3]);
  assert.equal(flow[0].user_record.event, 240001);
  assert.equal(flow[0].user_record.material_info.content, '收到的商品有破损');
  assert.equal(flow[1].merchant_record.material_info.media_url_list[0], 'https://mmecimage.cn/p/x/proof');
  assert.equal(flow[2].op_record.state, 230014);
  assert.match(flow[2].op_record.time, /^\d{13}$/);
  assertError(await wire('/shop/complaint/get', { complaint_order_id: '1' }), 9710001, 'no data');
  assertError(await wire('/shop/complaint/get', { complaint_order_id: 'abc' }), -2, INVALID_PARAMETER);

  pushed = await notifications();
  assert.deepEqual(pushed.map((event) => event.message.complaint_info.state).sort(), [230000, 230001, 230014]);
});

test('concurrent evidence uploads on one dispute all succeed', async () => {
  const orderId = await addOrder(sb.url, token, await v2Order(sb.url, buyer, 'COMPLAINT-RACE'));
  await admin(sb.url, 'POST', `/apps/${APPID}/orders/${orderId}/pay`);
  const opened = await admin(sb.url, 'POST', `/apps/${APPID}/complaints`, { order_id: orderId, content: '商品与描述不符', phone_number: '13800000000' });
  assert.equal(opened.status, 200, JSON.stringify(opened.json));
  const id = opened.json.complaint.complaint_order_id as string;
  const uploads = await Promise.all(
    Array.from({ length: 8 }, (_, index) => wire('/shop/complaint/upload_material', { complaint_order_id: id, material_info: { content: `补充材料${index}` } })),
  );
  for (const response of uploads) assert.equal(response.json.errcode, 0, response.text);
});
