import type { Executor } from '../app/store.js';
import type { AuditStatus } from './states.js';

export interface AuditRecord {
  audit_id: string;
  appid: string;
  audit_type: number;
  subject: string;
  status: AuditStatus;
  request: Record<string, unknown>;
  brand_id: number;
  reject_reason: string;
  submitted_at: number;
  due_at: number | null;
  decided_at: number | null;
}

type Row = Omit<AuditRecord, 'request' | 'status' | 'brand_id' | 'submitted_at' | 'due_at' | 'decided_at'> & {
  request: string;
  status: number;
  brand_id: number | string;
  submitted_at: number | string;
  due_at: number | string | null;
  decided_at: number | string | null;
};

function toRecord(row: Row): AuditRecord {
  return {
    ...row,
    audit_type: Number(row.audit_type),
    status: Number(row.status) as AuditStatus,
    request: JSON.parse(row.request) as Record<string, unknown>,
    brand_id: Number(row.brand_id),
    submitted_at: Number(row.submitted_at),
    due_at: row.due_at === null ? null : Number(row.due_at),
    decided_at: row.decided_at === null ? null : Number(row.decided_at),
  };
}

/** Stores a new audit; false when an audit of the same subject is already under review. */
export async function insertAudit(db: Executor, record: AuditRecord): Promise<boolean> {
  const result = await db
    .insertInto('qualification_audits')
    .values({ ...record, request: JSON.stringify(record.request) })
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findAudit(db: Executor, appid: string, auditId: string): Promise<AuditRecord | undefined> {
  const row = await db.selectFrom('qualification_audits').selectAll().where('appid', '=', appid).where('audit_id', '=', auditId).executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

export async function findPendingAudit(db: Executor, appid: string, subject: string): Promise<AuditRecord | undefined> {
  const row = await db
    .selectFrom('qualification_audits')
    .selectAll()
    .where('appid', '=', appid)
    .where('subject', '=', subject)
    .where('status', '=', 0)
    .executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

export async function listAudits(db: Executor, appid: string): Promise<AuditRecord[]> {
  const rows = await db.selectFrom('qualification_audits').selectAll().where('appid', '=', appid).orderBy('submitted_at').orderBy('audit_id').execute();
  return rows.map((row) => toRecord(row as Row));
}

/** Stores a decision; false when another instance decided the audit first. */
export async function saveDecision(db: Executor, record: AuditRecord): Promise<boolean> {
  const result = await db
    .updateTable('qualification_audits')
    .set({ status: record.status, brand_id: record.brand_id, reject_reason: record.reject_reason, due_at: record.due_at, decided_at: record.decided_at })
    .where('audit_id', '=', record.audit_id)
    .where('status', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findDueAudits(db: Executor, now: number, limit: number): Promise<AuditRecord[]> {
  const rows = await db.selectFrom('qualification_audits').selectAll().where('due_at', '<=', now).where('status', '=', 0).limit(limit).execute();
  return rows.map((row) => toRecord(row as Row));
}

export async function clearDueTime(db: Executor, auditId: string): Promise<void> {
  await db.updateTable('qualification_audits').set({ due_at: null }).where('audit_id', '=', auditId).execute();
}

export async function loadCertificates(db: Executor, appid: string, reqType: number): Promise<unknown | undefined> {
  const row = await db.selectFrom('miniapp_certificates').select('payload').where('appid', '=', appid).where('req_type', '=', reqType).executeTakeFirst();
  return row ? (JSON.parse(row.payload) as unknown) : undefined;
}

export async function saveCertificates(db: Executor, appid: string, reqType: number, payload: unknown): Promise<void> {
  const text = JSON.stringify(payload);
  await db
    .insertInto('miniapp_certificates')
    .values({ appid, req_type: reqType, payload: text })
    .onConflict((c) => c.columns(['appid', 'req_type']).doUpdateSet({ payload: text }))
    .execute();
}

export async function deleteCertificates(db: Executor, appid: string, reqType: number): Promise<void> {
  await db.deleteFrom('miniapp_certificates').where('appid', '=', appid).where('req_type', '=', reqType).execute();
}
