import type { Kysely } from 'kysely';
import { parseChinaTime } from '../../platform/clock.js';
import { field, hasNul, INVALID, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord } from '../app/store.js';
import { OPENID_PATTERN } from '../buyer/service.js';
import type { OrderService } from './service.js';
import { listOrders, type OrderListFilter } from './store.js';
import { orderView } from './view.js';

/** Largest page_size of the three order lists (990005 above it). */
export const ORDER_PAGE_SIZE_MAX = 100;

/** order/get_list, get_list_by_sharer and get_list_by_finder. */
export class OrderListService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orders: OrderService,
  ) {}

  /** order/get_list: every order of the shop, by create_time. */
  async getList(app: AppRecord, body: JsonObject, now: number) {
    const { offset, limit } = readPaging(body);
    const ascending = readSortOrder(body);
    const [from, to] = readTimeRange(body, 'start_create_time', 'end_create_time');
    return this.run(app, now, body, { appid: app.appid, createdFrom: from, createdTo: to, ascending, offset, limit });
  }

  /** order/get_list_by_sharer: paid orders a sharer brought, by pay time. */
  async getListBySharer(app: AppRecord, body: JsonObject, now: number) {
    const sharer = readString(body, 'sharer_openid');
    if (sharer === undefined || sharer === '') throw new WireError(990004, 'order.get_list_by_sharer.sharer_openid.missing');
    if (sharer === INVALID || !OPENID_PATTERN.test(sharer)) throw new WireError(990001, 'order.get_list_by_sharer.sharer_openid.malformed');
    const { offset, limit } = readPaging(body);
    const [from, to] = readTimeRange(body, 'start_pay_time', 'end_pay_time');
    return this.run(app, now, body, { appid: app.appid, paidOnly: true, paidFrom: from, paidTo: to, sharerOpenid: sharer, ascending: false, offset, limit });
  }

  /** order/get_list_by_finder: paid orders a Channels promoter brought, by pay time. */
  async getListByFinder(app: AppRecord, body: JsonObject, now: number) {
    const promoterId = readString(body, 'promoter_id');
    const finder = readString(body, 'finder_username');
    let promoter: string | undefined;
    if (typeof finder === 'string' && finder !== '') promoter = finder;
    if (typeof promoterId === 'string' && promoterId !== '') promoter = promoterId;
    if (promoter !== undefined && hasNul(promoter)) throw new WireError(990007, 'order.get_list_by_finder.promoter.invalid');
    const { offset, limit } = readPaging(body);
    const [from, to] = readTimeRange(body, 'start_pay_time', 'end_pay_time');
    return this.run(app, now, body, { appid: app.appid, paidOnly: true, paidFrom: from, paidTo: to, promoter, ascending: false, offset, limit });
  }

  private async run(app: AppRecord, now: number, body: JsonObject, filter: OrderListFilter) {
    // Orders whose expire_time has passed are cancelled before anyone reads them.
    await this.orders.expireDue(now);
    const { total, items } = await listOrders(this.db, filter);
    const stringify = field(body, 'stringify_64bits_number') === true;
    return { total_num: total, orders: items.map((order) => orderView(order, now, stringify)) };
  }
}

function readPaging(body: JsonObject): { offset: number; limit: number } {
  const page = readInt(body, 'page');
  const pageSize = readInt(body, 'page_size');
  if (page === undefined || page === INVALID || page < 1) throw new WireError(990007, 'order.list.page.invalid');
  if (pageSize === undefined || pageSize === INVALID || pageSize < 1) throw new WireError(990007, 'order.list.page_size.invalid');
  if (pageSize > ORDER_PAGE_SIZE_MAX) throw new WireError(990005, 'order.list.page_size.too_large');
  return { offset: (page - 1) * pageSize, limit: pageSize };
}

/** sort_order 1 newest first (default), 2 oldest first; WxJava sends the flag as `desc`. */
function readSortOrder(body: JsonObject): boolean {
  const value = readInt(body, 'sort_order') ?? readInt(body, 'desc');
  if (value === undefined) return false;
  if (value === INVALID || (value !== 1 && value !== 2)) throw new WireError(990007, 'order.list.sort_order.invalid');
  return value === 2;
}

function readTimeRange(body: JsonObject, startKey: string, endKey: string): [number | undefined, number | undefined] {
  const read = (key: string) => {
    const text = readString(body, key);
    if (text === undefined || text === '') return undefined;
    const time = text === INVALID ? undefined : parseChinaTime(text);
    if (time === undefined) throw new WireError(990018, `order.list.${key}.invalid`);
    return time;
  };
  const start = read(startKey);
  const end = read(endKey);
  if (start !== undefined && end !== undefined && start > end) throw new WireError(990009, 'order.list.time_range.reversed');
  // Times are stored in milliseconds and the filter names whole seconds: the end second counts whole.
  return [start, end === undefined ? undefined : end + 999];
}
