import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import { hasNul } from '../../server/fields.js';
import type { Services } from '../../services.js';
import { fitsIntegerColumn } from '../../storage/database.js';
import { requireApp } from '../app/admin.js';
import { plain } from '../order/admin.js';
import { platformAction } from '../funds/admin.js';
import { complaintView, type OpenComplaintInput } from './service.js';

const ACTIONS = ['escalate', 'judge', 'withdraw'] as const;

function optionalText(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || hasNul(value)) throw new AdminError(400, `invalid_${key}`, `${key} must be a string`);
  return value;
}

/** The buyer's and the platform's side of disputes: open one on an order, then move it. */
export function registerComplaintAdmin(admin: FastifyInstance, services: Services): void {
  admin.post<{ Params: { appid: string } }>('/apps/:appid/complaints', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const orderId = optionalText(body, 'order_id');
    const outOrderId = optionalText(body, 'out_order_id');
    if (orderId === undefined && outOrderId === undefined) throw new AdminError(400, 'order_missing', 'Send order_id or out_order_id');
    if (orderId !== undefined && !/^\d{1,20}$/.test(orderId)) throw new AdminError(400, 'invalid_order_id', 'order_id must be decimal digits');
    const afterSale = optionalText(body, 'after_sale_order_id');
    if (afterSale !== undefined && !/^\d{1,20}$/.test(afterSale)) throw new AdminError(400, 'invalid_after_sale_order_id', 'after_sale_order_id must be decimal digits');
    const type = body.type;
    if (type !== undefined && !(typeof type === 'number' && fitsIntegerColumn(type))) throw new AdminError(400, 'invalid_type', 'type must be a 32-bit integer');
    const media = body.media_url_list;
    if (media !== undefined && !(Array.isArray(media) && media.every((url) => typeof url === 'string'))) throw new AdminError(400, 'invalid_media_url_list', 'media_url_list must be an array of strings');
    const input: OpenComplaintInput = {
      key: orderId !== undefined ? { order_id: orderId } : { out_order_id: outOrderId },
      after_sale_order_id: afterSale,
      type: type as number | undefined,
      content: optionalText(body, 'content'),
      media_url_list: media as string[] | undefined,
      phone_number: optionalText(body, 'phone_number'),
    };
    const record = await platformAction(() => services.complaints.open(app, input, services.clock.now()));
    return { complaint: plain(complaintView(record)) };
  });

  admin.post<{ Params: { appid: string; id: string; action: string } }>('/apps/:appid/complaints/:id/:action', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const action = request.params.action as (typeof ACTIONS)[number];
    if (!ACTIONS.includes(action)) throw new AdminError(404, 'unknown_action', `Actions: ${ACTIONS.join(', ')}`);
    if (!/^\d{1,20}$/.test(request.params.id)) throw new AdminError(404, 'not_found', 'No such complaint');
    const body = adminBody(request);
    const judge = body.judge_result;
    if (judge !== undefined && !(typeof judge === 'number' && Number.isSafeInteger(judge))) throw new AdminError(400, 'invalid_judge_result', 'judge_result must be an integer');
    const record = await platformAction(() =>
      services.complaints.act(app, request.params.id, action, services.clock.now(), { judge_result: judge as number | undefined, content: optionalText(body, 'content') }),
    );
    return { complaint: plain(complaintView(record)) };
  });
}
