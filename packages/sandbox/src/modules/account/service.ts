import type { Kysely } from 'kysely';
import { field, isObject, readString, textLength, INVALID, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { Database } from '../../storage/schema.js';
import type { AppService } from '../app/service.js';
import type { AccountInfo } from '../app/settings.js';
import type { AppRecord, Executor } from '../app/store.js';
import type { CategoryService } from '../category/service.js';
import {
  approveBrand,
  approveCategories,
  clearApprovals,
  findBrandByWording,
  isBrandApproved,
  listApprovedBrands,
  listApprovedCategories,
} from './store.js';

// Approvals change rarely and every spu/add reads them; a short cache spares the query.
const CACHE_TTL_MS = 1000;
/** Maximum length of an update_info text field, a sandbox limit because the platform documents none. */
const MAX_TEXT_LENGTH = 256;
const ADDRESS_FIELDS = ['receiver_name', 'detailed_address', 'tel_number', 'country', 'province', 'city', 'town'] as const;

/**
 * The merchant account: approved categories and brands (which gate spu/add), and the customer
 * service and return address set by account/update_info.
 */
export class AccountService {
  private readonly categoryCache = new Map<string, { ids: Set<number>; fetchedAt: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly categories: CategoryService,
    private readonly apps: () => AppService,
  ) {}

  /** Gives the account every category that needs no qualification, as opening the component does. */
  async grantAutoCategories(db: Executor, appid: string): Promise<void> {
    await approveCategories(db, appid, this.categories.withoutQualification());
    this.categoryCache.delete(appid);
  }

  async approveCategory(db: Executor, appid: string, thirdCatId: number): Promise<void> {
    await approveCategories(db, appid, [thirdCatId]);
    this.categoryCache.delete(appid);
  }

  async approveBrand(db: Executor, appid: string, brandId: number, brandWording: string): Promise<void> {
    await approveBrand(db, appid, brandId, brandWording);
  }

  /** Empties the approved categories and brands, as cancelling access does. */
  async clearApprovals(db: Executor, appid: string): Promise<void> {
    await clearApprovals(db, appid);
    this.categoryCache.delete(appid);
  }

  /**
   * Checks whether the app may use a level-3 category, reading through a short cache. `db` is the
   * caller's transaction when there is one (SQLite has a single connection).
   */
  async isCategoryApproved(db: Executor, appid: string, thirdCatId: number): Promise<boolean> {
    const wallNow = Date.now();
    let cached = this.categoryCache.get(appid);
    if (!cached || wallNow - cached.fetchedAt >= CACHE_TTL_MS) {
      cached = { ids: new Set(await listApprovedCategories(db, appid)), fetchedAt: wallNow };
      this.categoryCache.set(appid, cached);
    }
    return cached.ids.has(thirdCatId);
  }

  isBrandApproved(db: Executor, appid: string, brandId: number): Promise<boolean> {
    return isBrandApproved(db, appid, brandId);
  }

  brandIdByWording(db: Executor, appid: string, brandWording: string): Promise<number | undefined> {
    return findBrandByWording(db, appid, brandWording);
  }

  /**
   * account/get_category_list: the categories the account obtained through a qualification audit.
   * Categories owned without one (qualification not required) are left out.
   */
  async categoryList(app: AppRecord) {
    const ids = await listApprovedCategories(this.db, app.appid);
    const data = [];
    for (const id of ids) {
      const found = this.categories.lookup(id);
      if (found.kind !== 'level3' || found.category.qualification_type !== 1) continue;
      const c = found.category;
      data.push({
        first_cat_id: c.first_cat_id,
        first_cat_name: c.first_cat_name,
        second_cat_id: c.second_cat_id,
        second_cat_name: c.second_cat_name,
        third_cat_id: c.third_cat_id,
        third_cat_name: c.third_cat_name,
      });
    }
    return { data };
  }

  /** account/get_brand_list. */
  async brandList(app: AppRecord) {
    return { data: await listApprovedBrands(this.db, app.appid) };
  }

  /** account/get_info: the stored profile, empty fields before the first update_info. */
  getInfo(app: AppRecord) {
    const info = app.settings.account_info;
    const address = info?.default_receiving_address ?? {};
    return {
      data: {
        service_agent_path: info?.service_agent_path ?? '',
        service_agent_phone: info?.service_agent_phone ?? '',
        service_agent_type: info?.service_agent_type ?? [],
        default_receiving_address: Object.fromEntries(ADDRESS_FIELDS.map((key) => [key, address[key] ?? ''])),
      },
    };
  }

  /** account/update_info: overwrites the customer-service setting and the default return address. */
  async updateInfo(app: AppRecord, body: JsonObject) {
    // Fields left out keep their stored value, read in the same transaction as the write.
    await this.apps().updateSettings(app.appid, (settings) => ({ ...settings, account_info: readAccountInfo(body, settings.account_info) }));
    return {};
  }

  clearCache(): void {
    this.categoryCache.clear();
  }
}

function readText(body: JsonObject, key: string, rule: string): string | undefined {
  const value = readString(body, key);
  if (value === INVALID) throw new WireError(990007, `${rule}.${key}.invalid`, '');
  if (value !== undefined && textLength(value) > MAX_TEXT_LENGTH) throw new WireError(990008, `${rule}.${key}.too_long`, '');
  return value;
}

/**
 * Reads the update_info body. The service types decide which fields are needed: 1 (custom page)
 * needs service_agent_path, 2 (phone) needs service_agent_phone. Fields left out keep their value.
 */
function readAccountInfo(body: JsonObject, current: AccountInfo | null): AccountInfo {
  const path = readText(body, 'service_agent_path', 'account.update_info');
  const phone = readText(body, 'service_agent_phone', 'account.update_info');
  const rawTypes = field(body, 'service_agent_type');
  let types = current?.service_agent_type ?? [];
  if (rawTypes !== undefined && rawTypes !== null) {
    if (!Array.isArray(rawTypes) || !rawTypes.every((type) => type === 0 || type === 1 || type === 2)) {
      throw new WireError(990007, 'account.update_info.service_agent_type.invalid', '');
    }
    types = [...new Set(rawTypes as number[])];
  }
  const next: AccountInfo = {
    service_agent_path: path ?? current?.service_agent_path ?? '',
    service_agent_phone: phone ?? current?.service_agent_phone ?? '',
    service_agent_type: types,
    default_receiving_address: current?.default_receiving_address ?? null,
  };
  if (types.length === 0 && path === undefined && phone === undefined && field(body, 'default_receiving_address') === undefined) {
    throw new WireError(990007, 'account.update_info.empty', '');
  }
  if (types.includes(1) && next.service_agent_path === '') throw new WireError(990007, 'account.update_info.service_agent_path.missing', '');
  if (types.includes(2) && next.service_agent_phone === '') throw new WireError(990007, 'account.update_info.service_agent_phone.missing', '');

  const address = field(body, 'default_receiving_address');
  if (address !== undefined && address !== null) {
    if (!isObject(address)) throw new WireError(990007, 'account.update_info.default_receiving_address.invalid', '');
    const stored: Record<string, string> = {};
    for (const key of ADDRESS_FIELDS) {
      const value = readText(address, key, 'account.update_info.default_receiving_address');
      if (value !== undefined) stored[key] = value;
    }
    for (const key of ['receiver_name', 'detailed_address', 'tel_number'] as const) {
      if (!stored[key]) throw new WireError(990007, `account.update_info.default_receiving_address.${key}.missing`, '');
    }
    next.default_receiving_address = stored;
  }
  return next;
}
