import type { Executor } from '../app/store.js';
import type { WxpayState } from './states.js';

export interface WxpayApplication {
  appid: string;
  state: WxpayState;
  request: Record<string, unknown>;
  applyment_id: string;
  out_request_no: string;
  sub_mchid: string;
  audit_detail: { param_name: string; reject_reason: string }[];
  submitted_at: number;
  due_at: number | null;
  decided_at: number | null;
}

type Row = {
  appid: string;
  state: number;
  request: string;
  applyment_id: string;
  out_request_no: string;
  sub_mchid: string;
  audit_detail: string;
  submitted_at: number | string;
  due_at: number | string | null;
  decided_at: number | string | null;
};

function toRecord(row: Row): WxpayApplication {
  return {
    ...row,
    state: Number(row.state) as WxpayState,
    request: JSON.parse(row.request) as Record<string, unknown>,
    audit_detail: JSON.parse(row.audit_detail) as WxpayApplication['audit_detail'],
    submitted_at: Number(row.submitted_at),
    due_at: row.due_at === null ? null : Number(row.due_at),
    decided_at: row.decided_at === null ? null : Number(row.decided_at),
  };
}

export async function findApplication(db: Executor, appid: string): Promise<WxpayApplication | undefined> {
  const row = await db.selectFrom('wxpay_applications').selectAll().where('appid', '=', appid).executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

export async function saveApplication(db: Executor, record: WxpayApplication): Promise<void> {
  const values = {
    state: record.state,
    request: JSON.stringify(record.request),
    applyment_id: record.applyment_id,
    out_request_no: record.out_request_no,
    sub_mchid: record.sub_mchid,
    audit_detail: JSON.stringify(record.audit_detail),
    submitted_at: record.submitted_at,
    due_at: record.due_at,
    decided_at: record.decided_at,
  };
  await db
    .insertInto('wxpay_applications')
    .values({ appid: record.appid, ...values })
    .onConflict((c) => c.column('appid').doUpdateSet(values))
    .execute();
}

export async function findDueApplications(db: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('wxpay_applications').select('appid').where('due_at', '<=', now).where('state', '=', 1).limit(limit).execute();
  return rows.map((row) => row.appid);
}
