import { PRODUCT_LIMITS, type JsonValue } from '@wxshop/api';
import {
  INVALID,
  field,
  hasNul,
  isObject,
  readInt,
  readIntArray,
  readString,
  readStringArray,
  textLength,
  toInt,
  type JsonObject,
} from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { ProductCopy } from './store.js';

/** A product body checked for shape: what spu/add and spu/update write into the draft. */
export interface ProductInput {
  out_product_id: string;
  copy: Omit<ProductCopy, 'skus'> & { skus: SkuInput[] };
}

export interface SkuInput {
  out_sku_id: string;
  thumb_img: string;
  sale_price: number;
  market_price: number;
  stock_num: number;
  barcode: string;
  sku_code: string;
  sku_attrs: { attr_key: string; attr_value: string }[];
}

// Optional fields of the 2021 documentation that are stored and echoed back without meaning.
const EXTRA_FIELDS = ['supplier', 'express_fee', 'product_type', 'sell_time', 'pick_up_type', 'onsale', 'unitname', 'unitfactor', 'item_type'];

/** Reads out_product_id; 1000001 when it is absent, empty or not a string or number. */
export function readOutProductId(body: JsonObject): string {
  const value = readString(body, 'out_product_id');
  if (value === undefined || value === INVALID || value.trim() === '') throw new WireError(1000001, 'spu.out_product_id.missing');
  if (hasNul(value)) throw new WireError(1000001, 'spu.out_product_id.nul');
  if (textLength(value) > PRODUCT_LIMITS.outIdLength) throw new WireError(990008, 'spu.out_product_id.too_long');
  return value;
}

/** skus must be a non-empty array of objects (an object in place of the array counts as absent). */
export function readSkuList(body: JsonObject): JsonObject[] {
  const skus = field(body, 'skus');
  if (!Array.isArray(skus) || skus.length === 0) throw new WireError(1000020, 'spu.skus.empty');
  if (!skus.every(isObject)) throw new WireError(1000020, 'spu.skus.not_objects');
  return skus as JsonObject[];
}

function missing(name: string): never {
  throw new WireError(1000014, `spu.${name}.missing`);
}

function tooLong(name: string): never {
  throw new WireError(990008, `spu.${name}.too_long`);
}

function requiredText(body: JsonObject, name: string, maxLength: number): string {
  const value = readString(body, name);
  if (value === undefined || value === INVALID || value.trim() === '') missing(name);
  if (textLength(value) > maxLength) tooLong(name);
  return value;
}

function optionalText(body: JsonObject, name: string, maxLength: number): string {
  const value = readString(body, name);
  if (value === INVALID) missing(name);
  if (value !== undefined && textLength(value) > maxLength) tooLong(name);
  return value ?? '';
}

function urlList(body: JsonObject, name: string, maxCount: number, required: boolean): string[] {
  const value = readStringArray(body, name);
  if (value === INVALID) missing(name);
  if (value === undefined || value.length === 0) {
    if (required) missing(name);
    return [];
  }
  if (required && value.every((url) => url.trim() === '')) missing(name);
  if (value.length > maxCount || value.some((url) => url.length > PRODUCT_LIMITS.urlLength)) tooLong(name);
  return value;
}

function requiredInt(body: JsonObject, name: string, min: number): number {
  const value = readInt(body, name);
  if (value === undefined || value === INVALID || value < min) missing(name);
  return value;
}

/**
 * Reads the fields of a full product body (spu/add, spu/update) in the platform's order of
 * checks: out_product_id (1000001), skus (1000020), then the other required fields (1000014) and
 * lengths (990008). Category, brand, image and state checks belong to the service.
 */
export function readProductBody(body: JsonObject, outProductId: string): ProductInput {
  const skuObjects = readSkuList(body);

  const title = requiredText(body, 'title', PRODUCT_LIMITS.titleLength);
  const path = requiredText(body, 'path', PRODUCT_LIMITS.pathLength);
  const head_img = urlList(body, 'head_img', PRODUCT_LIMITS.headImgCount, true);
  const third_cat_id = requiredInt(body, 'third_cat_id', 1);
  const brand_id = requiredInt(body, 'brand_id', 1);

  const qualification_pics = urlList(body, 'qualification_pics', PRODUCT_LIMITS.qualificationPicCount, false).filter((url) => url !== '');
  const direct_path = optionalText(body, 'direct_path', PRODUCT_LIMITS.pathLength);
  const info_version = optionalText(body, 'info_version', PRODUCT_LIMITS.infoVersionLength);
  const scene_group_list = readIntArray(body, 'scene_group_list');
  if (scene_group_list === INVALID) missing('scene_group_list');

  const descValue = field(body, 'desc_info');
  let desc_info = { desc: '', imgs: [] as string[] };
  if (descValue !== undefined && descValue !== null) {
    if (!isObject(descValue)) missing('desc_info');
    desc_info = {
      desc: optionalText(descValue, 'desc', PRODUCT_LIMITS.descLength),
      imgs: urlList(descValue, 'imgs', PRODUCT_LIMITS.descImgCount, false),
    };
  }

  if (skuObjects.length > PRODUCT_LIMITS.skuCount) tooLong('skus');
  const skus = skuObjects.map((sku) => readSku(sku, outProductId));
  const seen = new Set<string>();
  for (const sku of skus) {
    if (seen.has(sku.out_sku_id)) throw new WireError(1000014, 'spu.skus.out_sku_id.duplicate');
    seen.add(sku.out_sku_id);
  }

  const extras: Record<string, unknown> = {};
  for (const name of EXTRA_FIELDS) {
    const value = field(body, name);
    if (isPlainExtra(value)) extras[name] = value;
  }

  return {
    out_product_id: outProductId,
    copy: {
      title,
      path,
      ...(direct_path ? { direct_path } : {}),
      head_img,
      qualification_pics,
      desc_info,
      third_cat_id,
      brand_id,
      info_version,
      scene_group_list: scene_group_list ?? [],
      skus,
      extras,
    },
  };
}

/**
 * Checks that a legacy optional field has one of the simple shapes the old documentation gave it:
 * a string, a number, a boolean, or a short list of those. Other values are dropped without an
 * error, as the platform drops fields it does not know.
 */
function isPlainExtra(value: JsonValue | undefined): boolean {
  const scalar = (item: JsonValue | undefined) =>
    (typeof item === 'string' && item.length <= PRODUCT_LIMITS.urlLength) ||
    (typeof item === 'number' && Number.isFinite(item)) ||
    typeof item === 'boolean';
  if (Array.isArray(value)) return value.length <= 20 && value.every(scalar);
  return scalar(value);
}

function readSku(sku: JsonObject, outProductId: string): SkuInput {
  const parent = readString(sku, 'out_product_id');
  // An sku may repeat its product's id; a different one does not belong to this product.
  if (parent === INVALID || (parent !== undefined && parent !== '' && parent !== outProductId)) missing('skus.out_product_id');

  const out_sku_id = requiredText(sku, 'out_sku_id', PRODUCT_LIMITS.outIdLength);
  const thumb = readString(sku, 'thumb_img');
  if (thumb === INVALID) missing('skus.thumb_img');
  if (thumb !== undefined && thumb.length > PRODUCT_LIMITS.urlLength) tooLong('skus.thumb_img');

  const price = (name: string) => {
    const value = toInt(field(sku, name));
    if (value === undefined || value === INVALID || value < 0) missing(`skus.${name}`);
    return value;
  };
  const sale_price = price('sale_price');
  const market_price = price('market_price');
  const stock_num = price('stock_num');

  const attrsValue = field(sku, 'sku_attrs');
  const sku_attrs: SkuInput['sku_attrs'] = [];
  if (attrsValue !== undefined && attrsValue !== null) {
    if (!Array.isArray(attrsValue)) missing('skus.sku_attrs');
    if (attrsValue.length > PRODUCT_LIMITS.skuAttrCount) tooLong('skus.sku_attrs');
    for (const attr of attrsValue) {
      if (!isObject(attr)) missing('skus.sku_attrs');
      const attr_key = readString(attr, 'attr_key');
      const attr_value = readString(attr, 'attr_value');
      if (attr_key === undefined || attr_key === INVALID || attr_value === undefined || attr_value === INVALID) missing('skus.sku_attrs');
      if (textLength(attr_key) > PRODUCT_LIMITS.skuAttrLength || textLength(attr_value) > PRODUCT_LIMITS.skuAttrLength) tooLong('skus.sku_attrs');
      sku_attrs.push({ attr_key, attr_value });
    }
  }

  return {
    out_sku_id,
    thumb_img: thumb ?? '',
    sale_price,
    market_price,
    stock_num,
    barcode: optionalText(sku, 'barcode', PRODUCT_LIMITS.codeLength),
    sku_code: optionalText(sku, 'sku_code', PRODUCT_LIMITS.codeLength),
    sku_attrs,
  };
}

/**
 * 1000045: a title made only of ASCII letters, digits and symbols breaks the title rules. The live
 * check once also rejected an ordinary Chinese title; the sandbox applies only the stated rule.
 */
export function isAsciiOnlyTitle(title: string): boolean {
  return /^[\x20-\x7e]+$/.test(title);
}
