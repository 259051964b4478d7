import { hasNul, INVALID, readId, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Executor } from '../app/store.js';
import type { AppRecord } from '../app/store.js';
import type { BuyerService } from '../buyer/service.js';
import type { OrderKey } from './store.js';
import { OUT_ORDER_ID_MAX_LENGTH } from './validate.js';

/** An order_id that can match no order, for ids that are present but not a uint64. */
const NO_ORDER_ID = 'invalid';
/**
 * An out_order_id that can match no order, for ids that are present but not text. order/add
 * stores none longer than OUT_ORDER_ID_MAX_LENGTH characters, so this one is never stored.
 */
const NO_OUT_ORDER_ID = '\ufffd'.repeat(OUT_ORDER_ID_MAX_LENGTH + 1);

/**
 * Reads `order_id` / `out_order_id` (one of two; 1010001 when both are absent). When both are
 * given, both must name the same order, so both go into the key.
 */
export function readOrderKey(body: JsonObject, missingCode = 1010001): OrderKey {
  const orderId = readId(body, 'order_id');
  const outOrderId = readString(body, 'out_order_id');
  const key: OrderKey = {};
  if (orderId === INVALID) key.order_id = NO_ORDER_ID;
  else if (orderId !== undefined) key.order_id = orderId;
  if (outOrderId === INVALID || (typeof outOrderId === 'string' && hasNul(outOrderId))) key.out_order_id = NO_OUT_ORDER_ID;
  else if (outOrderId !== undefined && outOrderId !== '') key.out_order_id = outOrderId;
  if (key.order_id === undefined && key.out_order_id === undefined) throw new WireError(missingCode, 'order.id.missing');
  return key;
}

/**
 * Reads the buyer's `openid` on an order, delivery or after-sale path: absent, malformed or not a
 * buyer of this app all answer 1010014, as the platform does.
 */
export async function readBuyerOpenid(db: Executor, buyers: BuyerService, app: AppRecord, body: JsonObject): Promise<string> {
  const openid = readString(body, 'openid');
  if (openid === undefined || openid === INVALID || openid === '') throw new WireError(1010014, 'order.openid.missing');
  if (!(await buyers.isBuyer(db, app.appid, openid))) throw new WireError(1010014, 'order.openid.not_of_app');
  return openid;
}
