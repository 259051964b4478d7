import type { Executor } from '../app/store.js';
import type { WithdrawState } from './states.js';

export interface BankAccount {
  bank_account_type: string;
  account_bank: string;
  bank_address_code: string;
  account_number: string;
  bank_branch_id?: string;
  bank_name?: string;
}

export interface AccountRecord {
  appid: string;
  account: BankAccount;
  change_day: string;
  changes: number;
  updated_at: number;
}

export interface WithdrawalRecord {
  appid: string;
  out_request_no: string;
  status: WithdrawState;
  amount: number;
  detail: { remark: string; bank_memo: string; bank_name: string; bank_num: string; reason: string };
  day: string;
  create_time: number;
  update_time: number;
  due_at: number | null;
}

export interface QrcodeRecord {
  ticket: string;
  appid: string;
  status: number;
  scan_user_type: number;
  out_request_no: string | null;
  created_at: number;
  expires_at: number;
}

export async function findAccount(db: Executor, appid: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('funds_accounts').selectAll().where('appid', '=', appid).executeTakeFirst();
  return row ? { ...row, account: JSON.parse(row.account) as BankAccount, changes: Number(row.changes), updated_at: Number(row.updated_at) } : undefined;
}

export async function saveAccount(db: Executor, record: AccountRecord): Promise<void> {
  const values = { account: JSON.stringify(record.account), change_day: record.change_day, changes: record.changes, updated_at: record.updated_at };
  await db.insertInto('funds_accounts').values({ appid: record.appid, ...values }).onConflict((c) => c.column('appid').doUpdateSet(values)).execute();
}

type WithdrawalRow = Omit<WithdrawalRecord, 'detail' | 'status'> & { detail: string; status: number };

function toWithdrawal(row: WithdrawalRow): WithdrawalRecord {
  return {
    ...row,
    status: Number(row.status) as WithdrawState,
    amount: Number(row.amount),
    detail: JSON.parse(row.detail) as WithdrawalRecord['detail'],
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
    due_at: row.due_at === null ? null : Number(row.due_at),
  };
}

export async function insertWithdrawal(db: Executor, record: WithdrawalRecord): Promise<void> {
  await db.insertInto('funds_withdrawals').values({ ...record, detail: JSON.stringify(record.detail) }).execute();
}

/** Saves a state change unless the withdrawal moved since it was read; returns false then. */
export async function updateWithdrawal(db: Executor, record: WithdrawalRecord, previous: WithdrawState): Promise<boolean> {
  const result = await db
    .updateTable('funds_withdrawals')
    .set({ status: record.status, detail: JSON.stringify(record.detail), update_time: record.update_time, due_at: record.due_at })
    .where('appid', '=', record.appid)
    .where('out_request_no', '=', record.out_request_no)
    .where('status', '=', previous)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findWithdrawal(db: Executor, appid: string, outRequestNo: string): Promise<WithdrawalRecord | undefined> {
  const row = await db.selectFrom('funds_withdrawals').selectAll().where('appid', '=', appid).where('out_request_no', '=', outRequestNo).executeTakeFirst();
  return row ? toWithdrawal(row as WithdrawalRow) : undefined;
}

/** Every withdrawal of an app, oldest first. */
export async function listWithdrawals(db: Executor, appid: string): Promise<WithdrawalRecord[]> {
  const rows = await db.selectFrom('funds_withdrawals').selectAll().where('appid', '=', appid).orderBy('create_time').orderBy('out_request_no').execute();
  return rows.map((row) => toWithdrawal(row as WithdrawalRow));
}

export async function countWithdrawalsOfDay(db: Executor, appid: string, day: string): Promise<number> {
  const row = await db
    .selectFrom('funds_withdrawals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('appid', '=', appid)
    .where('day', '=', day)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findDueWithdrawals(db: Executor, now: number, limit: number): Promise<WithdrawalRecord[]> {
  const rows = await db.selectFrom('funds_withdrawals').selectAll().where('due_at', 'is not', null).where('due_at', '<=', now).orderBy('due_at').limit(limit).execute();
  return rows.map((row) => toWithdrawal(row as WithdrawalRow));
}

export async function insertQrcode(db: Executor, record: QrcodeRecord): Promise<void> {
  await db.insertInto('funds_qrcodes').values(record).execute();
}

export async function findQrcode(db: Executor, appid: string, ticket: string): Promise<QrcodeRecord | undefined> {
  const row = await db.selectFrom('funds_qrcodes').selectAll().where('ticket', '=', ticket).where('appid', '=', appid).executeTakeFirst();
  return row
    ? { ...row, status: Number(row.status), scan_user_type: Number(row.scan_user_type), created_at: Number(row.created_at), expires_at: Number(row.expires_at) }
    : undefined;
}

export async function updateQrcode(db: Executor, record: QrcodeRecord): Promise<void> {
  await db.updateTable('funds_qrcodes').set({ status: record.status, scan_user_type: record.scan_user_type }).where('ticket', '=', record.ticket).execute();
}
