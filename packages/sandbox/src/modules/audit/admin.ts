import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { DEFAULT_REJECT_REASON } from './service.js';
import { deleteCertificates, saveCertificates } from './store.js';

/** Brand and category audits: list and decide; the mini program's own qualifications. */
export function registerAuditAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string } }>('/apps/:appid/qualification-audits', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { audits: await services.audits.list(app.appid) };
  });

  admin.post<{ Params: { appid: string; audit_id: string } }>('/apps/:appid/qualification-audits/:audit_id/decide', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    if (body.decision !== 'approve' && body.decision !== 'reject') throw new AdminError(400, 'invalid_decision', 'decision must be "approve" or "reject"');
    const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : DEFAULT_REJECT_REASON;
    const decision = body.decision === 'approve' ? ({ approve: true } as const) : ({ approve: false, reason } as const);
    const record = await services.audits.decide(app, request.params.audit_id, decision, services.clock.now());
    if (!record) throw new AdminError(409, 'not_under_review', 'The audit does not exist or is already decided');
    return { audit: record };
  });

  // What audit/get_miniapp_certificate returns: req_type 1 a list of category records, 2 a brand record.
  admin.put<{ Params: { appid: string } }>('/apps/:appid/miniapp-certificate', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    if (body.category_info_list === undefined && body.brand_info === undefined) {
      throw new AdminError(400, 'missing_certificate', 'Give category_info_list (an array), brand_info (an object), or both; null removes one');
    }
    const db = services.storage.db;
    if (body.category_info_list !== undefined) {
      if (body.category_info_list === null) await deleteCertificates(db, app.appid, 1);
      else if (!Array.isArray(body.category_info_list)) throw new AdminError(400, 'invalid_category_info_list', 'category_info_list must be an array or null');
      else await saveCertificates(db, app.appid, 1, body.category_info_list);
    }
    if (body.brand_info !== undefined) {
      if (body.brand_info === null) await deleteCertificates(db, app.appid, 2);
      else if (typeof body.brand_info !== 'object' || Array.isArray(body.brand_info)) throw new AdminError(400, 'invalid_brand_info', 'brand_info must be an object or null');
      else await saveCertificates(db, app.appid, 2, body.brand_info);
    }
    return { ok: true };
  });
}
