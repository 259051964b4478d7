import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { enqueueEvent } from '../../push/outbox.js';
import { field, hasNul, INVALID, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { fitsIntegerColumn } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { UserOfApp } from '../coupon/openid.js';
import { BIND_STATUS, BIND_TRANSITIONS, type BindStatus } from './states.js';
import {
  countByStatus,
  findPromoter,
  findShareMode,
  findSharer,
  insertPromoter,
  insertSharer,
  listPromoters,
  listSharers,
  saveShareMode,
  saveSharer,
  type PromoterRecord,
  type SharerRecord,
} from './store.js';

export const SHARER_LIMITS = {
  /** Bound sharers one mini program may have (docs, invite reason 200). */
  maxSharers: 10_000,
  /** Invitations per user per day, and the least time between two (docs, invite reason 204). */
  invitesPerDay: 3,
  inviteIntervalMs: 10 * 60 * 1000,
  /** openids per bind or unbind request (error-code page, 1310003). */
  openidsPerRequest: 100,
  /** A sharer cannot be unbound within a day of binding (WeChat Store's rule, adopted here). */
  unbindAfterMs: 24 * 3600 * 1000,
  /** page_size caps (docs): get_sharer_list 100, live summaries 20, promoter list 20. */
  sharerListPageSize: 100,
  liveSummaryPageSize: 20,
  /** Live order list cap is undocumented; the sandbox uses the order lists' 100. */
  liveOrderPageSize: 100,
  promoterPageSize: 20,
} as const;

const DAY_MS = 24 * 3600 * 1000;

/** Invite `result_code`: 0 sent, 1 failed (retry allowed), 2 refused (do not retry) (docs). */
const RESULT = { success: 0, failed: 1, refused: 2 } as const;
/** Invite `reason_code` (docs). */
const REASON = { sent: 0, busy: 100, cap: 200, openid: 201, alreadySharer: 202, userDeclines: 203, tooOften: 204 } as const;

/** Sales a sharer brought in, from the order records. */
export interface SharerSales {
  gmv: number;
  order_cnt: number;
  user_cnt: number;
}
export type SharerSalesLookup = (appid: string, openid: string) => Promise<SharerSales>;

const seconds = (ms: number): number => Math.floor(ms / 1000);

type ListName = 'success_list' | 'fail_list' | 'refuse_list';

interface BatchResult {
  success_list: string[];
  fail_list: string[];
  refuse_list: string[];
  result_list: { openid: string; result_code: number; reason_code: number }[];
}

function emptyBatch(): BatchResult {
  return { success_list: [], fail_list: [], refuse_list: [], result_list: [] };
}

function record(batch: BatchResult, list: ListName, openid: string, resultCode: number, reasonCode: number): void {
  batch[list].push(openid);
  batch.result_list.push({ openid, result_code: resultCode, reason_code: reasonCode });
}

/** Where one openid of a bind or unbind request lands, with its result and reason codes. */
interface Outcome {
  list: ListName;
  result: number;
  reason: number;
}

/**
 * Runs `work` once per distinct openid in sorted order, so that two requests naming the same
 * openids lock their rows in the same order and cannot deadlock on PostgreSQL. The lists follow
 * the request's order, and an openid named twice gets the outcome of its first mention.
 */
async function inLockOrder(openids: string[], work: (openid: string) => Promise<Outcome>): Promise<BatchResult> {
  const outcomes = new Map<string, Outcome>();
  for (const openid of [...new Set(openids)].sort()) outcomes.set(openid, await work(openid));
  const batch = emptyBatch();
  for (const openid of openids) {
    const outcome = outcomes.get(openid)!;
    record(batch, outcome.list, openid, outcome.result, outcome.reason);
  }
  return batch;
}

/** Reads `openids` of bind and unbind: absent or empty 1310002, more than 100 1310003. */
function readOpenids(body: JsonObject): string[] {
  const value = field(body, 'openids');
  if (!Array.isArray(value) || value.length === 0) throw new WireError(1310002, 'sharer.openids.missing');
  if (value.length > SHARER_LIMITS.openidsPerRequest) throw new WireError(1310003, 'sharer.openids.too_many');
  return value.map((item) => (typeof item === 'string' ? item : String(item)));
}

/** Reads `openid` of the single-sharer calls: absent or empty 1310002. */
function readOpenid(body: JsonObject): string {
  const openid = readString(body, 'openid');
  if (openid === undefined || openid === INVALID || openid === '') throw new WireError(1310002, 'sharer.openid.missing');
  return openid;
}

/** Reads page (≥ 1) and page_size (1 to `cap`) of the sharer lists. */
function readPage(body: JsonObject, cap: number, rule: string): { offset: number; limit: number } {
  const page = readInt(body, 'page');
  const pageSize = readInt(body, 'page_size');
  if (page === undefined || page === INVALID || page < 1) throw new WireError(990007, `${rule}.page.invalid`);
  if (pageSize === undefined || pageSize === INVALID || pageSize < 1) throw new WireError(990007, `${rule}.page_size.invalid`);
  if (pageSize > cap) throw new WireError(990005, `${rule}.page_size.too_large`);
  return { offset: (page - 1) * pageSize, limit: pageSize };
}

/** Sharers (分享员): invitations, binding, lists and sales summaries; Channels promoters. */
export class SharerService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sales: SharerSalesLookup,
    private readonly isUserOfApp: UserOfApp,
    private readonly logger: Logger,
  ) {}

  /** shop/sharer/bind: invites each openid, within the cap and the invitation limits. */
  async bind(app: AppRecord, body: JsonObject, now: number) {
    const openids = readOpenids(body);
    return this.db.transaction().execute(async (trx) => {
      const bound = await countByStatus(trx, app.appid, [BIND_STATUS.bound]);
      if (bound >= SHARER_LIMITS.maxSharers) throw new WireError(1310001, 'sharer.bind.cap_reached');
      let taken = bound + (await countByStatus(trx, app.appid, [BIND_STATUS.inviting]));
      return inLockOrder(openids, async (openid) => {
        const outcome = await this.inviteOne(trx, app, openid, taken, now);
        if (outcome.list === 'success_list' && outcome.newInvite) taken++;
        return outcome;
      });
    });
  }

  private async inviteOne(
    trx: Executor,
    app: AppRecord,
    openid: string,
    taken: number,
    now: number,
  ): Promise<Outcome & { newInvite?: boolean }> {
    if (hasNul(openid) || !(await this.isUserOfApp(trx, app.appid, openid))) return { list: 'refuse_list', result: RESULT.refused, reason: REASON.openid };
    const current = await findSharer(trx, app.appid, openid);
    if (current?.bind_status === BIND_STATUS.bound) return { list: 'refuse_list', result: RESULT.refused, reason: REASON.alreadySharer };
    if (current?.refuses_invites) return { list: 'refuse_list', result: RESULT.refused, reason: REASON.userDeclines };
    const recent = (current?.invite_times ?? []).filter((time) => now - time < DAY_MS);
    const last = recent.length > 0 ? Math.max(...recent) : undefined;
    if (recent.length >= SHARER_LIMITS.invitesPerDay || (last !== undefined && now - last < SHARER_LIMITS.inviteIntervalMs)) {
      return { list: 'fail_list', result: RESULT.failed, reason: REASON.tooOften };
    }
    const newInvite = current?.bind_status !== BIND_STATUS.inviting;
    if (newInvite && taken >= SHARER_LIMITS.maxSharers) return { list: 'refuse_list', result: RESULT.refused, reason: REASON.cap };

    if (!current) {
      const fresh: SharerRecord = {
        appid: app.appid,
        openid,
        bind_status: transition('sharer binding', BIND_TRANSITIONS, 'invite', BIND_STATUS.none),
        nickname: defaultNickname(openid),
        invited_time: now,
        bind_time: 0,
        invite_times: [now],
        refuses_invites: false,
        update_time: now,
      };
      // Another request invited the same openid first: report it as busy, to be retried.
      if (!(await insertSharer(trx, fresh))) return { list: 'fail_list', result: RESULT.failed, reason: REASON.busy };
      return { list: 'success_list', result: RESULT.success, reason: REASON.sent, newInvite: true };
    }
    const next: SharerRecord = {
      ...current,
      bind_status: transition('sharer binding', BIND_TRANSITIONS, 'invite', current.bind_status),
      invited_time: now,
      bind_time: 0,
      invite_times: [...recent, now],
      update_time: Math.max(now, current.update_time + 1),
    };
    if (!(await saveSharer(trx, next, current))) return { list: 'fail_list', result: RESULT.failed, reason: REASON.busy };
    return { list: 'success_list', result: RESULT.success, reason: REASON.sent, newInvite };
  }

  /**
   * shop/sharer/unbind: unbinds each bound sharer bound for more than a day and pushes
   * miniprogram_sharer_bind_status_change with bind_status 2. When no openid of the request is,
   * or was, a sharer, the call fails with 1310004.
   */
  async unbind(app: AppRecord, body: JsonObject, now: number) {
    const openids = readOpenids(body);
    return this.db.transaction().execute(async (trx) => {
      let known = 0;
      const batch = await inLockOrder(openids, async (openid): Promise<Outcome> => {
        const current = hasNul(openid) ? undefined : await findSharer(trx, app.appid, openid);
        if (!current || current.bind_status === BIND_STATUS.none) return { list: 'refuse_list', result: RESULT.refused, reason: REASON.openid };
        known++;
        if (current.bind_status !== BIND_STATUS.bound || now - current.bind_time < SHARER_LIMITS.unbindAfterMs) {
          return { list: 'refuse_list', result: RESULT.refused, reason: REASON.alreadySharer };
        }
        const next: SharerRecord = {
          ...current,
          bind_status: transition('sharer binding', BIND_TRANSITIONS, 'unbind', current.bind_status),
          update_time: Math.max(now, current.update_time + 1),
        };
        if (!(await saveSharer(trx, next, current))) return { list: 'fail_list', result: RESULT.failed, reason: REASON.busy };
        await this.pushBindStatus(trx, app, openid, 2, now);
        return { list: 'success_list', result: RESULT.success, reason: REASON.sent };
      });
      if (known === 0) throw new WireError(1310004, 'sharer.unbind.not_a_sharer');
      const { result_list: _details, ...lists } = batch;
      return lists;
    });
  }

  /** shop/sharer/search_sharer: one openid's invitation and binding. */
  async search(app: AppRecord, body: JsonObject) {
    const sharer = await this.requireSharer(app, readOpenid(body), 'sharer.search_sharer');
    return {
      invited_time: seconds(sharer.invited_time),
      bind_time: seconds(sharer.bind_time),
      nickname: sharer.nickname,
      bind_status: sharer.bind_status,
    };
  }

  /** shop/sharer/get_sharer_list: bound sharers in binding order. */
  async list(app: AppRecord, body: JsonObject) {
    const { offset, limit } = readPage(body, SHARER_LIMITS.sharerListPageSize, 'sharer.get_sharer_list');
    const { total, items } = await listSharers(this.db, app.appid, [BIND_STATUS.bound], offset, limit);
    return {
      sharers: items.map((sharer) => ({
        openid: sharer.openid,
        invited_time: seconds(sharer.invited_time),
        bind_time: seconds(sharer.bind_time),
        nickname: sharer.nickname,
      })),
      total_num: total,
    };
  }

  /** shop/sharer/get_sharer_data_summary: the sharer's sales totals. */
  async dataSummary(app: AppRecord, body: JsonObject) {
    const sharer = await this.requireSharer(app, readOpenid(body), 'sharer.get_sharer_data_summary');
    const sales = await this.sales(app.appid, sharer.openid);
    return { gmv: sales.gmv, order_cnt: sales.order_cnt, user_cnt: sales.user_cnt };
  }

  /**
   * shop/sharer/get_sharer_live_summary_list: the sharer's live rooms.
   * NOTE: the sandbox has no live rooms yet, so the list is always empty.
   */
  async liveSummaryList(app: AppRecord, body: JsonObject) {
    const openid = readOpenid(body);
    readPage(body, SHARER_LIMITS.liveSummaryPageSize, 'sharer.get_sharer_live_summary_list');
    await this.requireSharer(app, openid, 'sharer.get_sharer_live_summary_list');
    return { lives: [], total_num: 0 };
  }

  /**
   * shop/sharer/get_sharer_live_order_list: orders of one live room shared by the sharer.
   * NOTE: without live rooms the list is always empty.
   */
  async liveOrderList(app: AppRecord, body: JsonObject) {
    const openid = readOpenid(body);
    const liveExportId = readString(body, 'live_export_id');
    if (liveExportId === undefined || liveExportId === INVALID || liveExportId === '') throw new WireError(990007, 'sharer.live_export_id.missing');
    readPage(body, SHARER_LIMITS.liveOrderPageSize, 'sharer.get_sharer_live_order_list');
    await this.requireSharer(app, openid, 'sharer.get_sharer_live_order_list');
    return { orders: [], total_num: 0 };
  }

  /** shop/sharer/set_share_mode: stores the share mode. Its values are undocumented, so any 32-bit integer is kept. */
  async setShareMode(app: AppRecord, body: JsonObject) {
    const mode = readInt(body, 'share_mode');
    if (mode === undefined || mode === INVALID) throw new WireError(990007, 'sharer.share_mode.missing');
    if (!fitsIntegerColumn(mode)) throw new WireError(990007, 'sharer.share_mode.out_of_range');
    await saveShareMode(this.db, app.appid, mode);
    return {};
  }

  /** shop/promoter/list: the Channels promoters of the app. */
  async promoterList(app: AppRecord, body: JsonObject) {
    const { offset, limit } = readPage(body, SHARER_LIMITS.promoterPageSize, 'promoter.list');
    const { total, items } = await listPromoters(this.db, app.appid, offset, limit);
    return { promoters: items.map(promoterView), total_num: total };
  }

  private async requireSharer(app: AppRecord, openid: string, rule: string): Promise<SharerRecord> {
    const sharer = hasNul(openid) ? undefined : await findSharer(this.db, app.appid, openid);
    if (!sharer || sharer.bind_status === BIND_STATUS.none) throw new WireError(1310004, `${rule}.not_a_sharer`);
    return sharer;
  }

  private async pushBindStatus(trx: Executor, app: AppRecord, openid: string, bindStatus: 1 | 2, now: number): Promise<void> {
    await enqueueEvent(trx, app, 'miniprogram_sharer_bind_status_change', null, { openid, bind_status: bindStatus }, now);
  }

  // ---- platform side (admin API) ----

  /**
   * Records the invited user's decision: accept binds (and pushes bind_status 1), refuse and
   * expire close the invitation. `refuseFuture` records that the user wants no more invitations (reason 203).
   */
  async respond(app: AppRecord, openid: string, decision: 'accept' | 'refuse' | 'expire', options: { nickname?: string; refuseFuture?: boolean }, now: number) {
    return this.db.transaction().execute(async (trx) => {
      const current = await findSharer(trx, app.appid, openid);
      if (!current) throw new WireError(1310004, 'admin.sharer.not_invited');
      let status: BindStatus;
      try {
        status = transition('sharer binding', BIND_TRANSITIONS, decision, current.bind_status);
      } catch (error) {
        if (error instanceof TransitionRejected) throw new WireError(1310004, `admin.sharer.${decision}.not_inviting`);
        throw error;
      }
      const next: SharerRecord = {
        ...current,
        bind_status: status,
        nickname: options.nickname ?? current.nickname,
        bind_time: decision === 'accept' ? now : current.bind_time,
        refuses_invites: decision === 'refuse' && options.refuseFuture === true ? true : current.refuses_invites,
        update_time: Math.max(now, current.update_time + 1),
      };
      if (!(await saveSharer(trx, next, current))) throw new WireError(1310004, 'admin.sharer.concurrent_change');
      if (decision === 'accept') await this.pushBindStatus(trx, app, openid, 1, now);
      this.logger.info({ appid: app.appid, openid, decision }, 'sharer invitation decided');
      return next;
    });
  }

  /** Pushes miniprogram_sharer_action for a bound sharer who shares a live room (1), a product (2) or the showcase (3). */
  async shareAction(app: AppRecord, openid: string, type: 1 | 2 | 3, promoterId: string | undefined, now: number) {
    return this.db.transaction().execute(async (trx) => {
      const sharer = await findSharer(trx, app.appid, openid);
      if (!sharer || sharer.bind_status !== BIND_STATUS.bound) throw new WireError(1310004, 'admin.sharer_action.not_bound');
      let promoter: PromoterRecord | undefined;
      if (promoterId !== undefined) {
        promoter = await findPromoter(trx, app.appid, promoterId);
        if (!promoter) return undefined;
      }
      const fields = {
        type,
        openid,
        promoter: promoter ? promoterView(promoter) : { finder_nickname: '', promoter_id: '', promoter_openid: '' },
      };
      await enqueueEvent(trx, app, 'miniprogram_sharer_action', null, fields, now);
      return fields;
    });
  }

  async addPromoter(app: AppRecord, promoter: Omit<PromoterRecord, 'appid' | 'create_time'>, now: number): Promise<PromoterRecord | undefined> {
    const record: PromoterRecord = { appid: app.appid, ...promoter, create_time: now };
    return (await insertPromoter(this.db, record)) ? record : undefined;
  }

  async listAll(appid: string, offset: number, limit: number) {
    return listSharers(this.db, appid, undefined, offset, limit);
  }

  /** Lists the app's promoters, oldest first (at most 1000), for the admin API. */
  async listPromoters(appid: string) {
    return listPromoters(this.db, appid, 0, 1000);
  }

  async shareMode(appid: string): Promise<number | undefined> {
    return findShareMode(this.db, appid);
  }
}

function promoterView(promoter: PromoterRecord) {
  return { finder_nickname: promoter.finder_nickname, promoter_id: promoter.promoter_id, promoter_openid: promoter.promoter_openid };
}

/** Nickname shown until the admin sets one: 分享员 and the openid's last four characters. */
function defaultNickname(openid: string): string {
  return `分享员${openid.slice(-4)}`;
}
