import type { JsonValue } from '@wxshop/api';
import { field, hasNul, INVALID, isObject, readId, readInt, readString, toInt, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { AftersaleKey } from './store.js';

/** Media must be images the shop uploaded through shop/img/upload. */
const UPLOADED_IMAGE_PREFIX = 'https://mmecimage.cn/';
/** An aftersale_id that can match nothing, for ids that are present but not a uint64. */
const NO_AFTERSALE_ID = 'invalid';

/** Reads `aftersale_id` / `out_aftersale_id` (one of two; 2747012 when both are absent). */
export function readAftersaleKey(body: JsonObject): AftersaleKey {
  const aftersaleId = readId(body, 'aftersale_id');
  const outAftersaleId = readString(body, 'out_aftersale_id');
  const key: AftersaleKey = {};
  if (aftersaleId === INVALID) key.aftersale_id = NO_AFTERSALE_ID;
  else if (aftersaleId !== undefined) key.aftersale_id = aftersaleId;
  if (typeof outAftersaleId === 'string' && outAftersaleId !== '' && !hasNul(outAftersaleId)) key.out_aftersale_id = outAftersaleId;
  if (key.aftersale_id === undefined && key.out_aftersale_id === undefined) throw new WireError(2747012, 'ecaftersale.id.missing');
  return key;
}

/**
 * Reads `orderamt`. An amount sent as a decimal (1.00) was accepted live and stored as 0, so that
 * the later refund failed (2747009); the sandbox does the same.
 */
export function readOrderAmount(body: JsonObject, rule: string): number {
  const value = field(body, 'orderamt');
  const amount = toInt(value);
  if (amount === undefined) throw new WireError(2747002, `${rule}.orderamt.missing`);
  if (amount === INVALID) {
    if ((typeof value === 'number' && Number.isFinite(value) && value >= 0) || (typeof value === 'string' && /^\d+\.\d+$/.test(value))) return 0;
    throw new WireError(2747002, `${rule}.orderamt.invalid`);
  }
  if (amount < 0) throw new WireError(2747002, `${rule}.orderamt.negative`);
  return amount;
}

export interface EcRequest {
  type: number;
  refund_reason: string;
  refund_reason_type: number;
  media_list: { type: number; url: string; thumb_url: string }[];
}

/** Reads the fields add and update share: type, reason, reason type and media. */
export function readEcRequest(body: JsonObject, rule: string): EcRequest {
  const type = readInt(body, 'type');
  if (type !== 1 && type !== 2) throw new WireError(2747002, `${rule}.type.invalid`);
  const reason = readString(body, 'refund_reason');
  if (typeof reason !== 'string' || reason === '') throw new WireError(2747002, `${rule}.refund_reason.missing`);
  const reasonType = readInt(body, 'refund_reason_type');
  // Live data carried reason types beyond the documented 1-12, so any positive integer passes.
  if (reasonType === undefined || reasonType === INVALID || reasonType < 1) throw new WireError(2747002, `${rule}.refund_reason_type.invalid`);
  return { type, refund_reason: reason, refund_reason_type: reasonType, media_list: readMedia(field(body, 'media_list'), rule) };
}

function readMedia(value: JsonValue | undefined, rule: string): EcRequest['media_list'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new WireError(2747002, `${rule}.media_list.not_array`);
  return value.map((item) => {
    if (!isObject(item)) throw new WireError(2747002, `${rule}.media_list.item_not_object`);
    const type = readInt(item, 'type');
    const url = readString(item, 'url');
    const thumb = readString(item, 'thumb_url');
    if ((type !== 1 && type !== 2) || typeof url !== 'string' || typeof thumb !== 'string' || url === '' || thumb === '') {
      throw new WireError(2747002, `${rule}.media_list.item_invalid`);
    }
    if (!url.startsWith(UPLOADED_IMAGE_PREFIX) || !thumb.startsWith(UPLOADED_IMAGE_PREFIX)) throw new WireError(2747010, `${rule}.media_list.not_uploaded`);
    return { type, url, thumb_url: thumb };
  });
}
