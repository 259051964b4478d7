import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { formatChinaTime } from '../../platform/clock.js';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { field, hasNul, INVALID, isObject, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { lockForWrite } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { OrderService, PaidOrder } from '../order/service.js';
import { BANKS, bankOfCard, bankView, branchesOf, cityByAddressCode, findBank, findBranch, findCity, PROVINCES } from './banks.js';
import { clockAction, QRCODE_TTL_MS, WITHDRAW_HOLDS_MONEY, WITHDRAW_STATUS, WITHDRAW_TRANSITIONS, withdrawDueAt, type WithdrawAction } from './states.js';
import {
  countWithdrawalsOfDay,
  findAccount,
  findDueWithdrawals,
  findQrcode,
  findWithdrawal,
  insertQrcode,
  insertWithdrawal,
  listWithdrawals,
  saveAccount,
  updateQrcode,
  updateWithdrawal,
  type BankAccount,
  type QrcodeRecord,
  type WithdrawalRecord,
} from './store.js';

export const FLOW_PAGE_SIZE_MAX = 100;
export const ACCOUNT_CHANGES_PER_DAY = 5;
const DUE_BATCH = 100;
const DUE_PASSES = 3;
/** A small PNG standing in for the QR image of a ticket. */
const QR_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAAAAADhZOFXAAAAHElEQVR4nGP4z8DAwMDAwMDA8B8MGP7/ZwAAxL8D/YOgTQ4AAAAASUVORK5CYII=',
  'base64',
);

/** One fund-flow entry, derived from orders and withdrawals. */
export interface FundsFlow {
  funds_flow_id: string;
  type: string;
  /** +1 income, -1 expense. */
  sign: 1 | -1;
  amount: number;
  busi_type: string;
  request_no: string;
  time: number;
}

/** China day of a time as yyyyMMdd. */
export function chinaDay(ms: number): string {
  return formatChinaTime(ms).slice(0, 10).replaceAll('-', '');
}

/** Fen as the platform's yuan string, e.g. 10 → "0.10". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function requireString(body: JsonObject, key: string, rule: string): string {
  const value = readString(body, key);
  // A NUL can never match a stored value, and PostgreSQL text cannot take it as a parameter.
  if (value === undefined || value === INVALID || value === '' || hasNul(value)) throw new WireError(-2, rule);
  return value;
}

function requireInt(body: JsonObject, key: string, rule: string): number {
  const value = readInt(body, key);
  if (value === undefined || value === INVALID) throw new WireError(-2, rule);
  return value;
}

function page(body: JsonObject, rulePrefix: string): { pageNum: number; pageSize: number } {
  const pageNum = requireInt(body, 'page_num', `${rulePrefix}.page_num_invalid`);
  const pageSize = requireInt(body, 'page_size', `${rulePrefix}.page_size_invalid`);
  if (pageNum < 1 || pageSize < 1) throw new WireError(-2, `${rulePrefix}.page_out_of_range`);
  return { pageNum, pageSize };
}

/**
 * Settlement funds of a shop: the balance and fund flows follow from the orders module's paid and
 * settled orders; withdrawals, the settlement bank account and the identity-check QR tickets are
 * kept here.
 */
export class FundsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orders: OrderService,
    private readonly logger: Logger,
  ) {}

  /** Pending money (paid, not yet settled) and available money (settled, less withdrawals). */
  async balance(appid: string): Promise<{ available_amount: number; pending_amount: number }> {
    const [orders, withdrawals] = await Promise.all([this.orders.paidOrders(appid), listWithdrawals(this.db, appid)]);
    return balanceOf(orders, withdrawals);
  }

  async getBalance(app: AppRecord) {
    return { balance_info: await this.balance(app.appid) };
  }

  /** Every fund flow of the app, in booking order, each with the balance after it. */
  async flows(appid: string): Promise<(FundsFlow & { balance: number })[]> {
    const [orders, withdrawals] = await Promise.all([this.orders.paidOrders(appid), listWithdrawals(this.db, appid)]);
    const flows: FundsFlow[] = [];
    for (const order of orders) {
      flows.push({ funds_flow_id: `1${order.order_id}`, type: '交易', sign: 1, amount: order.amount, busi_type: '订单', request_no: order.order_id, time: order.pay_time });
      if (order.refunded > 0) {
        flows.push({ funds_flow_id: `2${order.order_id}`, type: '退款', sign: -1, amount: order.refunded, busi_type: '售后', request_no: order.order_id, time: order.updated_at });
      }
    }
    for (const withdrawal of withdrawals) {
      if (!WITHDRAW_HOLDS_MONEY.includes(withdrawal.status) && withdrawal.status !== 6) continue;
      flows.push({ funds_flow_id: `3${withdrawal.out_request_no}`, type: '提现', sign: -1, amount: withdrawal.amount, busi_type: '提现', request_no: withdrawal.out_request_no, time: withdrawal.create_time });
      if (withdrawal.status === 6) {
        flows.push({ funds_flow_id: `4${withdrawal.out_request_no}`, type: '提现退票', sign: 1, amount: withdrawal.amount, busi_type: '提现', request_no: withdrawal.out_request_no, time: withdrawal.update_time });
      }
    }
    flows.sort((a, b) => a.time - b.time || (a.funds_flow_id < b.funds_flow_id ? -1 : 1));
    let running = 0;
    return flows.map((flow) => {
      running += flow.sign * flow.amount;
      return { ...flow, balance: running };
    });
  }

  async scanOrderFlow(app: AppRecord, body: JsonObject) {
    const date = requireString(body, 'date', 'funds.scanorderflow.date_missing');
    if (!/^\d{8}$/.test(date)) throw new WireError(-2, 'funds.scanorderflow.date_invalid');
    const { pageNum, pageSize } = page(body, 'funds.scanorderflow');
    if (pageSize > FLOW_PAGE_SIZE_MAX) throw new WireError(990005, 'funds.scanorderflow.page_size_over_cap');
    const ofDay = (await this.flows(app.appid)).filter((flow) => chinaDay(flow.time) === date);
    const start = (pageNum - 1) * pageSize;
    return { funds_flow_ids: ofDay.slice(start, start + pageSize).map((flow) => flow.funds_flow_id), total_num: ofDay.length };
  }

  async getOrderFlow(app: AppRecord, body: JsonObject) {
    const id = readString(body, 'funds_flow_id') ?? readString(body, 'funds_flow_no');
    if (id === undefined || id === INVALID || id === '' || hasNul(id)) throw new WireError(-2, 'funds.getorderflow.id_missing');
    const flow = (await this.flows(app.appid)).find((item) => item.funds_flow_id === id);
    if (!flow) throw new WireError(9710001, 'funds.getorderflow.not_found');
    return {
      funds_flow: {
        funds_flow_id: flow.funds_flow_id,
        type: flow.type,
        flow_type: flow.sign > 0 ? '收入' : '支出',
        amount: yuan(flow.amount),
        balance: yuan(flow.balance),
        busi_type: flow.busi_type,
        request_no: flow.request_no,
        bookkeeping_time: formatChinaTime(flow.time),
      },
    };
  }

  async submitWithdraw(app: AppRecord, body: JsonObject, now: number) {
    const amount = requireInt(body, 'amount', 'funds.submitwithdraw.amount_invalid');
    if (amount <= 0) throw new WireError(-2, 'funds.submitwithdraw.amount_not_positive');
    const remark = readString(body, 'remark');
    const bankMemo = readString(body, 'bank_memo');
    if (remark === INVALID || bankMemo === INVALID) throw new WireError(-2, 'funds.submitwithdraw.text_invalid');
    const account = await findAccount(this.db, app.appid);
    if (!account) throw new WireError(9710001, 'funds.submitwithdraw.no_bank_account');
    const balance = await this.balance(app.appid);
    if (amount > balance.available_amount) throw new WireError(-2, 'funds.submitwithdraw.over_available');
    const day = chinaDay(now);
    const outRequestNo = `${day}${randomBytes(6).toString('hex')}`;
    const ticket = randomBytes(16).toString('hex');
    const bank = findBank(account.account.account_bank);
    return this.db.transaction().execute(async (trx) => {
      // Withdrawals and account changes of one app run one at a time, so the one-a-day check holds.
      await lockForWrite(this.db, trx, `funds:${app.appid}`);
      if ((await countWithdrawalsOfDay(trx, app.appid, day)) > 0) throw new WireError(9700101, 'funds.submitwithdraw.one_a_day');
      await insertWithdrawal(trx, {
        appid: app.appid,
        out_request_no: outRequestNo,
        status: 1,
        amount,
        detail: {
          remark: remark ?? '',
          bank_memo: bankMemo ?? '',
          bank_name: bank?.bank_name ?? account.account.account_bank,
          bank_num: `****${account.account.account_number.slice(-4)}`,
          reason: '',
        },
        day,
        create_time: now,
        update_time: now,
        due_at: withdrawDueAt(1, now),
      });
      await insertQrcode(trx, { ticket, appid: app.appid, status: 0, scan_user_type: 0, out_request_no: outRequestNo, created_at: now, expires_at: now + QRCODE_TTL_MS });
      return { out_request_no: outRequestNo, qrcode_ticket: ticket };
    });
  }

  async scanWithdraw(app: AppRecord, body: JsonObject) {
    const { pageNum, pageSize } = page(body, 'funds.scanwithdraw');
    if (pageSize > FLOW_PAGE_SIZE_MAX) throw new WireError(990005, 'funds.scanwithdraw.page_size_over_cap');
    const all = (await listWithdrawals(this.db, app.appid)).reverse();
    const start = (pageNum - 1) * pageSize;
    return { out_request_nos: all.slice(start, start + pageSize).map((item) => item.out_request_no), total_num: all.length };
  }

  async getWithdrawDetail(app: AppRecord, body: JsonObject) {
    const no = requireString(body, 'out_request_no', 'funds.getwithdrawdetail.id_missing');
    const withdrawal = await findWithdrawal(this.db, app.appid, no);
    if (!withdrawal) throw new WireError(9710001, 'funds.getwithdrawdetail.not_found');
    return { withdraw_info: withdrawView(withdrawal) };
  }

  async setBankAccount(app: AppRecord, body: JsonObject, now: number) {
    const info = field(body, 'account_info');
    if (!isObject(info)) throw new WireError(-2, 'funds.setbankaccount.account_info_missing');
    const account = readAccount(info);
    const day = chinaDay(now);
    await this.db.transaction().execute(async (trx) => {
      await lockForWrite(this.db, trx, `funds:${app.appid}`);
      const current = await findAccount(trx, app.appid);
      const changes = current && current.change_day === day ? current.changes : 0;
      if (changes >= ACCOUNT_CHANGES_PER_DAY) throw new WireError(-2, 'funds.setbankaccount.five_a_day');
      await saveAccount(trx, { appid: app.appid, account, change_day: day, changes: changes + 1, updated_at: now });
    });
    return {};
  }

  async getBankAccount(app: AppRecord) {
    const current = await findAccount(this.db, app.appid);
    if (!current) throw new WireError(9710001, 'funds.getbankaccount.not_set');
    return { account_info: { ...current.account, verify_fail_reason: '' } };
  }

  async genQrcode(app: AppRecord, body: JsonObject, now: number) {
    const identity = requireInt(body, 'identity_type', 'funds.qrcode.gen.identity_type_missing');
    if (identity !== 1) throw new WireError(-2, 'funds.qrcode.gen.identity_type_invalid');
    const ticket = randomBytes(16).toString('hex');
    await insertQrcode(this.db, { ticket, appid: app.appid, status: 0, scan_user_type: 0, out_request_no: null, created_at: now, expires_at: now + QRCODE_TTL_MS });
    return { qrcode_ticket: ticket };
  }

  private async requireTicket(db: Executor, app: AppRecord, body: JsonObject, rule: string): Promise<QrcodeRecord> {
    const ticket = readString(body, 'qrcode_ticket');
    if (ticket === undefined || ticket === INVALID || ticket === '' || hasNul(ticket)) throw new WireError(-2, `${rule}.ticket_missing`);
    const found = await findQrcode(db, app.appid, ticket);
    if (!found) throw new WireError(60208, `${rule}.ticket_unknown`);
    return found;
  }

  async getQrcode(app: AppRecord, body: JsonObject, now: number) {
    const qrcode = await this.requireTicket(this.db, app, body, 'funds.qrcode.get');
    if (qrcode.expires_at <= now) throw new WireError(60220, 'funds.qrcode.get.expired');
    return { qrcode_buf: QR_PNG.toString('base64') };
  }

  async checkQrcode(app: AppRecord, body: JsonObject, now: number) {
    const qrcode = await this.requireTicket(this.db, app, body, 'funds.qrcode.check');
    return qrcodeView(qrcode, now);
  }

  /**
   * Admin: someone scans a QR ticket. `scan` marks it scanned, `confirm` and `cancel` end it. A
   * confirmation by an admin (scan_user_type 1 or 2) moves the withdrawal of the ticket on.
   */
  async scanQrcode(app: AppRecord, ticket: string, action: 'scan' | 'confirm' | 'cancel', scanUserType: number, now: number) {
    return this.db.transaction().execute(async (trx) => {
      const qrcode = await findQrcode(trx, app.appid, ticket);
      if (!qrcode) throw new WireError(60208, 'funds.qrcode.scan.ticket_unknown');
      if (qrcode.expires_at <= now) throw new WireError(60220, 'funds.qrcode.scan.expired');
      if (qrcode.status === 1 || qrcode.status === 2) throw new WireError(-2, 'funds.qrcode.scan.already_done');
      const next = { ...qrcode, status: ({ scan: 4, confirm: 1, cancel: 2 } as const)[action], scan_user_type: scanUserType };
      await updateQrcode(trx, next);
      if (action === 'confirm' && scanUserType !== 0 && qrcode.out_request_no) {
        const withdrawal = await findWithdrawal(trx, app.appid, qrcode.out_request_no);
        if (withdrawal) await this.move(trx, withdrawal, 'scan', now);
      }
      return qrcodeView(next, now);
    });
  }

  /** Admin and clock: moves a withdrawal by its transition table. */
  async act(app: AppRecord, outRequestNo: string, action: WithdrawAction, now: number, reason = '') {
    return this.db.transaction().execute(async (trx) => {
      const withdrawal = await findWithdrawal(trx, app.appid, outRequestNo);
      if (!withdrawal) throw new WireError(9710001, 'funds.withdraw.not_found');
      return withdrawView(await this.move(trx, withdrawal, action, now, reason));
    });
  }

  private async move(trx: Executor, withdrawal: WithdrawalRecord, action: WithdrawAction, now: number, reason = ''): Promise<WithdrawalRecord> {
    let to;
    try {
      to = transition('withdrawal status', WITHDRAW_TRANSITIONS, action, withdrawal.status);
    } catch (error) {
      if (error instanceof TransitionRejected) throw new WireError(-2, `funds.withdraw.${action}.wrong_state`);
      throw error;
    }
    const next: WithdrawalRecord = {
      ...withdrawal,
      status: to,
      detail: { ...withdrawal.detail, reason: action === 'fail' || action === 'bounce' ? reason || '银行账户信息有误' : withdrawal.detail.reason },
      update_time: Math.max(now, withdrawal.update_time),
      due_at: withdrawDueAt(to, now),
    };
    if (!(await updateWithdrawal(trx, next, withdrawal.status))) throw new WireError(-2, 'funds.withdraw.concurrent_write');
    return next;
  }

  /** Background job: closes unscanned withdrawals, accepts scanned ones and pays accepted ones out. */
  async runDue(now: number, getApp: (appid: string) => Promise<AppRecord | undefined>): Promise<number> {
    let moved = 0;
    // A clock jump can make several steps due at once (accepted, then paid out): a few passes
    // take each withdrawal as far as the clock allows, each step at its own due time.
    for (let pass = 0; pass < DUE_PASSES; pass++) {
      let movedThisPass = 0;
      for (const withdrawal of await findDueWithdrawals(this.db, now, DUE_BATCH)) {
        const action = clockAction(withdrawal.status);
        const app = await getApp(withdrawal.appid);
        if (!action || !app) continue;
        try {
          await this.act(app, withdrawal.out_request_no, action, withdrawal.due_at ?? now);
          movedThisPass++;
        } catch (error) {
          this.logger.warn({ err: error, appid: withdrawal.appid, out_request_no: withdrawal.out_request_no }, 'withdrawal move failed; will retry on the next run');
        }
      }
      moved += movedThisPass;
      if (movedThisPass === 0) break;
    }
    return moved;
  }

  /** Admin: the app's funds at a glance. */
  async overview(app: AppRecord) {
    const [balance, account, withdrawals] = await Promise.all([this.balance(app.appid), findAccount(this.db, app.appid), listWithdrawals(this.db, app.appid)]);
    return {
      balance,
      bank_account: account?.account ?? null,
      withdrawals: withdrawals.map((item) => ({ out_request_no: item.out_request_no, ...withdrawView(item) })),
    };
  }

  getBankList(body: JsonObject) {
    const offset = readInt(body, 'offset');
    const limit = readInt(body, 'limit');
    const keyWords = readString(body, 'key_words');
    if (offset === INVALID || limit === INVALID || keyWords === INVALID) throw new WireError(-2, 'funds.getbanklist.field_invalid');
    const start = Math.max(offset ?? 0, 0);
    const size = limit === undefined || limit <= 0 ? 20 : Math.min(limit, 100);
    const matched = BANKS.filter((bank) => !keyWords || bank.account_bank.includes(keyWords) || bank.bank_name.includes(keyWords));
    return { data: matched.slice(start, start + size).map(bankView) };
  }

  getBankByNum(body: JsonObject) {
    const number = requireString(body, 'account_number', 'funds.getbankbynum.number_missing');
    if (!/^\d{6,30}$/.test(number)) throw new WireError(-2, 'funds.getbankbynum.number_invalid');
    const bank = bankOfCard(number);
    const data = bank ? [bankView(bank)].map(({ bank_type: _type, ...rest }) => rest) : [];
    return { data, total_count: data.length };
  }

  getProvince() {
    const data = PROVINCES.map((province) => ({ province_code: province.province_code, province_name: province.province_name }));
    return { data, total_count: data.length };
  }

  getCity(body: JsonObject) {
    const code = requireInt(body, 'province_code', 'funds.getcity.province_code_invalid');
    const province = PROVINCES.find((item) => item.province_code === code);
    const data = (province?.cities ?? []).map((city) => ({ city_code: city.city_code, city_name: city.city_name, bank_address_code: city.bank_address_code }));
    return { data, total_count: data.length };
  }

  getSubBranch(body: JsonObject) {
    const bankCode = requireString(body, 'bank_code', 'funds.getsubbranch.bank_code_missing');
    const cityCode = requireInt(body, 'city_code', 'funds.getsubbranch.city_code_invalid');
    const offset = readInt(body, 'offset');
    const limit = readInt(body, 'limit');
    if (offset === INVALID || limit === INVALID) throw new WireError(-2, 'funds.getsubbranch.page_invalid');
    const bank = findBank(bankCode);
    const city = findCity(cityCode);
    const all = bank && city ? branchesOf(bank, city) : [];
    const start = Math.max(offset ?? 0, 0);
    const data = all.slice(start, start + (limit === undefined || limit <= 0 ? 20 : Math.min(limit, 100)));
    return {
      account_bank: bank?.account_bank ?? '',
      account_bank_code: bank ? Number(bank.bank_code) : 0,
      bank_alias: bank?.bank_name ?? '',
      bank_alias_code: bank ? String(bank.bank_id) : '',
      data,
      total_count: all.length,
      count: data.length,
    };
  }
}

export function balanceOf(orders: readonly PaidOrder[], withdrawals: readonly WithdrawalRecord[]) {
  let available = 0;
  let pending = 0;
  for (const order of orders) {
    const net = order.amount - order.refunded;
    if (order.settled) available += net;
    else pending += net;
  }
  for (const withdrawal of withdrawals) if (WITHDRAW_HOLDS_MONEY.includes(withdrawal.status)) available -= withdrawal.amount;
  return { available_amount: Math.max(available, 0), pending_amount: Math.max(pending, 0) };
}

function withdrawView(withdrawal: WithdrawalRecord) {
  return {
    amount: withdrawal.amount,
    create_time: Math.floor(withdrawal.create_time / 1000),
    update_time: Math.floor(withdrawal.update_time / 1000),
    reason: withdrawal.detail.reason,
    remark: withdrawal.detail.remark,
    bank_memo: withdrawal.detail.bank_memo,
    bank_name: withdrawal.detail.bank_name,
    bank_num: withdrawal.detail.bank_num,
    status: WITHDRAW_STATUS[withdrawal.status],
  };
}

function qrcodeView(qrcode: QrcodeRecord, now: number) {
  const expired = qrcode.expires_at <= now && qrcode.status !== 1 && qrcode.status !== 2;
  return { status: expired ? 3 : qrcode.status, scan_user_type: qrcode.scan_user_type, self_check_err_code: 0, self_check_err_msg: '' };
}

/** Reads and checks account_info against the built-in banks and cities. */
function readAccount(info: JsonObject): BankAccount {
  const text = (key: string, required: boolean): string | undefined => {
    const value = readString(info, key);
    if (value === INVALID || (required && (value === undefined || value === ''))) throw new WireError(-2, `funds.setbankaccount.${key}_invalid`);
    return value === '' ? undefined : value;
  };
  const type = text('bank_account_type', true)!;
  if (type !== 'ACCOUNT_TYPE_BUSINESS' && type !== 'ACCOUNT_TYPE_PRIVATE') throw new WireError(-2, 'funds.setbankaccount.bank_account_type_invalid');
  const accountBank = text('account_bank', true)!;
  const bank = BANKS.find((item) => item.account_bank === accountBank);
  if (!bank) throw new WireError(-2, 'funds.setbankaccount.account_bank_unknown');
  const addressCode = text('bank_address_code', true)!;
  if (!cityByAddressCode(addressCode)) throw new WireError(-2, 'funds.setbankaccount.bank_address_code_unknown');
  const number = text('account_number', true)!;
  if (!/^\d{8,30}$/.test(number)) throw new WireError(-2, 'funds.setbankaccount.account_number_invalid');
  const branchId = text('bank_branch_id', false);
  const bankName = text('bank_name', false);
  if (bank.need_branch && !branchId && !bankName) throw new WireError(-2, 'funds.setbankaccount.branch_missing');
  if (branchId !== undefined && !findBranch(branchId)) throw new WireError(-2, 'funds.setbankaccount.bank_branch_id_unknown');
  return {
    bank_account_type: type,
    account_bank: accountBank,
    bank_address_code: addressCode,
    account_number: number,
    ...(branchId === undefined ? {} : { bank_branch_id: branchId }),
    ...(bankName === undefined ? {} : { bank_name: bankName }),
  };
}
