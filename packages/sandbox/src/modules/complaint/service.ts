import { toWireInteger } from '@wxshop/api';
import type { Kysely } from 'kysely';
import { enqueueEvent } from '../../push/outbox.js';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { field, hasNul, INVALID, isObject, readId, readInt, readString, readStringArray, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import { lockForWrite } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { IdAllocator } from '../../storage/ids.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { OrderService } from '../order/service.js';
import type { OrderKey } from '../order/store.js';
import { COMPLAINT_TRANSITIONS, EVENTS, MERCHANT_ANSWER_MS, PARTY, STATE_DESCRIBE, type ComplaintAction, type ComplaintState } from './states.js';
import { findComplaint, insertComplaint, listComplaints, saveComplaint, type ComplaintRecord, type FlowItem } from './store.js';

export const COMPLAINT_LIMIT_MAX = 50;
const ID_START = 4100000000000000001n;
/** Dispute type of the platform's samples (a buyer's complaint about an after-sale). */
const DEFAULT_TYPE = 7;
const MATERIAL_TEXT_MAX = 500;
const MATERIAL_IMAGES_MAX = 9;

export interface OpenComplaintInput {
  key: OrderKey;
  after_sale_order_id?: string;
  type?: number;
  content?: string;
  media_url_list?: string[];
  phone_number?: string;
}

/** Buyer disputes: opened and decided through the admin API, answered by the merchant on the wire. */
export class ComplaintService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orders: OrderService,
    private readonly ids: IdAllocator,
  ) {}

  async getList(app: AppRecord, body: JsonObject) {
    const offset = readInt(body, 'offset');
    const limit = readInt(body, 'limit');
    if (offset === undefined || offset === INVALID || offset < 0) throw new WireError(-2, 'complaint.get_list.offset_invalid');
    if (limit === undefined || limit === INVALID || limit < 1) throw new WireError(-2, 'complaint.get_list.limit_invalid');
    if (limit > COMPLAINT_LIMIT_MAX) throw new WireError(990005, 'complaint.get_list.limit_over_cap');
    const state = readInt(body, 'state') ?? readInt(body, 'status');
    const type = readInt(body, 'type');
    const begin = readInt(body, 'begin_create_time');
    const end = readInt(body, 'end_create_time');
    const orderId = readString(body, 'order_id');
    const afterSale = readId(body, 'after_sale_order_id');
    if ([state, type, begin, end, orderId, afterSale].includes(INVALID) || hasNul(typeof orderId === 'string' ? orderId : '')) throw new WireError(-2, 'complaint.get_list.filter_invalid');
    if (typeof begin === 'number' && typeof end === 'number' && begin > end) throw new WireError(990009, 'complaint.get_list.time_reversed');
    const { total, items } = await listComplaints(this.db, {
      appid: app.appid,
      state: state as number | undefined,
      type: type as number | undefined,
      from: typeof begin === 'number' ? begin * 1000 : undefined,
      to: typeof end === 'number' ? end * 1000 + 999 : undefined,
      orderId: orderId === '' ? undefined : (orderId as string | undefined),
      afterSaleOrderId: afterSale as string | undefined,
      offset,
      limit,
    });
    return { orders: items.map(complaintView), total };
  }

  private async requireComplaint(db: Executor, app: AppRecord, body: JsonObject, rule: string): Promise<ComplaintRecord> {
    const id = readId(body, 'complaint_order_id');
    if (id === undefined || id === INVALID) throw new WireError(-2, `${rule}.id_invalid`);
    const found = await findComplaint(db, app.appid, id);
    if (!found) throw new WireError(9710001, `${rule}.not_found`);
    return found;
  }

  async get(app: AppRecord, body: JsonObject) {
    const complaint = await this.requireComplaint(this.db, app, body, 'complaint.get');
    return { order: complaintView(complaint), flow_info: { list: complaint.detail.flow.map(flowView) } };
  }

  async uploadMaterial(app: AppRecord, body: JsonObject, now: number) {
    const material = field(body, 'material_info');
    if (!isObject(material)) throw new WireError(-2, 'complaint.upload_material.material_missing');
    const content = readString(material, 'content');
    const media = readStringArray(material, 'media_url_list');
    if (content === INVALID || media === INVALID) throw new WireError(-2, 'complaint.upload_material.material_invalid');
    if ((content ?? '') === '' && (media ?? []).length === 0) throw new WireError(-2, 'complaint.upload_material.material_empty');
    if ((content ?? '').length > MATERIAL_TEXT_MAX || (media ?? []).length > MATERIAL_IMAGES_MAX) throw new WireError(-2, 'complaint.upload_material.material_too_long');
    if ((media ?? []).some((url) => !/^https?:\/\//.test(url))) throw new WireError(-2, 'complaint.upload_material.media_url_invalid');
    await this.db.transaction().execute(async (trx) => {
      // Moves of one app's disputes run one at a time, so none loses its check of the state.
      await lockForWrite(this.db, trx, `complaints:${app.appid}`);
      const complaint = await this.requireComplaint(trx, app, body, 'complaint.upload_material');
      await this.move(trx, app, complaint, 'respond', PARTY.merchant, now, { content: content ?? '', media_url_list: media ?? [] });
    });
    return {};
  }

  /** Admin: the buyer opens a dispute on a paid order; emits complaint_notify. */
  async open(app: AppRecord, input: OpenComplaintInput, now: number): Promise<ComplaintRecord> {
    const order = await this.orders.find(this.db, app.appid, input.key);
    if (!order) throw new WireError(9710001, 'complaint.open.order_not_found');
    if (order.pay_time === null) throw new WireError(-2, 'complaint.open.order_not_paid');
    const [id] = await this.ids.take('complaint_order_id', ID_START);
    const record: ComplaintRecord = {
      appid: app.appid,
      complaint_order_id: id!.toString(),
      order_id: order.order_id,
      after_sale_order_id: input.after_sale_order_id ?? '0',
      state: 230000,
      type: input.type ?? DEFAULT_TYPE,
      detail: {
        openid: order.openid,
        phone_number: input.phone_number ?? '',
        judge_result: 0,
        expired_time: now + MERCHANT_ANSWER_MS,
        flow: [
          {
            object: PARTY.user,
            state: 230000,
            event: EVENTS.raised.event,
            event_describe: EVENTS.raised.describe,
            time: now,
            content: input.content ?? '商品与描述不符，商家未妥善处理售后',
            media_url_list: input.media_url_list ?? [],
          },
        ],
      },
      create_time: now,
      update_time: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await insertComplaint(trx, record);
      await enqueueEvent(trx, app, 'complaint_notify', 'complaint_info', { complaint_order_id: record.complaint_order_id, state: record.state, event: EVENTS.raised.event }, now);
    });
    return record;
  }

  /** Admin: the platform or the buyer moves a dispute (escalate, judge, withdraw). */
  async act(app: AppRecord, id: string, action: Exclude<ComplaintAction, 'respond'>, now: number, options: { judge_result?: number; content?: string } = {}) {
    return this.db.transaction().execute(async (trx) => {
      await lockForWrite(this.db, trx, `complaints:${app.appid}`);
      const complaint = await findComplaint(trx, app.appid, id);
      if (!complaint) throw new WireError(9710001, 'complaint.act.not_found');
      const party = action === 'withdraw' ? PARTY.user : PARTY.platform;
      return this.move(trx, app, complaint, action, party, now, { content: options.content ?? '', media_url_list: [] }, options.judge_result);
    });
  }

  private async move(
    trx: Executor,
    app: AppRecord,
    complaint: ComplaintRecord,
    action: ComplaintAction,
    party: number,
    now: number,
    material: { content: string; media_url_list: string[] },
    judgeResult?: number,
  ): Promise<ComplaintRecord> {
    let to: ComplaintState;
    try {
      to = transition('complaint state', COMPLAINT_TRANSITIONS, action, complaint.state);
    } catch (error) {
      if (error instanceof TransitionRejected) throw new WireError(-2, `complaint.${action}.wrong_state`);
      throw error;
    }
    const event = EVENTS[action];
    const next = structuredClone(complaint);
    next.state = to;
    next.update_time = Math.max(now, complaint.update_time + 1);
    next.detail.expired_time = null;
    if (action === 'judge') next.detail.judge_result = judgeResult ?? 1;
    const item: FlowItem = { object: party, state: to, event: event.event, event_describe: event.describe, time: now, ...material };
    next.detail.flow.push(item);
    if (!(await saveComplaint(trx, next, complaint))) throw new WireError(-1, `complaint.${action}.concurrent_write`);
    await enqueueEvent(trx, app, 'complaint_notify', 'complaint_info', { complaint_order_id: next.complaint_order_id, state: to, event: event.event }, now);
    return next;
  }
}

export function complaintView(complaint: ComplaintRecord) {
  return {
    complaint_order_id: toWireInteger(complaint.complaint_order_id),
    order_id: complaint.order_id,
    after_sale_order_id: toWireInteger(complaint.after_sale_order_id),
    openid: complaint.detail.openid,
    phone_number: complaint.detail.phone_number,
    type: complaint.type,
    state: complaint.state,
    create_time: Math.floor(complaint.create_time / 1000),
    update_time: Math.floor(complaint.update_time / 1000),
    expired_time: complaint.detail.expired_time === null ? 0 : Math.floor(complaint.detail.expired_time / 1000),
    judge_result: complaint.detail.judge_result,
  };
}

function flowView(item: FlowItem) {
  const record = {
    state: item.state,
    state_describe: STATE_DESCRIBE[item.state],
    event: item.event,
    event_describe: item.event_describe,
    time: String(item.time),
    material_info: { content: item.content, media_url_list: item.media_url_list },
  };
  if (item.object === PARTY.user) return { object: item.object, user_record: record };
  if (item.object === PARTY.merchant) return { object: item.object, merchant_record: { ...record, operator_nickname: '商家客服' } };
  return { object: item.object, op_record: record };
}
