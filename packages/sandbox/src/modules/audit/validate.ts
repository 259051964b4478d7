import { field, isObject, readInt, readIntArray, readString, readStringArray, textLength, INVALID, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';

/** Most images one category audit may carry in `certificate` (documented limit). */
export const MAX_CERTIFICATES = 10;
/** Maximum length of the brand word, a sandbox limit because the platform documents none. */
const MAX_BRAND_WORDING = 100;
/** Maximum length of other text fields, a sandbox limit because the platform documents none. */
const MAX_TEXT = 256;

export interface BrandRequest {
  license: string[];
  brand_info: Record<string, unknown> & { brand_wording: string; brand_audit_type: number; brand_management_type: number };
  scene_group_list: number[];
}

export interface CategoryRequest {
  license: string[];
  level1: number;
  level2: number;
  level3: number;
  certificate: string[];
  scene_group_list: number[];
}

function missing(rule: string): never {
  throw new WireError(990007, rule);
}

/** `license` is a list of images; older integrations send one string, which is stored as a list. */
function readLicense(body: JsonObject, rule: string): string[] {
  const value = field(body, 'license');
  if (typeof value === 'string' && value !== '') return [value];
  const list = readStringArray(body, 'license');
  if (list === undefined || list === INVALID || list.length === 0 || list.some((item) => item === '')) missing(`${rule}.license`);
  return list;
}

function readScenes(body: JsonObject, rule: string): number[] {
  const scenes = readIntArray(body, 'scene_group_list');
  if (scenes === INVALID) missing(`${rule}.scene_group_list`);
  return scenes ?? [];
}

function readEnum(body: JsonObject, key: string, allowed: readonly number[], rule: string): number {
  const value = readInt(body, key);
  if (value === undefined || value === INVALID || !allowed.includes(value)) missing(`${rule}.${key}`);
  return value;
}

function readText(body: JsonObject, key: string, rule: string, max = MAX_TEXT): string {
  const value = readString(body, key);
  if (value === undefined || value === INVALID || value.trim() === '') missing(`${rule}.${key}`);
  if (textLength(value) > max) throw new WireError(990008, `${rule}.${key}.too_long`);
  return value;
}

function readImages(body: JsonObject, key: string, rule: string): string[] {
  const value = readStringArray(body, key);
  if (value === undefined || value === INVALID || value.length === 0) missing(`${rule}.${key}`);
  return value;
}

/**
 * Reads audit_brand's `audit_req`. The fields required depend on the mark (R: registered, TM:
 * applied for) and on whether the brand is the merchant's own or an agency brand.
 */
export function readBrandRequest(body: JsonObject): BrandRequest {
  const rule = 'audit_brand';
  const req = field(body, 'audit_req');
  if (!isObject(req)) missing(`${rule}.audit_req`);
  const license = readLicense(req, rule);
  const info = field(req, 'brand_info');
  if (!isObject(info)) missing(`${rule}.brand_info`);
  const auditType = readEnum(info, 'brand_audit_type', [1, 2, 3, 4], rule);
  const managementType = readEnum(info, 'brand_management_type', [1, 2, 3], rule);
  readEnum(info, 'commodity_origin_type', [1, 2], rule);
  const trademarkType = readString(info, 'trademark_type');
  if (trademarkType === undefined || trademarkType === INVALID || !/^([1-9]|[1-3]\d|4[0-5])$/.test(trademarkType)) missing(`${rule}.trademark_type`);
  const wording = readText(info, 'brand_wording', rule, MAX_BRAND_WORDING);

  if (managementType !== 3) {
    readText(info, 'trademark_registrant_nu', rule);
    const registered = auditType === 1 || auditType === 3;
    if (registered) {
      readImages(info, 'trademark_registration_certificate', rule);
      readText(info, 'trademark_registrant', rule);
      readText(info, 'trademark_authorization_period', rule);
    } else {
      readImages(info, 'trademark_registration_application', rule);
      readText(info, 'trademark_applicant', rule);
      readText(info, 'trademark_application_time', rule);
    }
    if (managementType === 2) readImages(info, 'sale_authorization', rule);
  }
  return {
    license,
    brand_info: { ...(info as Record<string, unknown>), brand_wording: wording, brand_audit_type: auditType, brand_management_type: managementType, trademark_type: trademarkType },
    scene_group_list: readScenes(req, rule),
  };
}

/**
 * Reads audit_category's `audit_req`. A missing or misspelt `category_info` leaves the category
 * unknown, which the platform reports as 1000009 (returned as undefined here); so does a body
 * without `audit_req`.
 */
export function readCategoryRequest(body: JsonObject): { request: Omit<CategoryRequest, 'level1' | 'level2' | 'level3'>; levels: [number, number, number] | undefined } {
  const rule = 'audit_category';
  const req = field(body, 'audit_req');
  // Without the wrapper (fields at the top, camelCase keys, or an unparsable body read as {}),
  // the platform finds no category and answers 1000009 before looking at anything else.
  if (!isObject(req)) return { request: { license: [], certificate: [], scene_group_list: [] }, levels: undefined };
  const license = readLicense(req, rule);
  const scenes = readScenes(req, rule);
  const info = field(req, 'category_info');
  if (!isObject(info)) return { request: { license, certificate: [], scene_group_list: scenes }, levels: undefined };
  const certificate = readStringArray(info, 'certificate');
  if (certificate === INVALID) missing(`${rule}.certificate`);
  if (certificate && certificate.length > MAX_CERTIFICATES) throw new WireError(990008, `${rule}.certificate.too_many`);
  const levels = (['level1', 'level2', 'level3'] as const).map((key) => readInt(info, key));
  const valid = levels.every((level): level is number => typeof level === 'number');
  return {
    request: { license, certificate: (certificate ?? []).filter((item) => item !== ''), scene_group_list: scenes },
    levels: valid ? (levels as [number, number, number]) : undefined,
  };
}
