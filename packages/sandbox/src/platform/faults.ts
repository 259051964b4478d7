import { randomBytes } from 'node:crypto';
import { explain } from '@wxshop/api';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AdminError, adminBody } from '../admin/router.js';
import type { Database } from '../storage/schema.js';
import { WireError } from '../server/wire-error.js';

/** Maximum latency a rule may add, so that an injected delay cannot hang a test run. */
export const MAX_FAULT_LATENCY_MS = 60_000;

/**
 * A fault rule from the admin API. It matches calls of one app (or `*`) to one path (exact, `*`,
 * or a prefix ending in `*`). When it fires it adds latency, then returns `errcode` or drops the
 * connection. `probability` picks the calls it fires on from a generator seeded with `seed`, so
 * a run repeats; `count` limits it to the next N firings.
 */
export interface FaultRule {
  id: string;
  appid: string;
  path: string;
  action: 'errcode' | 'drop' | 'latency';
  errcode: number | null;
  /** Message in place of the catalogue's, before ` rid: …`. */
  errmsg: string | null;
  latency_ms: number;
  probability: number;
  seed: number;
  /** Firings the rule was created with; null for no limit. */
  count: number | null;
}

export interface FaultRuleView extends FaultRule {
  /** Firings left; null for no limit. */
  remaining: number | null;
  created_at: number;
}

/** Draws numbers in [0, 1) from a 32-bit seed (mulberry32), the same sequence on every run. */
function seededGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matchesPath(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === path) return true;
  return pattern.endsWith('*') && path.startsWith(pattern.slice(0, -1));
}

/**
 * Fault injection, step 6 of the wire pipeline. Rules are stored in the database and kept in
 * memory; each instance reloads them after an admin change and on every background tick.
 */
export class FaultService {
  private rules: FaultRuleView[] = [];
  private readonly generators = new Map<string, () => number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
  ) {}

  async reload(): Promise<void> {
    const rows = await this.db.selectFrom('fault_rules').selectAll().orderBy('created_at').orderBy('id').execute();
    this.rules = rows.map((row) => ({
      ...(JSON.parse(row.rule) as FaultRule),
      remaining: row.remaining === null ? null : Number(row.remaining),
      created_at: Number(row.created_at),
    }));
    for (const id of this.generators.keys()) if (!this.rules.some((rule) => rule.id === id)) this.generators.delete(id);
  }

  list(): FaultRuleView[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  async add(rule: Omit<FaultRule, 'id'>, now: number): Promise<FaultRuleView> {
    const stored: FaultRule = { id: `fault_${randomBytes(6).toString('hex')}`, ...rule };
    await this.db.insertInto('fault_rules').values({ id: stored.id, rule: JSON.stringify(stored), remaining: stored.count, created_at: now }).execute();
    await this.reload();
    this.logger.info({ fault: stored.id, appid: stored.appid, path: stored.path, action: stored.action, errcode: stored.errcode }, 'fault rule added');
    return { ...stored, remaining: stored.count, created_at: now };
  }

  /** Deletes one rule, or every rule without an id; returns how many were deleted. */
  async remove(id?: string): Promise<number> {
    let query = this.db.deleteFrom('fault_rules');
    if (id !== undefined) query = query.where('id', '=', id);
    const result = await query.executeTakeFirst();
    await this.reload();
    return Number(result.numDeletedRows);
  }

  /**
   * Applies the first rule that fires for this call: waits its latency, then drops the connection
   * or throws its errcode. Without rules it returns undefined at once. Otherwise the promise
   * resolves when no rule fires or the rule only adds latency.
   */
  apply(appid: string | null, path: string, drop: (() => void) | undefined): Promise<void> | undefined {
    // Without rules, the usual case, nothing is awaited.
    if (this.rules.length === 0) return undefined;
    return this.applyRules(appid, path, drop);
  }

  private async applyRules(appid: string | null, path: string, drop: (() => void) | undefined): Promise<void> {
    const rule = await this.firing(appid, path);
    if (!rule) return;
    if (rule.latency_ms > 0) await new Promise((resolve) => setTimeout(resolve, rule.latency_ms));
    if (rule.action === 'drop') {
      drop?.();
      throw new WireError(-1, `fault.${rule.id}.drop`);
    }
    if (rule.action === 'errcode' && rule.errcode !== null) throw new WireError(rule.errcode, `fault.${rule.id}`, rule.errmsg ?? undefined);
  }

  private async firing(appid: string | null, path: string): Promise<FaultRuleView | undefined> {
    for (const rule of this.rules) {
      if (rule.appid !== '*' && rule.appid !== appid) continue;
      if (!matchesPath(rule.path, path)) continue;
      if (rule.remaining !== null && rule.remaining <= 0) continue;
      if (rule.probability < 1) {
        let draw = this.generators.get(rule.id);
        if (!draw) {
          draw = seededGenerator(rule.seed);
          this.generators.set(rule.id, draw);
        }
        if (draw() >= rule.probability) continue;
      }
      if (rule.remaining !== null) {
        // The decrement is atomic, so a count holds across concurrent calls and instances.
        const row = await this.db
          .updateTable('fault_rules')
          .set((eb) => ({ remaining: eb('remaining', '-', 1) }))
          .where('id', '=', rule.id)
          .where('remaining', '>', 0)
          .returning('remaining')
          .executeTakeFirst();
        if (!row) {
          rule.remaining = 0;
          continue;
        }
        rule.remaining = Number(row.remaining);
      }
      return rule;
    }
    return undefined;
  }
}

/** Reads a POST /faults body into a rule; throws AdminError for a bad field. */
function readRule(body: Record<string, unknown>): Omit<FaultRule, 'id'> {
  const known = ['appid', 'path', 'action', 'errcode', 'errmsg', 'latency_ms', 'probability', 'seed', 'count'];
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new AdminError(400, 'unknown_field', `Unknown fields ${unknown.join(', ')}; valid: ${known.join(', ')}`);
  const appid = body.appid ?? '*';
  if (typeof appid !== 'string' || appid === '') throw new AdminError(400, 'invalid_appid', 'appid must be an appid or "*" for every app');
  const path = body.path;
  if (typeof path !== 'string' || !(path === '*' || path.startsWith('/'))) {
    throw new AdminError(400, 'invalid_path', 'path must be a wire path such as /shop/spu/add, a prefix ending in *, or "*"');
  }
  const errcode = body.errcode ?? null;
  if (errcode !== null && (typeof errcode !== 'number' || errcode === 0 || explain(errcode) === undefined)) {
    throw new AdminError(400, 'invalid_errcode', 'errcode must be a non-zero code of the error catalogue');
  }
  const action = body.action ?? (errcode !== null ? 'errcode' : undefined);
  if (action !== 'errcode' && action !== 'drop' && action !== 'latency') {
    throw new AdminError(400, 'invalid_action', 'action must be "errcode" (with an errcode), "drop" or "latency"');
  }
  if (action === 'errcode' && errcode === null) throw new AdminError(400, 'invalid_errcode', 'action "errcode" needs an errcode');
  const errmsg = body.errmsg ?? null;
  if (errmsg !== null && typeof errmsg !== 'string') throw new AdminError(400, 'invalid_errmsg', 'errmsg must be a string');
  const latency = body.latency_ms ?? 0;
  if (!Number.isInteger(latency) || (latency as number) < 0 || (latency as number) > MAX_FAULT_LATENCY_MS) {
    throw new AdminError(400, 'invalid_latency_ms', `latency_ms must be an integer from 0 to ${MAX_FAULT_LATENCY_MS}`);
  }
  if (action === 'latency' && latency === 0) throw new AdminError(400, 'invalid_latency_ms', 'action "latency" needs latency_ms above 0');
  const probability = body.probability ?? 1;
  if (typeof probability !== 'number' || !(probability > 0 && probability <= 1)) {
    throw new AdminError(400, 'invalid_probability', 'probability must be a number above 0 and at most 1');
  }
  const seed = body.seed ?? 1;
  if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff) {
    throw new AdminError(400, 'invalid_seed', 'seed must be an integer from 0 to 4294967295');
  }
  const count = body.count ?? null;
  if (count !== null && (!Number.isInteger(count) || (count as number) < 1)) throw new AdminError(400, 'invalid_count', 'count must be a positive integer, or absent for no limit');
  return {
    appid,
    path,
    action,
    errcode: errcode as number | null,
    errmsg: errmsg as string | null,
    latency_ms: latency as number,
    probability,
    seed: seed as number,
    count: count as number | null,
  };
}

/** Admin API of fault injection: add, list and delete rules. */
export function registerFaultAdmin(admin: FastifyInstance, faults: FaultService, now: () => number): void {
  admin.get('/faults', async () => {
    await faults.reload();
    return { faults: faults.list() };
  });
  admin.post('/faults', async (request, reply) => reply.code(201).send({ fault: await faults.add(readRule(adminBody(request)), now()) }));
  admin.delete<{ Params: { id: string } }>('/faults/:id', async (request) => {
    const deleted = await faults.remove(request.params.id);
    if (deleted === 0) throw new AdminError(404, 'fault_not_found', `No fault rule ${request.params.id}`);
    return { deleted };
  });
  admin.delete('/faults', async () => ({ deleted: await faults.remove() }));
}
