import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { DEFAULT_WXPAY_REJECT_REASON } from './service.js';

/** WeChat Pay's side of payment onboarding: read and decide the application. */
export function registerWxpayAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string } }>('/apps/:appid/wxpay', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { application: (await services.wxpay.application(app.appid)) ?? null };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/wxpay/decide', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    if (body.decision !== 'approve' && body.decision !== 'reject') throw new AdminError(400, 'invalid_decision', 'decision must be "approve" or "reject"');
    const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : DEFAULT_WXPAY_REJECT_REASON;
    const paramName = typeof body.param_name === 'string' ? body.param_name : '';
    const record = await services.wxpay.decide(app, body.decision === 'approve', reason, paramName, services.clock.now());
    if (!record) throw new AdminError(409, 'not_under_review', 'The app has no payment onboarding under review');
    return { application: record };
  });
}
