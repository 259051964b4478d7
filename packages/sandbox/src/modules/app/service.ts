import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { lockForWrite } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { AccountService } from '../account/service.js';
import { isUniqueViolation } from '../product/store.js';
import { defaultSettings, type AppSettings } from './settings.js';
import { findApp, insertApp, listApps, updateAccessState, updateSettings, type AccessState, type AppRecord, type Executor } from './store.js';

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

  constructor(
    private readonly db: Kysely<Database>,
    private readonly accounts: AccountService,
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
      if (onboarded) await this.accounts.grantAutoCategories(trx, appid);
    });
    return app;
  }

  /** Creates the app unless it exists; an existing app keeps its state but takes the given secret. */
  async ensure(input: CreateAppInput & { appid: string; secret: string }, now: number): Promise<AppRecord> {
    const existing = await findApp(this.db, input.appid);
    if (!existing) {
      try {
        return await this.create(input, now);
      } catch (error) {
        // Another sandbox on the same database created the app in between, as when two start at once.
        if (!(error instanceof AppExistsError) && !isUniqueViolation(error)) throw error;
        return this.ensure(input, now);
      }
    }
    if (existing.secret !== input.secret) {
      await this.db.updateTable('apps').set({ secret: input.secret }).where('appid', '=', input.appid).execute();
      this.cache.delete(input.appid);
      return { ...existing, secret: input.secret };
    }
    return existing;
  }

  /** Returns the app if it was read moments ago, without waiting; undefined means `get` must read it. */
  cached(appid: string): AppRecord | undefined {
    const cached = this.cache.get(appid);
    if (cached === undefined || Date.now() - cached.fetchedAt >= CACHE_TTL_MS) return undefined;
    return cached.app;
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
      await updateAccessState(trx, appid, state);
      if (state === 'accessed') await this.accounts.grantAutoCategories(trx, appid);
    });
    this.cache.delete(appid);
    return { ...app, access_state: state };
  }

  /**
   * Stores a new access state inside the caller's transaction. The register module decides the
   * transition; call `forget(appid)` once the transaction has committed.
   */
  async saveAccessState(db: Executor, appid: string, state: AccessState): Promise<void> {
    await updateAccessState(db, appid, state);
    this.cache.delete(appid);
  }

  /** Changes the settings inside the caller's transaction; call `forget(appid)` after the commit. */
  async saveSettings(db: Executor, appid: string, change: (settings: AppSettings) => AppSettings): Promise<void> {
    const app = await findApp(db, appid);
    if (!app) return;
    await updateSettings(db, appid, change(app.settings));
    this.cache.delete(appid);
  }

  /** Reads the app inside the caller's transaction, bypassing the cache. */
  read(db: Executor, appid: string): Promise<AppRecord | undefined> {
    return findApp(db, appid);
  }

  /** Drops the cached copy of an app, so that the next read returns a committed change. */
  forget(appid: string): void {
    this.cache.delete(appid);
  }

  list(): Promise<AppRecord[]> {
    return listApps(this.db);
  }

  /**
   * Changes an app's settings from their stored value, in one transaction that other changes of the
   * same app's settings wait for, so concurrent changes of different fields are all kept.
   */
  async updateSettings(appid: string, change: (settings: AppSettings) => AppSettings): Promise<AppRecord | undefined> {
    const updated = await this.db.transaction().execute(async (trx) => {
      await lockForWrite(this.db, trx, `settings:${appid}`);
      const app = await findApp(trx, appid);
      if (!app) return undefined;
      const settings = change(app.settings);
      await updateSettings(trx, appid, settings);
      return { ...app, settings };
    });
    this.cache.delete(appid);
    return updated;
  }

  clearCache(): void {
    this.cache.clear();
  }
}
