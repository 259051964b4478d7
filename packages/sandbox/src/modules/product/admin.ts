import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { spuView } from './view.js';
import { listAllProducts, type ProductKey, type ProductRecord } from './store.js';

function readKey(body: Record<string, unknown>): ProductKey {
  const productId = body.product_id;
  if (typeof productId === 'string' && /^\d{1,20}$/.test(productId)) return { product_id: productId };
  if (typeof productId === 'number' && Number.isSafeInteger(productId) && productId > 0) return { product_id: String(productId) };
  if (typeof body.out_product_id === 'string' && body.out_product_id !== '') return { out_product_id: body.out_product_id };
  throw new AdminError(400, 'missing_product', 'Give product_id or out_product_id');
}

/** Both copies side by side, with the review schedule. */
function productView(record: ProductRecord) {
  return {
    product_id: record.product_id,
    out_product_id: record.out_product_id,
    status: record.status,
    edit_status: record.edit_status,
    deleted: record.deleted,
    audit_due_at: record.audit_due_at,
    draft: spuView(record, true),
    online: record.online ? spuView(record, false) : null,
  };
}

export function registerProductAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string }; Querystring: { deleted?: string } }>('/apps/:appid/products', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const products = await listAllProducts(services.storage.db, app.appid, request.query.deleted === '1');
    // Ids go out as strings: the admin API is read by JavaScript, which cannot hold 19-digit numbers.
    return { products: products.map((record) => JSON.parse(JSON.stringify(productView(record), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/products/audit', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const key = readKey(body);
    if (body.decision !== 'approve' && body.decision !== 'reject') throw new AdminError(400, 'invalid_decision', 'decision must be "approve" or "reject"');
    const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : '商品信息不符合平台规则,请修改后重新提交';
    const decision = body.decision === 'approve' ? ({ approve: true } as const) : ({ approve: false, reason } as const);
    const record = await services.products.decideAudit(app, key, decision, services.clock.now());
    if (!record) throw new AdminError(409, 'not_under_review', 'The product does not exist or has no review in progress');
    return { product: productView(record) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/products/violation', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const reason = typeof body.reason === 'string' ? body.reason : '商品涉嫌违规';
    const record = await services.products.delistForViolation(app, readKey(body), reason, services.clock.now());
    if (!record) throw new AdminError(404, 'product_not_found', 'No such product');
    return { product: productView(record) };
  });

  admin.post('/audits/run', async () => ({
    audits_decided: await services.products.runDueAudits(services.clock.now(), (appid) => services.apps.get(appid)),
  }));
}
