import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { transition } from '../../platform/transitions.js';
import { enqueueEvent } from '../../push/outbox.js';
import { readInt, readString, INVALID, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { IdAllocator } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import type { AccountService } from '../account/service.js';
import type { AppService } from '../app/service.js';
import { reviewDueAt } from '../app/settings.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { CategoryService } from '../category/service.js';
import { AUDIT_STATUS, AUDIT_TRANSITIONS, AUDIT_TYPE } from './states.js';
import { clearDueTime, findAudit, findDueAudits, findPendingAudit, insertAudit, listAudits, loadCertificates, saveDecision, type AuditRecord } from './store.js';
import { readBrandRequest, readCategoryRequest } from './validate.js';

/** First brand id handed out on approval; 2100000000 is the platform's fixed "no brand" id. */
const BRAND_ID_START = 2_200_000_001n;
/** Reason given when the admin rejects without one. */
export const DEFAULT_REJECT_REASON = '资质材料不符合要求,请重新提交审核';

export type QualificationDecision = { approve: true } | { approve: false; reason: string };

/** Brand and category qualification audits, decided by the app's reviewer policy or the admin API. */
export class AuditService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly apps: AppService,
    private readonly accounts: AccountService,
    private readonly categories: CategoryService,
    private readonly ids: IdAllocator,
    private readonly logger: Logger,
  ) {}

  /** audit/audit_brand: submits a brand for review. */
  async auditBrand(app: AppRecord, body: JsonObject, now: number) {
    const request = readBrandRequest(body);
    if (request.scene_group_list.some((group) => !app.settings.opened_scene_groups.includes(group))) {
      throw new WireError(1000043, 'audit_brand.scene_group.not_open');
    }
    const wording = request.brand_info.brand_wording;
    const auditId = newAuditId();
    await this.db.transaction().execute(async (trx) => {
      if ((await this.accounts.brandIdByWording(trx, app.appid, wording)) !== undefined) throw new WireError(1050010, 'audit_brand.already_approved');
      if (await findPendingAudit(trx, app.appid, `brand:${wording}`)) throw new WireError(1050009, 'audit_brand.under_review');
      const stored = await insertAudit(trx, this.newRecord(app, auditId, AUDIT_TYPE.brand, `brand:${wording}`, { ...request }, now));
      if (!stored) throw new WireError(1050009, 'audit_brand.under_review');
    });
    return { audit_id: auditId };
  }

  /** audit/audit_category: submits a category qualification for review. */
  async auditCategory(app: AppRecord, body: JsonObject, now: number) {
    const { request, levels } = readCategoryRequest(body);
    const found = levels ? this.categories.lookup(levels[2]) : undefined;
    if (!levels || found?.kind !== 'level3' || found.category.retired || found.category.first_cat_id !== levels[0] || found.category.second_cat_id !== levels[1]) {
      throw new WireError(1000009, 'audit_category.category.unknown');
    }
    const category = found.category;
    if (request.scene_group_list.some((group) => !app.settings.opened_scene_groups.includes(group))) {
      throw new WireError(1000042, 'audit_category.scene_group.not_open');
    }
    if (category.qualification_type === 0) throw new WireError(1050011, 'audit_category.no_qualification_needed');
    const auditId = newAuditId();
    await this.db.transaction().execute(async (trx) => {
      if (await this.accounts.isCategoryApproved(trx, app.appid, category.third_cat_id)) throw new WireError(1050003, 'audit_category.already_approved');
      if (await findPendingAudit(trx, app.appid, `category:${category.third_cat_id}`)) throw new WireError(1050009, 'audit_category.under_review');
      if (category.qualification_type === 1 && request.certificate.length === 0) throw new WireError(1050004, 'audit_category.certificate.missing');
      const stored = { ...request, level1: levels[0], level2: levels[1], level3: levels[2] };
      const inserted = await insertAudit(trx, this.newRecord(app, auditId, AUDIT_TYPE.category, `category:${category.third_cat_id}`, stored, now));
      if (!inserted) throw new WireError(1050009, 'audit_category.under_review');
    });
    return { audit_id: auditId };
  }

  /** audit/result. */
  async result(app: AppRecord, body: JsonObject) {
    const auditId = readString(body, 'audit_id');
    if (auditId === undefined || auditId === INVALID || auditId === '') throw new WireError(990007, 'audit.result.audit_id_missing');
    const record = await findAudit(this.db, app.appid, auditId);
    if (!record) throw new WireError(1050005, 'audit.result.not_found');
    return { data: { status: record.status, brand_id: record.brand_id, reject_reason: record.reject_reason } };
  }

  /** audit/get_miniapp_certificate: the mini program's own qualifications, set through the admin API. */
  async miniappCertificate(app: AppRecord, body: JsonObject) {
    const reqType = readInt(body, 'req_type');
    if (reqType === undefined || reqType === INVALID) throw new WireError(990007, 'audit.certificate.req_type_missing');
    if (reqType !== 1 && reqType !== 2) throw new WireError(990007, 'audit.certificate.req_type_unknown');
    const stored = await loadCertificates(this.db, app.appid, reqType);
    if (stored === undefined) throw new WireError(1050006, 'audit.certificate.none');
    return reqType === 1 ? { category_info_list: stored } : { category_info_list: [], brand_info: stored };
  }

  list(appid: string): Promise<AuditRecord[]> {
    return listAudits(this.db, appid);
  }

  /** Admin: decides one audit now; undefined when it does not exist or is already decided. */
  async decide(app: AppRecord, auditId: string, decision: QualificationDecision, now: number): Promise<AuditRecord | undefined> {
    const record = await findAudit(this.db, app.appid, auditId);
    if (!record || record.status !== AUDIT_STATUS.reviewing) return undefined;
    return this.applyDecision(app, record, decision, now);
  }

  /** Decides every audit whose review time has come, by each app's reviewer policy. */
  async runDueAudits(now: number): Promise<number> {
    let decided = 0;
    for (;;) {
      const due = await findDueAudits(this.db, now, 100);
      for (const record of due) {
        const app = await this.apps.get(record.appid);
        if (!app) continue;
        if (app.settings.reviewer.mode === 'manual') {
          await clearDueTime(this.db, record.audit_id);
          continue;
        }
        if (await this.applyDecision(app, record, reviewerDecision(app, record), now)) decided++;
      }
      if (due.length < 100) return decided;
    }
  }

  private async applyDecision(app: AppRecord, record: AuditRecord, decision: QualificationDecision, now: number): Promise<AuditRecord | undefined> {
    const isBrand = record.audit_type === AUDIT_TYPE.brand;
    const wording = isBrand ? String((record.request.brand_info as Record<string, unknown>).brand_wording) : '';
    // Ids are taken outside the transaction; an id of a lost race is skipped, as the platform's ids have gaps.
    const brandId = isBrand && decision.approve ? Number((await this.ids.take('brand_id', BRAND_ID_START))[0]) : 0;
    const next: AuditRecord = {
      ...record,
      status: transition('qualification audit', AUDIT_TRANSITIONS, decision.approve ? 'approve' : 'reject', record.status),
      brand_id: brandId,
      reject_reason: decision.approve ? '' : decision.reason,
      due_at: null,
      decided_at: now,
    };
    const saved = await this.db.transaction().execute(async (trx) => {
      if (!(await saveDecision(trx, next))) return false;
      if (decision.approve) await this.grant(trx, app.appid, next, wording);
      const fields: Record<string, unknown> = {
        audit_id: next.audit_id,
        status: next.status,
        audit_type: next.audit_type,
        reject_reason: next.reject_reason,
      };
      if (isBrand) fields.brand_id = next.brand_id;
      await enqueueEvent(trx, app, isBrand ? 'open_product_brand_audit' : 'open_product_category_audit', 'QualificationAuditResult', fields, now);
      return true;
    });
    if (!saved) return undefined;
    this.logger.info({ appid: app.appid, audit_id: next.audit_id, approved: decision.approve }, 'qualification audit decided');
    return next;
  }

  private async grant(trx: Executor, appid: string, record: AuditRecord, wording: string): Promise<void> {
    if (record.audit_type === AUDIT_TYPE.brand) await this.accounts.approveBrand(trx, appid, record.brand_id, wording);
    else await this.accounts.approveCategory(trx, appid, Number(record.request.level3));
  }

  private newRecord(app: AppRecord, auditId: string, auditType: number, subject: string, request: Record<string, unknown>, now: number): AuditRecord {
    const reviewer = app.settings.reviewer;
    return {
      audit_id: auditId,
      appid: app.appid,
      audit_type: auditType,
      subject,
      status: AUDIT_STATUS.reviewing,
      request,
      brand_id: 0,
      reject_reason: '',
      submitted_at: now,
      due_at: reviewDueAt(reviewer, now),
      decided_at: null,
    };
  }
}

/** Creates an audit id in the platform's shape: 22 URL-safe base64 characters. */
function newAuditId(): string {
  return randomBytes(17).toString('base64url').slice(0, 22);
}

/** Decides as the automatic reviewer: approve unless a reject rule's text occurs in the brand word or category name. */
function reviewerDecision(app: AppRecord, record: AuditRecord): QualificationDecision {
  const brandInfo = record.request.brand_info as Record<string, unknown> | undefined;
  const text = brandInfo ? String(brandInfo.brand_wording) : record.subject;
  const rule = app.settings.reviewer.reject_rules.find((candidate) => text.includes(candidate.title_contains));
  return rule ? { approve: false, reason: rule.reason } : { approve: true };
}
