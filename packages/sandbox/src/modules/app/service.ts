import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { CategoryService } from '../category/service.js';
import { defaultSettings, type AppSettings } from './settings.js';
import { approveCategories, findApp, insertApp, listApprovedCategories, listApps, updateSettings, type AccessState, type AppRecord, type Executor } from './store.js';

export interface CreateAppInput {
  appid?: string;
  secret?: string;
  name?: string;
  /**
   * Start as a fully onboarded shop: component open, WeChat customer service set, every category
   * that needs no qualification approved. False starts from zero, before register/apply.
   */
  onboarded?: boolean;
}

export class AppInputError extends Error {}

export class AppExistsError extends Error {}

const APPID_PATTERN = /^wx[0-9a-zA-Z]{16}$/;
const SECRET_PATTERN = /^[0-9a-zA-Z]{32}$/;
// Apps change rarely and every wire request reads one; a short cache spares the query.
const CACHE_TTL_MS = 1000;

export class AppService {
  private readonly cache = new Map<string, { app: AppRecord; fetchedAt: number }>();
  private readonly categoryCache = new Map<string, { ids: Set<number>; fetchedAt: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly categories: CategoryService,
  ) {}

  async create(input: CreateAppInput, now: number): Promise<AppRecord> {
    const appid = input.appid ?? `wx${randomBytes(8).toString('hex')}`;
    const secret = input.secret ?? randomBytes(16).toString('hex');
    if (!APPID_PATTERN.test(appid)) throw new AppInputError(`Invalid appid "${appid}": expected "wx" followed by 16 letters or digits`);
    if (!SECRET_PATTERN.test(secret)) throw new AppInputError('Invalid secret: expected 32 letters or digits');
    if (await findApp(this.db, appid)) throw new AppExistsError(`App ${appid} already exists`);

    const onboarded = input.onboarded ?? true;
    const app: AppRecord = {
      appid,
      secret,
      name: input.name ?? `沙箱小程序 ${appid.slice(-4)}`,
      username: `gh_${randomBytes(6).toString('hex')}`,
      access_state: onboarded ? 'accessed' : 'not_applied',
      settings: defaultSettings(onboarded),
      created_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await insertApp(trx, app);
      if (onboarded) await approveCategories(trx, appid, this.categories.withoutQualification());
    });
    return app;
  }

  /** Creates the app unless it exists; an existing app keeps its state but takes the given secret. */
  async ensure(input: CreateAppInput & { appid: string; secret: string }, now: number): Promise<AppRecord> {
    const existing = await findApp(this.db, input.appid);
    if (!existing) return this.create(input, now);
    if (existing.secret !== input.secret) {
      await this.db.updateTable('apps').set({ secret: input.secret }).where('appid', '=', input.appid).execute();
      this.cache.delete(input.appid);
      return { ...existing, secret: input.secret };
    }
    return existing;
  }

  async get(appid: string): Promise<AppRecord | undefined> {
    const cached = this.cache.get(appid);
    const wallNow = Date.now();
    if (cached && wallNow - cached.fetchedAt < CACHE_TTL_MS) return cached.app;
    const app = await findApp(this.db, appid);
    if (app) this.cache.set(appid, { app, fetchedAt: wallNow });
    else this.cache.delete(appid);
    return app;
  }

  /**
   * Sets the component access state (the platform side of opening the component). Opening an app
   * that started from zero also gives it the categories that need no qualification.
   */
  async setAccessState(appid: string, state: AccessState): Promise<AppRecord | undefined> {
    const app = await findApp(this.db, appid);
    if (!app) return undefined;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('apps').set({ access_state: state }).where('appid', '=', appid).execute();
      if (state === 'accessed') await approveCategories(trx, appid, this.categories.withoutQualification());
    });
    this.cache.delete(appid);
    this.categoryCache.delete(appid);
    return { ...app, access_state: state };
  }

  list(): Promise<AppRecord[]> {
    return listApps(this.db);
  }

  async updateSettings(appid: string, change: (settings: AppSettings) => AppSettings): Promise<AppRecord | undefined> {
    const app = await findApp(this.db, appid);
    if (!app) return undefined;
    const settings = change(app.settings);
    await updateSettings(this.db, appid, settings);
    this.cache.delete(appid);
    return { ...app, settings };
  }

  /**
   * Checks whether the app may use a level-3 category, reading through a short cache. `db` is the caller's
   * transaction when there is one (SQLite has a single connection).
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

  clearCache(): void {
    this.cache.clear();
    this.categoryCache.clear();
  }
}
