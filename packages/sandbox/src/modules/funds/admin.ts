import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import { hasNul } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import type { WithdrawAction } from './states.js';

/** Codes that mean "no such record" on the funds, payment-service and dispute paths. */
const NOT_FOUND_CODES = new Set([9710001, 60208]);

/** Runs a platform-side action; refusals become 404 (unknown record) or 409 (wrong state). */
export async function platformAction<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WireError && NOT_FOUND_CODES.has(error.errcode)) throw new AdminError(404, 'not_found', `No such record (${error.rule})`);
    if (error instanceof WireError) throw new AdminError(409, error.rule, `Refused with errcode ${error.errcode}: ${error.message}`);
    throw error;
  }
}

const WITHDRAW_ACTIONS: readonly WithdrawAction[] = ['accept', 'succeed', 'fail', 'bounce', 'close'];
const SCAN_ACTIONS = ['scan', 'confirm', 'cancel'] as const;

/** The platform's and the bank's side of funds: QR scans by the shop admin and withdrawal outcomes. */
export function registerFundsAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string } }>('/apps/:appid/funds', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return services.funds.overview(app);
  });

  admin.post<{ Params: { appid: string; ticket: string } }>('/apps/:appid/funds/qrcodes/:ticket/scan', async (request) => {
    const app = await requireApp(services, request.params.appid);
    if (hasNul(request.params.ticket)) throw new AdminError(404, 'not_found', 'No such QR ticket');
    const body = adminBody(request);
    const action = body.action ?? 'confirm';
    if (!SCAN_ACTIONS.includes(action as (typeof SCAN_ACTIONS)[number])) throw new AdminError(400, 'invalid_action', 'action must be "scan", "confirm" or "cancel"');
    const userType = body.scan_user_type ?? 1;
    if (userType !== 0 && userType !== 1 && userType !== 2) throw new AdminError(400, 'invalid_scan_user_type', 'scan_user_type must be 0, 1 or 2');
    return {
      qrcode: await platformAction(() =>
        services.funds.scanQrcode(app, request.params.ticket, action as (typeof SCAN_ACTIONS)[number], userType, services.clock.now()),
      ),
    };
  });

  admin.post<{ Params: { appid: string; no: string; action: string } }>('/apps/:appid/funds/withdrawals/:no/:action', async (request) => {
    const app = await requireApp(services, request.params.appid);
    if (hasNul(request.params.no)) throw new AdminError(404, 'not_found', 'No such withdrawal');
    const action = request.params.action as WithdrawAction;
    if (!WITHDRAW_ACTIONS.includes(action)) throw new AdminError(404, 'unknown_action', `Actions: ${WITHDRAW_ACTIONS.join(', ')}`);
    const body = adminBody(request);
    const reason = typeof body.reason === 'string' ? body.reason : '';
    return { withdrawal: await platformAction(() => services.funds.act(app, request.params.no, action, services.clock.now(), reason)) };
  });
}
