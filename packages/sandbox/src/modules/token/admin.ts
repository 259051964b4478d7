import type { FastifyInstance } from 'fastify';
import { AdminError } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { requireApp } from '../app/admin.js';
import { listTokens, type TokenRecord } from './store.js';

/** Most tokens one request lists. */
const MAX_TOKENS = 200;

/**
 * State of a token at `now`, with the same comparisons as the wire check: `valid`, `overlap`
 * (superseded but still accepted), `superseded` (rejected with 40001) or `expired` (42001).
 */
function tokenState(record: TokenRecord, now: number): 'valid' | 'overlap' | 'superseded' | 'expired' {
  if (now >= record.expires_at) return 'expired';
  if (record.valid_until !== null && now >= record.valid_until) return 'superseded';
  return record.superseded_at === null ? 'valid' : 'overlap';
}

export function registerTokenAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string }; Querystring: { limit?: string } }>('/apps/:appid/tokens', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TOKENS) throw new AdminError(400, 'invalid_limit', `limit must be an integer from 1 to ${MAX_TOKENS}`);
    const now = services.clock.now();
    const tokens = await listTokens(services.storage.db, app.appid, limit);
    return { tokens: tokens.map((record) => ({ ...record, state: tokenState(record, now) })) };
  });
}
