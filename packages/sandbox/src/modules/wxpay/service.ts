import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { transition } from '../../platform/transitions.js';
import { field, isObject, readString, textLength, INVALID, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Database } from '../../storage/schema.js';
import type { AppService } from '../app/service.js';
import { reviewDueAt } from '../app/settings.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { RegisterProfile } from '../register/store.js';
import type { RegisterService } from '../register/service.js';
import { APPLYMENT_STATES, WXPAY_STATE, WXPAY_TRANSITIONS } from './states.js';
import { findApplication, findDueApplications, saveApplication, type WxpayApplication } from './store.js';

/** organization_type of a small micro merchant (小微), which has no business licence. */
const MICRO_MERCHANT = '2401';
/** Maximum length of a text field. WeChat Pay's own limits vary by field and are not enforced here. */
const MAX_TEXT = 256;
/** wxpay/apply rejections, checked in this order: profile fact → errcode. */
const APPLY_REJECTIONS: [keyof RegisterProfile, number][] = [
  ['real_name_failed', 1040014],
  ['security_check_failed', 1040015],
  ['pay_score_low', 1040016],
  ['has_mini_store', 1040018],
  ['not_trial_store', 1040020],
  ['shop_limit_reached', 1040022],
];
export const DEFAULT_WXPAY_REJECT_REASON = '资料填写有误,请核对后重新提交';

/**
 * Payment onboarding (进件) of the scene merchant account that fund_type 1 orders settle to.
 * It is a module of its own, not part of register, because it is WeChat Pay's review with its own
 * lifecycle, and the order module queries it through `isFinished` for fund_type 1 orders.
 */
export class WxpayService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly apps: AppService,
    private readonly register: RegisterService,
    private readonly logger: Logger,
  ) {}

  /** True once the app's payment onboarding has finished (fund_type 1 orders need it). */
  async isFinished(db: Executor, appid: string): Promise<boolean> {
    return (await findApplication(db, appid))?.state === WXPAY_STATE.finished;
  }

  /** wxpay/apply. */
  async apply(app: AppRecord, body: JsonObject, now: number) {
    const request = readApplication(body);
    await this.db.transaction().execute(async (trx) => {
      const profile = (await this.register.record(trx, app.appid)).profile;
      if (profile.wxpay_superseded) throw new WireError(1040058, 'wxpay.apply.superseded');
      const current = await findApplication(trx, app.appid);
      const from = current?.state ?? WXPAY_STATE.none;
      if (from === WXPAY_STATE.auditing) throw new WireError(1040019, 'wxpay.apply.under_review');
      if (from === WXPAY_STATE.finished) throw new WireError(1040004, 'wxpay.apply.already_finished');
      for (const [fact, code] of APPLY_REJECTIONS) {
        if (profile[fact]) throw new WireError(code, `wxpay.apply.${fact}`);
      }
      if (profile.wxpay_reject_reason !== '') throw new WireError(1040038, 'wxpay.apply.rejected', `进件失败,${profile.wxpay_reject_reason}`);
      const reviewer = app.settings.reviewer;
      await saveApplication(trx, {
        appid: app.appid,
        state: transition('payment onboarding', WXPAY_TRANSITIONS, 'apply', from),
        request,
        applyment_id: String(2_000_000_000_000 + randomInt(1_000_000_000_000)),
        out_request_no: `${app.appid}_${now}`,
        sub_mchid: '',
        audit_detail: [],
        submitted_at: now,
        due_at: reviewDueAt(reviewer, now),
        decided_at: null,
      });
    });
    return {};
  }

  /** wxpay/get: the application and WeChat Pay's review result; 1040039 before any application. */
  async get(app: AppRecord) {
    const record = await this.requireApplication(app);
    const state = APPLYMENT_STATES[record.state];
    return {
      pay_req: {
        ...record.request,
        out_request_no: record.out_request_no,
        need_account_info: true,
        sales_scene_info: { store_name: app.name, store_url: '', mini_program_sub_appid: app.appid },
      },
      pay_resp: {
        applyment_id: Number(record.applyment_id),
        out_request_no: record.out_request_no,
        applyment_state: state.state,
        applyment_state_desc: state.desc,
        sub_mchid: record.sub_mchid,
        sign_state: record.state === WXPAY_STATE.finished ? 'SIGNED' : 'UNSIGNED',
        sign_url: '',
        legal_validation_url: '',
        account_validation: {},
        audit_detail: record.audit_detail,
      },
    };
  }

  /** wxpay/get_info: the masked merchant summary; 1040039 before any application. */
  async getInfo(app: AppRecord) {
    const record = await this.requireApplication(app);
    const request = record.request;
    const licence = (request.business_license_info ?? {}) as Record<string, unknown>;
    const contact = (request.contact_info ?? {}) as Record<string, unknown>;
    const idCard = (request.id_card_info ?? {}) as Record<string, unknown>;
    return {
      pay_req: {
        organization_type: request.organization_type,
        business_license_info: {
          business_license_number: mask(String(licence.business_license_number ?? '')),
          merchant_name: String(licence.merchant_name ?? ''),
        },
        contact_info: {
          contact_name: mask(String(contact.contact_name ?? idCard.id_card_name ?? '')),
          contact_id_card_number: mask(String(idCard.id_card_number ?? '')),
          mobile_phone: mask(String(contact.mobile_phone ?? '')),
        },
        sales_scene_info: { store_name: app.name, mini_program_sub_appid: app.appid },
        merchant_shortname: request.merchant_shortname,
      },
    };
  }

  application(appid: string): Promise<WxpayApplication | undefined> {
    return findApplication(this.db, appid);
  }

  /** Admin: decides the application now; undefined when none is under review. */
  async decide(app: AppRecord, approve: boolean, reason: string, paramName: string, now: number): Promise<WxpayApplication | undefined> {
    const current = await findApplication(this.db, app.appid);
    if (!current || current.state !== WXPAY_STATE.auditing) return undefined;
    return this.applyDecision(app, current, approve, reason, paramName, now);
  }

  /** Decides due applications by the reviewer policy (automatic approval). */
  async runDue(now: number): Promise<number> {
    let decided = 0;
    for (const appid of await findDueApplications(this.db, now, 100)) {
      const app = await this.apps.get(appid);
      const current = await findApplication(this.db, appid);
      if (!app || !current || current.state !== WXPAY_STATE.auditing) continue;
      if (app.settings.reviewer.mode === 'manual') {
        await saveApplication(this.db, { ...current, due_at: null });
        continue;
      }
      if (await this.applyDecision(app, current, true, '', '', now)) decided++;
    }
    return decided;
  }

  private async applyDecision(app: AppRecord, current: WxpayApplication, approve: boolean, reason: string, paramName: string, now: number) {
    const next: WxpayApplication = {
      ...current,
      state: transition('payment onboarding', WXPAY_TRANSITIONS, approve ? 'approve' : 'reject', current.state),
      sub_mchid: approve ? String(1_600_000_000 + randomInt(100_000_000)) : '',
      audit_detail: approve ? [] : [{ param_name: paramName, reject_reason: reason }],
      due_at: null,
      decided_at: now,
    };
    const saved = await this.db.transaction().execute(async (trx) => {
      const fresh = await findApplication(trx, app.appid);
      if (!fresh || fresh.state !== WXPAY_STATE.auditing || fresh.submitted_at !== current.submitted_at) return false;
      await saveApplication(trx, next);
      return true;
    });
    if (!saved) return undefined;
    this.logger.info({ appid: app.appid, approved: approve }, 'payment onboarding decided');
    return next;
  }

  private async requireApplication(app: AppRecord): Promise<WxpayApplication> {
    const record = await findApplication(this.db, app.appid);
    if (!record) throw new WireError(1040039, 'wxpay.no_application');
    return record;
  }
}

/** Keeps the first and last character and masks the rest, as the platform shows personal data. */
function mask(text: string): string {
  const chars = [...text];
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

function requireObject(body: JsonObject, key: string): JsonObject {
  const value = field(body, key);
  if (!isObject(value)) throw new WireError(990007, `wxpay.apply.${key}.missing`);
  return value;
}

function requireText(body: JsonObject, key: string, rule: string): string {
  const value = readString(body, key);
  if (value === undefined || value === INVALID || value.trim() === '') throw new WireError(990007, `${rule}.${key}.missing`);
  if (textLength(value) > MAX_TEXT) throw new WireError(990008, `${rule}.${key}.too_long`);
  return value;
}

/**
 * Reads the wxpay/apply body: the fields every applicant needs. A business licence is needed
 * unless the applicant is a small micro merchant; identity comes as id_card_info or id_doc_info.
 */
function readApplication(body: JsonObject): Record<string, unknown> {
  const rule = 'wxpay.apply';
  const organizationType = requireText(body, 'organization_type', rule);
  requireText(body, 'merchant_shortname', rule);
  if (organizationType !== MICRO_MERCHANT) {
    const licence = requireObject(body, 'business_license_info');
    requireText(licence, 'legal_person', `${rule}.business_license_info`);
  }
  const hasIdCard = isObject(field(body, 'id_card_info'));
  const hasIdDoc = isObject(field(body, 'id_doc_info'));
  if (!hasIdCard && !hasIdDoc) throw new WireError(990007, `${rule}.id_card_info.missing`);
  const contact = requireObject(body, 'contact_info');
  requireText(contact, 'mobile_phone', `${rule}.contact_info`);
  const account = requireObject(body, 'account_info');
  const accountType = requireText(account, 'bank_account_type', `${rule}.account_info`);
  if (accountType !== '74' && accountType !== '75') throw new WireError(990007, `${rule}.account_info.bank_account_type.invalid`);
  for (const key of ['account_name', 'account_number', 'account_bank']) requireText(account, key, `${rule}.account_info`);
  return JSON.parse(JSON.stringify(body, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))) as Record<string, unknown>;
}
