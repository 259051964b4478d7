import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { enqueueEvent } from '../../push/outbox.js';
import { field, readInt, INVALID, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { lockForWrite } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { AccountService } from '../account/service.js';
import type { AppService } from '../app/service.js';
import { reviewDueAt } from '../app/settings.js';
import type { AppRecord, Executor } from '../app/store.js';
import { ACCESS_TRANSITIONS, accessStateName, accessStatus, SCENE_TRANSITIONS, type AccessAction, type SceneStatus } from './states.js';
import {
  findDueAgreements,
  findDueScenes,
  loadRecord,
  saveRecord,
  SUCCESS_FLAGS,
  type AccessInfo,
  type AccessInfoFlag,
  type RegisterProfile,
  type RegisterRecord,
  type SuccessFlag,
} from './store.js';

/** Time the admin has to sign the legal agreement after register/apply (2022 generation). */
export const AGREEMENT_WINDOW_MS = 24 * 3600 * 1000;
/** The one scene group: Channels and Official Accounts. */
export const SCENE_GROUP_ID = 1;
export const SCENE_GROUP_NAME = '视频号、公众号场景';
/** Items of the scene review: 1 customer service and after-sales, 2 e-commerce platform. */
export const SCENE_EXT_ITEMS = [
  { ext_id: 1, name: '客服售后' },
  { ext_id: 2, name: '电商平台' },
] as const;

/** register/finish_access_info items: the flag each one sets and the flags it needs first. */
const FINISH_ITEMS: Record<number, { sets: AccessInfoFlag; needs: AccessInfoFlag[] }> = {
  6: { sets: 'spu_audit_finished', needs: ['spu_audit_success'] },
  7: { sets: 'ec_order_finished', needs: ['ec_order_success'] },
  19: { sets: 'ec_order_finished', needs: ['ec_order_success'] },
  8: { sets: 'send_delivery_finished', needs: ['send_delivery_success'] },
  9: { sets: 'ec_after_sale_finished', needs: ['ec_after_sale_success'] },
  20: { sets: 'ec_after_sale_finished', needs: ['ec_after_sale_success'] },
  10: { sets: 'test_api_finished', needs: ['spu_audit_finished', 'ec_order_finished', 'send_delivery_finished', 'ec_after_sale_finished'] },
  11: { sets: 'deploy_wxa_finished', needs: ['test_api_finished'] },
};
const FINISHED_FLAGS: AccessInfoFlag[] = ['spu_audit_finished', 'ec_order_finished', 'send_delivery_finished', 'ec_after_sale_finished', 'test_api_finished', 'deploy_wxa_finished'];

/**
 * Legacy (2021) names of four task flags. A live register/check reply listed them beside the
 * current names, so both are sent.
 */
const LEGACY_FLAG_NAMES: [string, AccessInfoFlag][] = [
  ['pay_order_success', 'ec_order_success'],
  ['pay_order_finished', 'ec_order_finished'],
  ['add_aftersale_success', 'ec_after_sale_success'],
  ['add_aftersale_finished', 'ec_after_sale_finished'],
];

/** register/apply rejections, checked in this order: profile fact → errcode. */
const APPLY_REJECTIONS: [keyof RegisterProfile, number][] = [
  ['mini_game', 1040001],
  ['standard_component', 1040007],
  ['category_ineligible', 1040005],
  ['not_on_allow_list', 1040006],
  ['recent_violation', 1040009],
  ['under_mp_review', 1040010],
  ['prerequisites_unmet', 1040008],
];

/** Tells whether the platform has observed a task's success, e.g. a product that passed review. */
export type TaskProbe = (db: Executor, appid: string) => Promise<boolean>;

/** Raised by admin actions that the access or scene lifecycle does not allow in the current state. */
export class RegisterStateError extends Error {}

/**
 * Opening the custom component (access), the onboarding task checklist and the scene review.
 * The access state itself is a column of the app; this service decides every change of it.
 */
export class RegisterService {
  private readonly probes = new Map<SuccessFlag, TaskProbe>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly apps: AppService,
    private readonly accounts: AccountService,
    private readonly logger: Logger,
  ) {}

  /** Lets a module report a success flag it can observe (spu_audit_success from products…). */
  registerTaskProbe(flag: SuccessFlag, probe: TaskProbe): void {
    this.probes.set(flag, probe);
  }

  /** Sets a success flag from another module, inside its transaction. */
  async markTaskSuccess(db: Executor, appid: string, flag: SuccessFlag): Promise<void> {
    const record = await loadRecord(db, appid);
    if (record.access_info[flag] === 1) return;
    await saveRecord(db, { ...record, access_info: { ...record.access_info, [flag]: 1 } });
  }

  /** register/apply, by the app's generation. */
  async apply(app: AppRecord, now: number) {
    const opened = await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, app.appid);
      const record = await loadRecord(trx, app.appid);
      if (record.apply_generation === '2024') throw new WireError(1400007, 'register.apply.retired');
      const current = await this.requireApp(trx, app.appid);
      const from = accessStatus(current.access_state);
      if (from === 2) throw new WireError(1040002, 'register.apply.already_accessed');
      if (from === 1) throw new WireError(1040019, 'register.apply.pending_agreement');
      if (from === 3) throw new WireError(1040004, 'register.apply.banned');
      for (const [fact, code] of APPLY_REJECTIONS) {
        if (record.profile[fact]) throw new WireError(code, `register.apply.${fact}`);
      }
      if (record.apply_generation === '2021') {
        await this.moveAccess(trx, current, 'apply_immediate', now, { event: false });
        return true;
      }
      await this.moveAccess(trx, current, 'apply', now, { event: false });
      await saveRecord(trx, { ...record, agreement_due_at: now + AGREEMENT_WINDOW_MS });
      return false;
    });
    this.apps.forget(app.appid);
    this.logger.info({ appid: app.appid, opened }, opened ? 'component opened by register/apply' : 'register/apply waits for the agreement');
    return {};
  }

  /** register/check: 1040003 until the component is open. */
  async check(app: AppRecord) {
    const current = await this.requireApp(this.db, app.appid);
    const status = accessStatus(current.access_state);
    if (status !== 2 && status !== 3) throw new WireError(1040003, 'register.check.not_accessed');
    const record = await loadRecord(this.db, app.appid);
    const accessInfo = await this.observedAccessInfo(this.db, record);
    return {
      data: {
        status,
        access_info: { ...accessInfo, ...Object.fromEntries(LEGACY_FLAG_NAMES.map(([legacy, current]) => [legacy, accessInfo[current]])) },
        scene_group_list: this.sceneView(current, record),
      },
    };
  }

  /** register/finish_access_info: marks one task done once its prerequisites are. */
  async finishAccessInfo(app: AppRecord, body: JsonObject, now: number) {
    const item = readInt(body, 'access_info_item');
    if (item === undefined || item === INVALID) throw new WireError(990007, 'register.finish.item_missing');
    const rule = FINISH_ITEMS[item];
    if (!rule) throw new WireError(990007, 'register.finish.item_unknown');
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, app.appid);
      const current = await this.requireApp(trx, app.appid);
      this.requireAccessed(current, 'register.finish');
      const record = await loadRecord(trx, app.appid);
      const info = await this.observedAccessInfo(trx, record);
      const missing = rule.needs.find((flag) => info[flag] !== 1);
      if (missing) throw new WireError(1040021, `register.finish.needs_${missing}`);
      info[rule.sets] = 1;
      if (FINISHED_FLAGS.every((flag) => info[flag] === 1)) info.open_product_task_finished = 1;
      await saveRecord(trx, { ...record, access_info: info });
    });
    this.logger.info({ appid: app.appid, item, at: now }, 'onboarding task finished');
    return {};
  }

  /** register/apply_scene: submits scene group 1 for review once every task is finished. */
  async applyScene(app: AppRecord, body: JsonObject, now: number) {
    const raw = field(body, 'scene_group_id') !== undefined ? readInt(body, 'scene_group_id') : readInt(body, 'scene_group');
    if (raw === undefined || raw === INVALID) throw new WireError(990007, 'register.apply_scene.scene_group_id_missing');
    if (raw !== SCENE_GROUP_ID) throw new WireError(990007, 'register.apply_scene.scene_group_id_unknown');
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, app.appid);
      const current = await this.requireApp(trx, app.appid);
      this.requireAccessed(current, 'register.apply_scene');
      const record = await loadRecord(trx, app.appid);
      const info = await this.observedAccessInfo(trx, record);
      if (info.open_product_task_finished !== 1) throw new WireError(1040041, 'register.apply_scene.tasks_unfinished');
      const from = this.sceneStatus(current, record);
      if (from === 0) throw new WireError(1040019, 'register.apply_scene.under_review');
      if (from === 1) throw new WireError(1040004, 'register.apply_scene.already_passed');
      const reviewer = current.settings.reviewer;
      await saveRecord(trx, {
        ...record,
        access_info: info,
        scene_status: transition('scene group review', SCENE_TRANSITIONS, 'apply', from),
        scene_reason: '',
        scene_due_at: reviewDueAt(reviewer, now),
      });
    });
    return {};
  }

  /** Admin: a platform-side access action (open, close, sign, ban, unban). */
  async adminAccess(appid: string, action: Exclude<AccessAction, 'apply' | 'apply_immediate' | 'expire'>, now: number): Promise<AppRecord> {
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, appid);
      const current = await this.requireApp(trx, appid);
      await this.moveAccess(trx, current, action, now, { event: true });
      if (action === 'sign' || action === 'open') {
        const record = await loadRecord(trx, appid);
        if (record.agreement_due_at !== null) await saveRecord(trx, { ...record, agreement_due_at: null });
      }
    });
    this.apps.forget(appid);
    this.logger.info({ appid, action }, 'component access changed by the admin API');
    return (await this.apps.read(this.db, appid))!;
  }

  /** Admin: decides the scene review now. */
  async decideScene(appid: string, approve: boolean, reason: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, appid);
      const app = await this.requireApp(trx, appid);
      const record = await loadRecord(trx, appid);
      if (record.scene_status !== 0) throw new RegisterStateError('The scene group has no review in progress');
      await this.applySceneDecision(trx, app, record, approve, reason, now);
    });
    this.apps.forget(appid);
  }

  /** Admin: changes the generation or the refusal facts. */
  async updateProfile(appid: string, change: (record: RegisterRecord) => RegisterRecord): Promise<RegisterRecord> {
    return this.db.transaction().execute(async (trx) => {
      await this.lock(trx, appid);
      await this.requireApp(trx, appid);
      const next = change(await loadRecord(trx, appid));
      await saveRecord(trx, next);
      return next;
    });
  }

  /** Admin: sets success flags the platform would observe (an order paid, a delivery sent…). */
  async setSuccessFlags(appid: string, flags: SuccessFlag[]): Promise<RegisterRecord> {
    return this.updateProfile(appid, (record) => {
      const info = { ...record.access_info };
      for (const flag of flags) info[flag] = 1;
      return { ...record, access_info: info };
    });
  }

  /** Loads the register record of an app (profile, generation, flags), for the admin API and wxpay. */
  record(db: Executor, appid: string): Promise<RegisterRecord> {
    return loadRecord(db, appid);
  }

  /** Expires unsigned agreements and decides scene reviews that are due. Returns how many changed. */
  async runDue(now: number): Promise<number> {
    let changed = 0;
    for (const appid of await findDueAgreements(this.db, now, 100)) {
      await this.db.transaction().execute(async (trx) => {
        await this.lock(trx, appid);
        const record = await loadRecord(trx, appid);
        if (record.agreement_due_at === null || record.agreement_due_at > now) return;
        const app = await this.apps.read(trx, appid);
        if (app && accessStatus(app.access_state) === 1) await this.moveAccess(trx, app, 'expire', now, { event: false });
        await saveRecord(trx, { ...record, agreement_due_at: null });
        changed++;
      });
      this.apps.forget(appid);
    }
    for (const appid of await findDueScenes(this.db, now, 100)) {
      await this.db.transaction().execute(async (trx) => {
        await this.lock(trx, appid);
        const record = await loadRecord(trx, appid);
        const app = await this.apps.read(trx, appid);
        if (!app || record.scene_due_at === null || record.scene_due_at > now || record.scene_status !== 0) return;
        if (app.settings.reviewer.mode === 'manual') {
          await saveRecord(trx, { ...record, scene_due_at: null });
          return;
        }
        await this.applySceneDecision(trx, app, record, true, '', now);
        changed++;
      });
      this.apps.forget(appid);
    }
    return changed;
  }

  private async applySceneDecision(trx: Executor, app: AppRecord, record: RegisterRecord, approve: boolean, reason: string, now: number) {
    const status = transition('scene group review', SCENE_TRANSITIONS, approve ? 'approve' : 'reject', record.scene_status);
    await saveRecord(trx, { ...record, scene_status: status, scene_reason: reason, scene_due_at: null });
    if (approve) {
      await this.apps.saveSettings(trx, app.appid, (settings) => ({
        ...settings,
        opened_scene_groups: settings.opened_scene_groups.includes(SCENE_GROUP_ID) ? settings.opened_scene_groups : [...settings.opened_scene_groups, SCENE_GROUP_ID],
      }));
    }
    await enqueueEvent(trx, app, 'open_product_scene_group_audit', 'SceneGroupAudit', {
      group_id: SCENE_GROUP_ID,
      reason,
      name: SCENE_GROUP_NAME,
      scene_group_ext_list: SCENE_EXT_ITEMS.map((item) => ({ ext_id: item.ext_id, status, name: item.name })),
    }, now);
    this.logger.info({ appid: app.appid, approved: approve }, 'scene review decided');
  }

  /** Applies an access transition: stores the state, grants or clears approvals, pushes the event. */
  private async moveAccess(trx: Executor, app: AppRecord, action: AccessAction, now: number, options: { event: boolean }) {
    let to;
    try {
      to = transition('component access', ACCESS_TRANSITIONS, action, accessStatus(app.access_state));
    } catch (error) {
      if (error instanceof TransitionRejected) throw new RegisterStateError(`Access action "${action}" is not allowed while the app is ${app.access_state}`);
      throw error;
    }
    await this.apps.saveAccessState(trx, app.appid, accessStateName(to));
    if (to === 2 && action !== 'unban') await this.accounts.grantAutoCategories(trx, app.appid);
    if (action === 'close') await this.accounts.clearApprovals(trx, app.appid);
    if (!options.event) return;
    if (action === 'sign' || action === 'open') {
      await enqueueEvent(trx, app, 'open_product_account_register', 'OpenProductAccountRegister', { status: 2 }, now);
    } else if (action === 'close') {
      await enqueueEvent(trx, app, 'open_product_account_register', 'OpenProductAccountRegister', { status: 10 }, now);
    }
  }

  /** Merges the stored flags with the successes the probes have observed since. */
  private async observedAccessInfo(db: Executor, record: RegisterRecord): Promise<AccessInfo> {
    const info = { ...record.access_info };
    for (const flag of SUCCESS_FLAGS) {
      const probe = this.probes.get(flag);
      if (info[flag] === 0 && probe && (await probe(db, record.appid))) info[flag] = 1;
    }
    return info;
  }

  /** Scene status: the review's own, or passed when the scene was opened through the settings. */
  private sceneStatus(app: AppRecord, record: RegisterRecord): SceneStatus {
    if (record.scene_status !== 3) return record.scene_status;
    return app.settings.opened_scene_groups.includes(SCENE_GROUP_ID) ? 1 : 3;
  }

  private sceneView(app: AppRecord, record: RegisterRecord) {
    const status = this.sceneStatus(app, record);
    if (status === 3) return [];
    return [
      {
        group_id: SCENE_GROUP_ID,
        name: SCENE_GROUP_NAME,
        status,
        reason: record.scene_reason,
        scene_group_ext_list: SCENE_EXT_ITEMS.map((item) => ({ ext_id: item.ext_id, status })),
      },
    ];
  }

  private requireAccessed(app: AppRecord, rule: string): void {
    const status = accessStatus(app.access_state);
    if (status === 3) throw new WireError(1040004, `${rule}.banned`);
    if (status !== 2) throw new WireError(1040003, `${rule}.not_accessed`);
  }

  /** Serialises the onboarding changes of one app (see lockForWrite). */
  private lock(trx: Transaction<Database>, appid: string): Promise<void> {
    return lockForWrite(this.db, trx, `register:${appid}`);
  }

  private async requireApp(db: Executor, appid: string): Promise<AppRecord> {
    const app = await this.apps.read(db, appid);
    if (!app) throw new RegisterStateError(`No app ${appid}`);
    return app;
  }
}
