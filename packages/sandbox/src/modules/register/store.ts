import type { Executor } from '../app/store.js';
import type { SceneStatus } from './states.js';

/** register/apply generations: 2021 opens at once, 2022 waits for the agreement, 2024 is retired (1400007). */
export const APPLY_GENERATIONS = ['2021', '2022', '2024'] as const;
export type ApplyGeneration = (typeof APPLY_GENERATIONS)[number];
/** The current platform: register/apply is retired and opening happens in the MP console. */
export const DEFAULT_APPLY_GENERATION: ApplyGeneration = '2024';

/** Task flags of register/check `access_info`, in the current names. */
export const ACCESS_INFO_FLAGS = [
  'spu_audit_success',
  'spu_audit_finished',
  'ec_order_success',
  'ec_order_finished',
  'send_delivery_success',
  'send_delivery_finished',
  'ec_after_sale_success',
  'ec_after_sale_finished',
  'test_api_finished',
  'deploy_wxa_finished',
  'open_product_task_finished',
] as const;
export type AccessInfoFlag = (typeof ACCESS_INFO_FLAGS)[number];
export type AccessInfo = Record<AccessInfoFlag, 0 | 1>;

/** Flags the platform sets by observing real calls (a product approved, an order paid…). */
export const SUCCESS_FLAGS = ['spu_audit_success', 'ec_order_success', 'send_delivery_success', 'ec_after_sale_success'] as const;
export type SuccessFlag = (typeof SUCCESS_FLAGS)[number];

/**
 * Facts about the account that make register/apply or wxpay/apply refuse. All false by default:
 * an ordinary mini program that may open the component. Set through the admin API.
 */
export interface RegisterProfile {
  /** register/apply → 1040001: not an ordinary mini program (a mini game, for instance). */
  mini_game: boolean;
  /** register/apply → 1040005: the mini program's own categories exclude the component. */
  category_ineligible: boolean;
  /** register/apply → 1040006: opening is limited to an allow list without this appid. */
  not_on_allow_list: boolean;
  /** register/apply → 1040007: the standard transaction component is open. */
  standard_component: boolean;
  /** register/apply → 1040008: no API product approved and no API order paid yet (legacy opening test). */
  prerequisites_unmet: boolean;
  /** register/apply → 1040009: a violation within the past 6 months. */
  recent_violation: boolean;
  /** register/apply → 1040010: the mini program itself is under MP review. */
  under_mp_review: boolean;
  /** wxpay/apply → 1040014: the applicant fails real-name verification. */
  real_name_failed: boolean;
  /** wxpay/apply → 1040015: the applicant fails the security check. */
  security_check_failed: boolean;
  /** wxpay/apply → 1040016: the applicant's payment score is too low. */
  pay_score_low: boolean;
  /** wxpay/apply → 1040018: the applicant already runs a Mini Store. */
  has_mini_store: boolean;
  /** wxpay/apply → 1040020: the flow is reserved for trial stores and this account is not one. */
  not_trial_store: boolean;
  /** wxpay/apply → 1040022: the applicant already has the maximum number of shops. */
  shop_limit_reached: boolean;
  /** wxpay/apply → 1040038 with this reason after the message, when not empty. */
  wxpay_reject_reason: string;
  /** wxpay/apply → 1040058: the platform has moved onboarding to a newer API. */
  wxpay_superseded: boolean;
}

export function defaultProfile(): RegisterProfile {
  return {
    mini_game: false,
    category_ineligible: false,
    not_on_allow_list: false,
    standard_component: false,
    prerequisites_unmet: false,
    recent_violation: false,
    under_mp_review: false,
    real_name_failed: false,
    security_check_failed: false,
    pay_score_low: false,
    has_mini_store: false,
    not_trial_store: false,
    shop_limit_reached: false,
    wxpay_reject_reason: '',
    wxpay_superseded: false,
  };
}

export interface RegisterRecord {
  appid: string;
  apply_generation: ApplyGeneration;
  agreement_due_at: number | null;
  access_info: AccessInfo;
  scene_status: SceneStatus;
  scene_reason: string;
  scene_due_at: number | null;
  profile: RegisterProfile;
}

export function defaultRecord(appid: string): RegisterRecord {
  return {
    appid,
    apply_generation: DEFAULT_APPLY_GENERATION,
    agreement_due_at: null,
    access_info: Object.fromEntries(ACCESS_INFO_FLAGS.map((flag) => [flag, 0])) as AccessInfo,
    scene_status: 3,
    scene_reason: '',
    scene_due_at: null,
    profile: defaultProfile(),
  };
}

type Row = {
  appid: string;
  apply_generation: string;
  agreement_due_at: number | string | null;
  access_info: string;
  scene_status: number;
  scene_reason: string;
  scene_due_at: number | string | null;
  profile: string;
};

function toRecord(row: Row): RegisterRecord {
  const base = defaultRecord(row.appid);
  return {
    appid: row.appid,
    apply_generation: row.apply_generation as ApplyGeneration,
    agreement_due_at: row.agreement_due_at === null ? null : Number(row.agreement_due_at),
    access_info: { ...base.access_info, ...(JSON.parse(row.access_info) as Partial<AccessInfo>) },
    scene_status: Number(row.scene_status) as SceneStatus,
    scene_reason: row.scene_reason,
    scene_due_at: row.scene_due_at === null ? null : Number(row.scene_due_at),
    profile: { ...base.profile, ...(JSON.parse(row.profile) as Partial<RegisterProfile>) },
  };
}

/** Loads the app's record, or the defaults when it has none yet. */
export async function loadRecord(db: Executor, appid: string): Promise<RegisterRecord> {
  const row = await db.selectFrom('register_records').selectAll().where('appid', '=', appid).executeTakeFirst();
  return row ? toRecord(row as Row) : defaultRecord(appid);
}

export async function saveRecord(db: Executor, record: RegisterRecord): Promise<void> {
  const values = {
    apply_generation: record.apply_generation,
    agreement_due_at: record.agreement_due_at,
    access_info: JSON.stringify(record.access_info),
    scene_status: record.scene_status,
    scene_reason: record.scene_reason,
    scene_due_at: record.scene_due_at,
    profile: JSON.stringify(record.profile),
  };
  await db
    .insertInto('register_records')
    .values({ appid: record.appid, ...values })
    .onConflict((c) => c.column('appid').doUpdateSet(values))
    .execute();
}

export async function findDueAgreements(db: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('register_records').select('appid').where('agreement_due_at', '<=', now).limit(limit).execute();
  return rows.map((row) => row.appid);
}

export async function findDueScenes(db: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('register_records').select('appid').where('scene_due_at', '<=', now).limit(limit).execute();
  return rows.map((row) => row.appid);
}
