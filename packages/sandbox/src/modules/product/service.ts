import { NO_BRAND_ID, PRODUCT_LIMITS, type Spu } from '@wxshop/api';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { formatChinaTime, parseChinaTime } from '../../platform/clock.js';
import { checkContent } from '../../platform/content-security.js';
import { transition, TransitionRejected } from '../../platform/transitions.js';
import { enqueueEvent } from '../../push/outbox.js';
import { hasNul, INVALID, readId, readInt, readString, type JsonObject } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import type { IdAllocator } from '../../storage/ids.js';
import type { Database } from '../../storage/schema.js';
import type { AppRecord, Executor } from '../app/store.js';
import { reviewDueAt } from '../app/settings.js';
import type { AccountService } from '../account/service.js';
import type { CategoryService } from '../category/service.js';
import type { ImageService } from '../image/service.js';
import { EDIT_TRANSITIONS, ONLINE_TRANSITIONS, type EditStatus, type OnlineStatus } from './states.js';
import {
  createProduct,
  findDueAudits,
  findProduct,
  hasApprovedProduct,
  readProduct,
  listProducts,
  saveProduct,
  type ProductCopy,
  type ProductKey,
  type ProductRecord,
} from './store.js';
import { isAsciiOnlyTitle, readOutProductId, readProductBody, type ProductInput } from './validate.js';
import { idsView, spuView } from './view.js';

/** Review submissions allowed per product in a rolling hour before 1000019; the platform's number is unknown. */
export const SUBMISSIONS_PER_HOUR = 20;
const HOUR_MS = 3600 * 1000;

// First values of the id sequences, in the ranges of ids seen on the live platform.
const PRODUCT_ID_START = 4_100_000_001n;
const SKU_ID_START = 3_600_000_001n;
const AUDIT_ID_START = 4_250_000_001n;

export type AuditDecision = { approve: true } | { approve: false; reason: string };

/** The facts about a shop product that order/add checks (ProductService.findForOrderLine). */
export interface OrderLineProduct {
  product_id: string;
  out_product_id: string;
  status: OnlineStatus;
  skus: { sku_id: string; out_sku_id: string }[];
  /** Title and first head image of the approved copy; null while no copy was ever approved. */
  approved: { title: string; head_img: string } | null;
  /** True for a presale product: `product_type` 1, the 2021 spu/add field. */
  presale: boolean;
}

export class ProductService {
  // spu/get results for records from readProduct, which are shared and never changed.
  private readonly results = new WeakMap<ProductRecord, { draft?: Readonly<{ spu: Spu }>; online?: Readonly<{ spu: Spu }> }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly categories: CategoryService,
    private readonly accounts: AccountService,
    private readonly images: ImageService,
    private readonly ids: IdAllocator,
    private readonly logger: Logger,
  ) {}

  /** spu/add: creates the product and submits its draft for review. */
  async add(app: AppRecord, body: JsonObject, now: number) {
    const outProductId = readOutProductId(body);
    const input = readProductBody(body, outProductId);
    this.checkAccountGates(app);
    this.checkTextRules(input);
    await checkContent(this.db, app.appid, productTexts(input));
    if (input.copy.skus.some((sku) => sku.stock_num === 0)) throw new WireError(1000015, 'spu.add.stock_zero');
    const [productId] = await this.ids.take('product_id', PRODUCT_ID_START);
    const [auditId] = await this.ids.take('audit_id', AUDIT_ID_START);
    const skuIds = await this.ids.take('sku_id', SKU_ID_START, input.copy.skus.length);

    // The checks read outside a transaction; the unique index on out_product_id decides a race.
    if (await findProduct(this.db, app.appid, { out_product_id: outProductId })) {
      throw new WireError(1000012, 'spu.add.out_product_id.taken');
    }
    await this.checkCatalogueRules(this.db, app, input);

    const copy = assignSkuIds(input, undefined, skuIds);
    const record: ProductRecord = {
      appid: app.appid,
      product_id: productId!.toString(),
      out_product_id: outProductId,
      draft: copy,
      online: null,
      status: 0,
      edit_status: 2,
      audit_info: { submit_time: now, audit_id: auditId!.toString() },
      audit_due_at: this.auditDueAt(app, now),
      recent_submissions: [now],
      deleted: false,
      create_time: now,
      update_time: now,
    };
    if (!(await createProduct(this.db, record))) throw new WireError(1000012, 'spu.add.out_product_id.taken');
    return { data: { ...idsView(record, copy), create_time: formatChinaTime(now) } };
  }

  /**
   * Finds a shop product by platform or merchant id for an order line. Returns undefined when the
   * shop has no such product or deleted it. `db` is the caller's transaction.
   */
  async findForOrderLine(db: Executor, appid: string, key: { product_id: string } | { out_product_id: string }): Promise<OrderLineProduct | undefined> {
    const id = 'product_id' in key ? key.product_id : key.out_product_id;
    if (hasNul(id)) return undefined;
    const record = await findProduct(db, appid, key);
    if (!record || record.deleted) return undefined;
    const copy = record.online ?? record.draft;
    const skus = [...(record.online?.skus ?? []), ...record.draft.skus].map((sku) => ({ sku_id: sku.sku_id, out_sku_id: sku.out_sku_id }));
    const productType = copy.extras.product_type;
    return {
      product_id: record.product_id,
      out_product_id: record.out_product_id,
      status: record.status,
      skus,
      approved: record.online ? { title: record.online.title, head_img: record.online.head_img[0] ?? '' } : null,
      presale: productType === 1 || productType === '1',
    };
  }

  /** spu/update: replaces the draft and submits it for review again. */
  async update(app: AppRecord, body: JsonObject, now: number) {
    const key = readProductKey(body);
    const existing = await this.requireProduct(this.db, app.appid, key);
    const input = readProductBody(body, existing.out_product_id);
    this.checkAccountGates(app);
    this.checkTextRules(input);
    await checkContent(this.db, app.appid, productTexts(input));
    const [auditId] = await this.ids.take('audit_id', AUDIT_ID_START);
    // Enough sku ids for every sku being new; the ones not needed are skipped.
    const skuIds = await this.ids.take('sku_id', SKU_ID_START, input.copy.skus.length);

    return this.db.transaction().execute(async (trx) => {
      const current = await this.requireProduct(trx, app.appid, key);
      const editStatus = this.transitionEdit('submit', current.edit_status, 1000002, 'spu.update.under_review');
      await this.checkCatalogueRules(trx, app, input);
      const recent = current.recent_submissions.filter((time) => now - time < HOUR_MS);
      if (recent.length >= SUBMISSIONS_PER_HOUR) throw new WireError(1000019, 'spu.update.too_many_submissions');

      const copy = assignSkuIds(input, current, skuIds);
      const next: ProductRecord = {
        ...current,
        draft: copy,
        edit_status: editStatus,
        audit_info: { submit_time: now, audit_id: auditId!.toString() },
        audit_due_at: this.auditDueAt(app, now),
        recent_submissions: [...recent, now],
        update_time: Math.max(now, current.update_time + 1),
      };
      await this.save(trx, next, current);
      return { data: { ...idsView(next, copy), update_time: formatChinaTime(next.update_time) } };
    });
  }

  /** spu/update_without_audit: changes prices, stock and codes of approved skus on both copies. */
  async updateWithoutAudit(app: AppRecord, body: JsonObject, now: number) {
    const key = readProductKey(body);
    return this.db.transaction().execute(async (trx) => {
      const current = await this.requireProduct(trx, app.appid, key);
      if (!current.online) throw new WireError(1000003, 'spu.update_without_audit.never_approved');

      const changes = readSkuChanges(body);
      const path = readString(body, 'path');
      if (path === INVALID) throw new WireError(990007, 'spu.update_without_audit.path.invalid');
      if (path !== undefined && path.length > PRODUCT_LIMITS.pathLength) throw new WireError(990008, 'spu.update_without_audit.path.too_long');

      const online = structuredClone(current.online);
      const draft = structuredClone(current.draft);
      for (const change of changes) {
        const sku = online.skus.find((item) => item.out_sku_id === change.out_sku_id);
        if (!sku) throw new WireError(1000004, 'spu.update_without_audit.sku_not_online');
        Object.assign(sku, change.fields);
        const draftSku = draft.skus.find((item) => item.out_sku_id === change.out_sku_id);
        if (draftSku) Object.assign(draftSku, change.fields);
      }
      if (path) {
        online.path = path;
        draft.path = path;
      }
      const next: ProductRecord = { ...current, online, draft, update_time: Math.max(now, current.update_time + 1) };
      await this.save(trx, next, current);
      const touched = online.skus.filter((sku) => changes.some((change) => change.out_sku_id === sku.out_sku_id));
      return { data: { ...idsView(next, { ...online, skus: touched }), update_time: formatChinaTime(next.update_time) } };
    });
  }

  /** spu/get: one copy of one product; need_edit_spu=1 reads the draft. */
  async get(app: AppRecord, body: JsonObject) {
    const key = readProductKey(body);
    const draft = readFlag(body, 'need_edit_spu');
    // A shared, possibly cached record, so its results are stored with it. They are frozen, so the
    // pipeline stores their JSON too, because the same record always gives the same response.
    const record = await readProduct(this.db, app.appid, key);
    if (!record || record.deleted) throw new WireError(1000011, 'spu.not_found');
    let results = this.results.get(record);
    if (!results) {
      results = {};
      this.results.set(record, results);
    }
    let result = draft ? results.draft : results.online;
    if (!result) {
      result = Object.freeze({ spu: spuView(record, draft) });
      if (draft) results.draft = result;
      else results.online = result;
    }
    return result;
  }

  /**
   * Whether a merchant product id names a product on sale (status 5), one that exists but is
   * not on sale, or no product at all (deleted products count as unknown). Used by coupons.
   */
  async saleState(appid: string, outProductId: string): Promise<'on_sale' | 'not_on_sale' | 'unknown'> {
    if (hasNul(outProductId)) return 'unknown';
    const record = await findProduct(this.db, appid, { out_product_id: outProductId });
    if (!record || record.deleted) return 'unknown';
    return record.status === 5 ? 'on_sale' : 'not_on_sale';
  }

  /** spu/get_list: a page of products, filtered by online status and a time range. */
  async getList(app: AppRecord, body: JsonObject) {
    const page = readInt(body, 'page');
    const pageSize = readInt(body, 'page_size');
    if (page === undefined || page === INVALID || page < 1) throw new WireError(990007, 'spu.get_list.page.invalid');
    if (pageSize === undefined || pageSize === INVALID || pageSize < 1) throw new WireError(990007, 'spu.get_list.page_size.invalid');
    if (pageSize > PRODUCT_LIMITS.pageSize) throw new WireError(990005, 'spu.get_list.page_size.too_large');
    const status = readInt(body, 'status');
    if (status === INVALID) throw new WireError(990007, 'spu.get_list.status.invalid');
    const createRange = readTimeRange(body, 'start_create_time', 'end_create_time');
    const updateRange = readTimeRange(body, 'start_update_time', 'end_update_time');
    const draft = readFlag(body, 'need_edit_spu');

    const { total, items } = await listProducts(this.db, {
      appid: app.appid,
      status,
      createRange,
      updateRange,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    return { total_num: total, spus: items.map((record) => spuView(record, draft)) };
  }

  /** spu/del: hides the product for good; its out_product_id stays taken. */
  async del(app: AppRecord, body: JsonObject, now: number) {
    const key = readProductKey(body);
    await this.db.transaction().execute(async (trx) => {
      const current = await this.requireProduct(trx, app.appid, key);
      await this.save(trx, { ...current, deleted: true, audit_due_at: null, update_time: Math.max(now, current.update_time + 1) }, current);
    });
    return {};
  }

  /** spu/del_audit: withdraws the draft under review (edit_status 2 → 1). */
  async delAudit(app: AppRecord, body: JsonObject, now: number) {
    const key = readProductKey(body);
    await this.db.transaction().execute(async (trx) => {
      const current = await this.requireProduct(trx, app.appid, key);
      const editStatus = this.transitionEdit('withdraw', current.edit_status, 1000016, 'spu.del_audit.not_under_review');
      await this.save(trx, { ...current, edit_status: editStatus, audit_due_at: null, update_time: Math.max(now, current.update_time + 1) }, current);
    });
    return {};
  }

  /** spu/listing: puts an approved product on sale; a draft under review is left alone. */
  async listing(app: AppRecord, body: JsonObject, now: number) {
    const key = readProductKey(body);
    await this.db.transaction().execute(async (trx) => {
      const current = await this.requireProduct(trx, app.appid, key);
      // Listing needs approved online data; a violation delisting needs a new approved review.
      if (!current.online || current.status === 13) throw new WireError(1000003, 'spu.listing.no_approved_copy');
      const status = this.transitionOnline('list', current.status, 'spu.listing');
      if (status !== current.status) {
        await this.save(trx, { ...current, status, update_time: Math.max(now, current.update_time + 1) }, current);
      }
    });
    return {};
  }

  /** spu/delisting: takes the product off sale (status 11). */
  async delisting(app: AppRecord, body: JsonObject, now: number) {
    const key = readProductKey(body);
    await this.db.transaction().execute(async (trx) => {
      const current = await this.requireProduct(trx, app.appid, key);
      // A product delisted for a violation stays in that state.
      if (current.status === 13) return;
      const status = this.transitionOnline('delist', current.status, 'spu.delisting');
      if (status !== current.status) {
        await this.save(trx, { ...current, status, update_time: Math.max(now, current.update_time + 1) }, current);
      }
    });
    return {};
  }

  /**
   * Decides the pending review of a product (platform side): approval copies the draft online,
   * rejection records the reason. Pushes `open_product_spu_audit`, and on an approval after a
   * violation also `open_product_spu_status_update`. Returns undefined when nothing is under review.
   */
  async decideAudit(app: AppRecord, key: ProductKey, decision: AuditDecision, now: number): Promise<ProductRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const current = await findProduct(trx, app.appid, key);
      if (!current || current.deleted || current.edit_status !== 2) return undefined;
      return this.applyDecision(trx, app, current, decision, now);
    });
  }

  /** Platform side: delists a product for a violation (status 13) and pushes the status event. */
  async delistForViolation(app: AppRecord, key: ProductKey, reason: string, now: number): Promise<ProductRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const current = await findProduct(trx, app.appid, key);
      if (!current || current.deleted) return undefined;
      // A product still in its first review has no online copy for the platform to take down.
      if (current.online === null) throw new WireError(1000003, 'admin.violation.no_online_copy');
      const status = this.transitionOnline('violation', current.status, 'admin.violation');
      const next = { ...current, status, update_time: Math.max(now, current.update_time + 1) };
      await this.save(trx, next, current);
      await enqueueEvent(trx, app, 'open_product_spu_status_update', 'OpenProductSpuStatusUpdate', {
        out_product_id: current.out_product_id,
        product_id: Number(current.product_id),
        status: 13,
        reason,
      }, now);
      return next;
    });
  }

  /**
   * Decides every review whose auto-review time has come, by each app's reviewer policy. Each
   * product is decided in its own transaction; a product that another instance decided first
   * is skipped, so a review is never decided twice.
   */
  async runDueAudits(now: number, getApp: (appid: string) => Promise<AppRecord | undefined>): Promise<number> {
    let decided = 0;
    for (;;) {
      const due = await findDueAudits(this.db, now, 100);
      if (due.length === 0) return decided;
      for (const product of due) {
        const app = await getApp(product.appid);
        if (!app) continue;
        const manual = app.settings.reviewer.mode === 'manual';
        const decision = reviewerDecision(app, product.draft);
        try {
          await this.db.transaction().execute(async (trx) => {
            const current = await findProduct(trx, product.appid, { product_id: product.product_id });
            if (!current || current.audit_due_at === null || current.audit_due_at > now || current.edit_status !== 2) return;
            // The reviewer was switched to manual after this submission: leave it to the admin.
            if (manual) {
              await this.save(trx, { ...current, audit_due_at: null }, current);
              return;
            }
            await this.applyDecision(trx, app, current, decision, now);
            decided++;
          });
        } catch (error) {
          if (!(error instanceof WireError && error.errcode === 1000013)) throw error;
        }
      }
      if (due.length < 100) return decided;
    }
  }

  private async applyDecision(trx: Executor, app: AppRecord, current: ProductRecord, decision: AuditDecision, now: number) {
    const auditInfo = { ...current.audit_info, audit_time: now, reject_reason: decision.approve ? '' : decision.reason };
    let next: ProductRecord;
    if (decision.approve) {
      let status: OnlineStatus = current.status;
      // Only the first approval lists the product; a product approved before stays as it is.
      if (current.status === 0 && current.online === null && app.settings.reviewer.auto_list) {
        status = transition('product status', ONLINE_TRANSITIONS, 'first_approval', 0);
      }
      if (current.status === 13) status = transition('product status', ONLINE_TRANSITIONS, 'fixed', 13);
      next = {
        ...current,
        online: structuredClone(current.draft),
        edit_status: transition('product edit_status', EDIT_TRANSITIONS, 'approve', current.edit_status),
        status,
        audit_info: auditInfo,
        audit_due_at: null,
        update_time: Math.max(now, current.update_time + 1),
      };
    } else {
      next = {
        ...current,
        edit_status: transition('product edit_status', EDIT_TRANSITIONS, 'reject', current.edit_status),
        audit_info: auditInfo,
        audit_due_at: null,
        update_time: Math.max(now, current.update_time + 1),
      };
    }
    await this.save(trx, next, current);

    await enqueueEvent(trx, app, 'open_product_spu_audit', 'OpenProductSpuAudit', {
      out_product_id: current.out_product_id,
      product_id: Number(current.product_id),
      status: decision.approve ? 4 : 3,
      spu_status: next.status,
      reject_reason: decision.approve ? '' : decision.reason,
    }, now);
    if (current.status === 13 && next.status === 5) {
      await enqueueEvent(trx, app, 'open_product_spu_status_update', 'OpenProductSpuStatusUpdate', {
        out_product_id: current.out_product_id,
        product_id: Number(current.product_id),
        status: 5,
        reason: '',
      }, now);
    }
    this.logger.info({ appid: app.appid, product_id: current.product_id, approved: decision.approve }, 'product audit decided');
    return next;
  }

  /** Whether a product of the app has passed a review: the onboarding flag spu_audit_success. */
  hasApprovedProduct(db: Executor, appid: string): Promise<boolean> {
    return hasApprovedProduct(db, appid);
  }

  private checkAccountGates(app: AppRecord): void {
    const serviceTypes = app.settings.account_info?.service_agent_type ?? [];
    if (!serviceTypes.includes(0)) throw new WireError(1040042, 'spu.account.no_wechat_customer_service');
    if (!app.settings.deposit_ok) throw new WireError(1000021, 'spu.account.deposit');
  }

  private checkTextRules(input: ProductInput): void {
    if (isAsciiOnlyTitle(input.copy.title)) throw new WireError(1000045, 'spu.title.ascii_only');
  }

  /** Category, brand, scene and image rules, which read the account's approvals. */
  private async checkCatalogueRules(trx: Executor, app: AppRecord, input: ProductInput): Promise<void> {
    const copy = input.copy;
    const found = this.categories.lookup(copy.third_cat_id);
    if (found.kind === 'unknown') throw new WireError(1000009, 'spu.category.unknown');
    if (found.kind === 'parent') throw new WireError(1000007, 'spu.category.not_level3');
    const category = found.category;
    if (category.retired) throw new WireError(1000040, 'spu.category.retired');
    if (!(await this.accounts.isCategoryApproved(trx, app.appid, category.third_cat_id))) {
      const message =
        `请先申请[${category.first_cat_name}](${category.first_cat_id}):[${category.second_cat_name}](${category.second_cat_id}):` +
        `[${category.third_cat_name}](${category.third_cat_id})类目通过后再提审此类目对应的商品。`;
      throw new WireError(1000005, 'spu.category.not_approved', message);
    }
    if (category.product_qualification_type === 1 && copy.qualification_pics.length === 0) {
      throw new WireError(1000008, 'spu.qualification_pics.required');
    }

    if (copy.brand_id !== NO_BRAND_ID && !(await this.accounts.isBrandApproved(trx, app.appid, copy.brand_id))) {
      throw new WireError(1000006, 'spu.brand.not_approved');
    }
    const closedScene = copy.scene_group_list.find((group) => !app.settings.opened_scene_groups.includes(group));
    if (closedScene !== undefined) throw new WireError(1000042, 'spu.scene_group.not_open');

    const urls = [...copy.head_img, ...copy.qualification_pics, ...copy.desc_info.imgs, ...copy.skus.map((sku) => sku.thumb_img)];
    const images = await this.images.checkProductImages(trx, app.appid, urls);
    if (!images.ok && images.code === 1070010) throw new WireError(app.settings.external_image_errcode ?? 1070010, 'spu.image.not_wechat_hosted');
    if (!images.ok) throw new WireError(images.code, 'spu.image.not_issued');
  }

  private auditDueAt(app: AppRecord, now: number): number | null {
    const reviewer = app.settings.reviewer;
    return reviewDueAt(reviewer, now);
  }

  private async requireProduct(db: Executor, appid: string, key: ProductKey): Promise<ProductRecord> {
    const record = await findProduct(db, appid, key);
    if (!record || record.deleted) throw new WireError(1000011, 'spu.not_found');
    return record;
  }

  private async save(trx: Executor, next: ProductRecord, previous: ProductRecord): Promise<void> {
    if (!(await saveProduct(trx, next, previous))) throw new WireError(1000013, 'spu.concurrent_update');
  }

  private transitionEdit(action: 'submit' | 'withdraw', from: EditStatus, code: number, rule: string): EditStatus {
    try {
      return transition('product edit_status', EDIT_TRANSITIONS, action, from);
    } catch (error) {
      if (error instanceof TransitionRejected) throw new WireError(code, rule);
      throw error;
    }
  }

  private transitionOnline(action: 'list' | 'delist' | 'violation', from: OnlineStatus, rule: string): OnlineStatus {
    try {
      return transition('product status', ONLINE_TRANSITIONS, action, from);
    } catch (error) {
      if (error instanceof TransitionRejected) throw new WireError(1000003, rule);
      throw error;
    }
  }
}

/** Keeps the sku_id of skus already known (by out_sku_id) and gives new skus ids from `freshIds`. */
function assignSkuIds(input: ProductInput, current: ProductRecord | undefined, freshIds: bigint[]): ProductCopy {
  const known = new Map<string, string>();
  for (const copy of [current?.online, current?.draft]) {
    for (const sku of copy?.skus ?? []) known.set(sku.out_sku_id, sku.sku_id);
  }
  let next = 0;
  const skus = input.copy.skus.map((sku) => {
    const skuId = known.get(sku.out_sku_id) ?? freshIds[next++]!.toString();
    return { ...sku, out_product_id: input.out_product_id, sku_id: skuId };
  });
  return { ...input.copy, skus };
}

/** Decides a draft by the reviewer policy: the first matching reject rule, else approval. */
export function reviewerDecision(app: AppRecord, draft: ProductCopy): AuditDecision {
  const rule = app.settings.reviewer.reject_rules.find((candidate) => draft.title.includes(candidate.title_contains));
  return rule ? { approve: false, reason: rule.reason } : { approve: true };
}

/** Reads `product_id` or `out_product_id`; product_id wins when both are sent. */
export function readProductKey(body: JsonObject): ProductKey {
  // An empty product_id counts as absent, as 0 and null do.
  const productId = body['product_id'] === '' ? undefined : readId(body, 'product_id');
  if (productId === INVALID) throw new WireError(1000011, 'spu.product_id.invalid');
  if (productId !== undefined && productId !== '0') return { product_id: productId };
  const outProductId = readString(body, 'out_product_id');
  if (outProductId === undefined || outProductId === INVALID || outProductId === '') throw new WireError(1000011, 'spu.id.missing');
  if (hasNul(outProductId)) throw new WireError(1000011, 'spu.out_product_id.nul');
  return { out_product_id: outProductId };
}

function readFlag(body: JsonObject, name: string): boolean {
  const value = readInt(body, name);
  if (value === INVALID) throw new WireError(990007, `spu.${name}.invalid`);
  return value === 1;
}

function readTimeRange(body: JsonObject, startName: string, endName: string): [number, number] | undefined {
  const start = readString(body, startName);
  const end = readString(body, endName);
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined || start === INVALID || end === INVALID) throw new WireError(990007, `spu.get_list.${startName}.pair`);
  const startMs = parseChinaTime(start);
  const endMs = parseChinaTime(end);
  if (startMs === undefined || endMs === undefined) throw new WireError(990018, `spu.get_list.${startName}.format`);
  if (startMs > endMs) throw new WireError(990009, `spu.get_list.${startName}.after_end`);
  // Times are stored in milliseconds and the filter names whole seconds: the end second counts whole.
  return [startMs, endMs + 999];
}

interface SkuChange {
  out_sku_id: string;
  fields: Partial<Pick<ProductCopy['skus'][number], 'sale_price' | 'market_price' | 'stock_num' | 'barcode' | 'sku_code'>>;
}

function readSkuChanges(body: JsonObject): SkuChange[] {
  const skus = body['skus'];
  if (skus === undefined || skus === null) return [];
  if (!Array.isArray(skus)) throw new WireError(990007, 'spu.update_without_audit.skus.invalid');
  return skus.map((sku) => {
    if (typeof sku !== 'object' || sku === null || Array.isArray(sku)) throw new WireError(990007, 'spu.update_without_audit.skus.invalid');
    const item = sku as JsonObject;
    const outSkuId = readString(item, 'out_sku_id');
    if (outSkuId === undefined || outSkuId === INVALID || outSkuId === '') throw new WireError(990007, 'spu.update_without_audit.out_sku_id.missing');
    const fields: SkuChange['fields'] = {};
    for (const name of ['sale_price', 'market_price', 'stock_num'] as const) {
      const value = readInt(item, name);
      if (value === INVALID || (value !== undefined && value < 0)) throw new WireError(990007, `spu.update_without_audit.${name}.invalid`);
      if (value !== undefined) fields[name] = value;
    }
    for (const name of ['barcode', 'sku_code'] as const) {
      const value = readString(item, name);
      if (value === INVALID) throw new WireError(990007, `spu.update_without_audit.${name}.invalid`);
      if (value !== undefined && value.length > PRODUCT_LIMITS.codeLength) throw new WireError(990008, `spu.update_without_audit.${name}.too_long`);
      if (value !== undefined) fields[name] = value;
    }
    return { out_sku_id: outSkuId, fields };
  });
}

/** The merchant text of a product body that the content-security check reads. */
function productTexts(input: ProductInput) {
  return [
    { field: 'title', text: input.copy.title },
    { field: 'desc', text: input.copy.desc_info.desc },
    ...input.copy.skus.flatMap((sku) => sku.sku_attrs.flatMap((attr) => [
      { field: 'sku_attrs', text: attr.attr_key },
      { field: 'sku_attrs', text: attr.attr_value },
    ])),
  ];
}
