import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toOpenApi } from '@wxshop/api';
import { formatChinaTime } from '../platform/clock.js';
import type { Services } from '../services.js';
import { WireError } from '../server/wire-error.js';
import { replaceNul, type JsonObject } from '../server/fields.js';
import { registerAppAdmin } from '../modules/app/admin.js';
import { registerProductAdmin } from '../modules/product/admin.js';
import { registerAuditAdmin } from '../modules/audit/admin.js';
import { registerRegisterAdmin } from '../modules/register/admin.js';
import { registerWxpayAdmin } from '../modules/wxpay/admin.js';
import { registerCouponAdmin } from '../modules/coupon/admin.js';
import { registerSharerAdmin } from '../modules/sharer/admin.js';
import { registerPushAdmin } from '../push/admin.js';
import { registerSnapshotAdmin } from './snapshot.js';
import { registerBuyerAdmin } from '../modules/buyer/admin.js';
import { registerOrderAdmin } from '../modules/order/admin.js';
import { registerAftersaleAdmin } from '../modules/aftersale/admin.js';
import { registerQuotaAdmin } from '../modules/quota/admin.js';
import { registerComponentAdmin } from '../modules/component/admin.js';
import { registerFaultAdmin } from '../platform/faults.js';
import { registerTokenAdmin } from '../modules/token/admin.js';
import { registerFundsAdmin } from '../modules/funds/admin.js';
import { registerPayAdmin } from '../modules/pay/admin.js';
import { registerComplaintAdmin } from '../modules/complaint/admin.js';

export const ADMIN_PREFIX = '/_sandbox/v1';

/** Largest single clock advance: 10 years, far beyond any platform time rule. */
const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 3600;
/** Largest total offset: 50 years, which keeps the rid's 8-hex-digit seconds field valid. */
const MAX_OFFSET_SECONDS = 50 * 365 * 24 * 3600;

export interface AdminOptions {
  /** Key that non-loopback callers must send in the `x-wxshop-admin-key` header. */
  adminKey?: string;
  /** Recreates the declared apps after a reset. */
  onReset: () => Promise<void>;
  /**
   * Runs every timed job of the sandbox once at the current sandbox time and returns how many
   * items each moved, by response field (audits_decided, orders_expired, …).
   */
  runDueWork: () => Promise<Record<string, number>>;
}

/** An admin API failure: an HTTP status and a JSON body `{error: {code, message}}`. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

function keyMatches(header: unknown, expected: string): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses the JSON body of an admin request; an absent body is `{}`. */
export function adminBody(request: FastifyRequest): Record<string, unknown> {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new AdminError(400, 'invalid_json', 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AdminError(400, 'invalid_body', 'Request body must be a JSON object');
  }
  // U+0000 becomes U+FFFD, as on the wire, so both databases store the same text.
  return (raw.includes('\\u0000') ? replaceNul(parsed as JsonObject) : parsed) as Record<string, unknown>;
}

/**
 * Reads an integer query parameter of an admin list; absent gives `fallback`, anything else
 * outside `min`..`max` (or not an integer) is a 400 naming the parameter.
 */
export function adminQueryInt(value: string | undefined, name: string, min: number, max: number, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const parsed = /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new AdminError(400, `invalid_${name}`, `${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}

/** Registers the admin API: the platform side of the sandbox, for tests, the console and the CLI. */
export function registerAdmin(app: FastifyInstance, services: Services, options: AdminOptions): void {
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        if (isLoopback(request.ip)) return;
        if (options.adminKey && keyMatches(request.headers['x-wxshop-admin-key'], options.adminKey)) return;
        services.logger.warn({ ip: request.ip, path: request.url.split('?')[0] }, 'admin request rejected: caller is not on loopback and sent no valid admin key');
        await reply.code(403).send({ error: { code: 'forbidden', message: 'The admin API accepts loopback callers, or others that send x-wxshop-admin-key' } });
      });

      admin.setErrorHandler(async (error: unknown, request, reply) => {
        if (error instanceof AdminError) {
          return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
        }
        if ((error as { statusCode?: number }).statusCode === 413) {
          return reply.code(413).send({ error: { code: 'body_too_large', message: 'Request body is larger than 10 MiB' } });
        }
        if (error instanceof WireError) {
          return reply.code(409).send({ error: { code: error.rule, message: `Not allowed in the current state (errcode ${error.errcode})` } });
        }
        services.logger.error({ err: error, path: request.url.split('?')[0] }, 'admin request failed');
        return reply.code(500).send({ error: { code: 'internal', message: 'Internal error; see the sandbox log' } });
      });

      admin.setNotFoundHandler(async (request, reply) => {
        return reply.code(404).send({ error: { code: 'not_found', message: `No admin endpoint ${request.method} ${request.url.split('?')[0]}` } });
      });

      admin.get('/health', async () => ({ ok: true, storage: services.storage.description }));
      admin.get('/openapi.json', async (request) => toOpenApi({ serverUrl: `${request.protocol}://${request.headers.host ?? '127.0.0.1'}` }));

      admin.get('/clock', async () => clockView(services));
      admin.post('/clock/advance', async (request) => {
        const body = adminBody(request);
        const seconds = body.seconds;
        if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
          throw new AdminError(400, 'invalid_seconds', `seconds must be a number from 0 to ${MAX_ADVANCE_SECONDS} (10 years)`);
        }
        if ((services.clock.offset() + seconds * 1000) / 1000 > MAX_OFFSET_SECONDS) {
          throw new AdminError(400, 'clock_too_far', `The clock may run at most ${MAX_OFFSET_SECONDS} s (50 years) ahead of wall time; reset to start again`);
        }
        await services.clock.advance(Math.round(seconds * 1000));
        services.tokens.clearCache();
        const counts = await options.runDueWork();
        return { ...clockView(services), ...counts };
      });

      admin.post('/reset', async () => {
        await resetState(services);
        await options.onReset();
        return { ok: true };
      });

      registerAppAdmin(admin, services);
      registerProductAdmin(admin, services);
      registerRegisterAdmin(admin, services);
      registerAuditAdmin(admin, services);
      registerWxpayAdmin(admin, services);
      registerCouponAdmin(admin, services);
      registerSharerAdmin(admin, services);
      registerPushAdmin(admin, services);
      registerSnapshotAdmin(admin, services);
      registerBuyerAdmin(admin, services);
      registerOrderAdmin(admin, services);
      registerAftersaleAdmin(admin, services);
      registerQuotaAdmin(admin, services);
      registerComponentAdmin(admin, services);
      registerFaultAdmin(admin, services.faults, () => services.clock.now());
      registerTokenAdmin(admin, services);
      registerFundsAdmin(admin, services);
      registerPayAdmin(admin, services);
      registerComplaintAdmin(admin, services);
    },
    { prefix: ADMIN_PREFIX },
  );
}

function clockView(services: Services) {
  const now = services.clock.now();
  return { now_ms: now, now: formatChinaTime(now), offset_ms: services.clock.offset() };
}

/** Deletes every row of every table and puts the clock back to wall time. */
async function resetState(services: Services): Promise<void> {
  await services.requestLog.flush();
  const db = services.storage.db;
  // Every table the migrations made, so a module's new table is reset without being listed here.
  // On PostgreSQL only this schema is read: Kysely's introspector reads every schema and fails
  // when another sandbox on the same database drops its schema meanwhile.
  const tables = services.storage.dialect === 'postgres'
    ? (
        await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%'`.execute(db)
      ).rows.map((row) => row.name)
    : (await db.introspection.getTables()).map((table) => table.name);
  await db.transaction().execute(async (trx) => {
    for (const table of tables) await trx.deleteFrom(table as never).execute();
  });
  // On SQLite the request log has its own file, outside the tables listed above.
  await services.requestLog.clear();
  await services.clock.reset();
  // Counters may live in Redis, outside the database tables deleted above.
  await services.quota.counters.clearAll();
  // Drops this instance's caches and tells the other instances on the database to drop theirs.
  await services.generation.replaced();
  await services.faults.reload();
  services.logger.info('sandbox state reset');
}

export type { FastifyReply };
