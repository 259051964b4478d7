import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './server/app.js';
import { WireInflight } from './server/wire-http.js';
import { RequestLog } from './server/request-log.js';
import { SandboxClock } from './platform/clock.js';
import { AccountService } from './modules/account/service.js';
import { AppService, type CreateAppInput } from './modules/app/service.js';
import { AuditService } from './modules/audit/service.js';
import type { AppRecord, Executor } from './modules/app/store.js';
import { CategoryService } from './modules/category/service.js';
import { CouponService } from './modules/coupon/service.js';
import { UserCouponService } from './modules/coupon/user-service.js';
import { ImageService } from './modules/image/service.js';
import { ProductService } from './modules/product/service.js';
import { runOnboardingReviews } from './modules/register/reviews.js';
import { RegisterService } from './modules/register/service.js';
import { SharerService } from './modules/sharer/service.js';
import { TokenService } from './modules/token/service.js';
import { WxpayService } from './modules/wxpay/service.js';
import { PushService, type PushSettingsInput } from './push/service.js';
import { BuyerService } from './modules/buyer/service.js';
import { OrderService } from './modules/order/service.js';
import { OrderListService } from './modules/order/list.js';
import { DeliveryService } from './modules/delivery/service.js';
import { EcAftersaleService } from './modules/aftersale/ec-service.js';
import { LegacyAftersaleService } from './modules/aftersale/legacy-service.js';
import { QuotaService } from './modules/quota/service.js';
import { ComponentService } from './modules/component/service.js';
import { FundsService } from './modules/funds/service.js';
import { PayService } from './modules/pay/service.js';
import { ComplaintService } from './modules/complaint/service.js';
import { FaultService } from './platform/faults.js';
import { dropLocalCaches, GenerationWatch } from './platform/state-generation.js';
import { openCounters, type RedisOptions } from './storage/counters.js';
import { openStorage, type StorageOptions } from './storage/database.js';
import { IdAllocator } from './storage/ids.js';
import type { Services, WireLogLine } from './services.js';

const DEMO_APP_NAME = '演示小程序';
/** How long a stopping sandbox waits for the wire requests it is serving. */
const STOP_WAIT_MS = 5000;

export interface SandboxOptions {
  storage: StorageOptions;
  /**
   * Apps to create at start (and again after a reset); they start fully onboarded. `push` sets
   * their message push settings without the URL handshake, since the merchant's server may not run yet.
   */
  apps?: (CreateAppInput & { appid: string; secret: string; push?: PushSettingsInput })[];
  /** Create a demo app when the database has no app at all. */
  demoApp?: boolean;
  adminKey?: string;
  logger?: Logger;
  /**
   * Writes each wire request's log line in place of `logger.info({ rid, appid, path, errcode,
   * rule, ms }, 'wire request')`. `wxshop serve` passes a writer that formats the same line faster.
   */
  logWire?: WireLogLine;
  /** How often background work (auto reviews, clock sync) runs, in ms; 0 turns it off. */
  backgroundIntervalMs?: number;
  /** Redis for quota and frequency counters (a URL, or a URL and key prefix); without it they live in the database. */
  redis?: string | RedisOptions;
  /** Folder of the built console served at /_sandbox/console/; defaults to @wxshop/console's dist. */
  consoleDir?: string;
}

/** Work the sandbox runs on a timer, given the sandbox time in unix milliseconds. */
interface BackgroundJob {
  name: string;
  /** Field of the clock/advance response that reports the number `run` returns. */
  count?: string;
  run(now: number): Promise<unknown>;
}

export interface Sandbox {
  app: FastifyInstance;
  services: Services;
  /** Apps declared in the options or created as the demo app. */
  declaredApps: AppRecord[];
  listen(host: string, port: number): Promise<string>;
  close(): Promise<void>;
}

/** Opens storage, builds the services and the HTTP app; call `listen` to serve. */
export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const storage = await openStorage(options.storage);
  const clock = new SandboxClock(storage.db);
  await clock.load();
  const categories = new CategoryService();
  const images = new ImageService(storage.db);
  const ids = new IdAllocator(storage.db);
  let appService: AppService | undefined;
  const accounts = new AccountService(storage.db, categories, () => appService!);
  const apps = new AppService(storage.db, accounts);
  appService = apps;
  const products = new ProductService(storage.db, categories, accounts, images, ids, logger);
  const coupons = new CouponService(storage.db, (appid, outProductId) => products.saleState(appid, outProductId), logger);
  const register = new RegisterService(storage.db, apps, accounts, logger);
  const buyers = new BuyerService(storage.db);
  const orders = new OrderService(storage.db, buyers, products, ids, logger);
  // Coupons and sharers accept an openid only when it is a buyer of the app, as orders do.
  const isUserOfApp = (db: Executor | undefined, appid: string, openid: string) => buyers.isBuyer(db ?? storage.db, appid, openid);
  const requestLog = new RequestLog(storage, logger);
  const redis = typeof options.redis === 'string' ? { url: options.redis } : options.redis;
  let counters;
  try {
    counters = await openCounters(storage, logger, redis);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const faults = new FaultService(storage.db, logger);
  await faults.reload();
  const services: Services = {
    storage,
    logger,
    logWire: options.logWire ?? ((rid, appid, path, errcode, rule, ms) => logger.info({ rid, appid, path, errcode, rule, ms }, 'wire request')),
    clock,
    ids,
    requestLog,
    apps,
    tokens: new TokenService(storage.db, storage.dialect),
    categories,
    images,
    accounts,
    register,
    audits: new AuditService(storage.db, apps, accounts, categories, ids, logger),
    wxpay: new WxpayService(storage.db, apps, register, logger),
    products,
    coupons,
    userCoupons: new UserCouponService(storage.db, coupons, isUserOfApp, logger),
    sharers: new SharerService(storage.db, (appid, openid) => orders.salesBySharer(appid, openid), isUserOfApp, logger),
    push: new PushService(storage.db, storage.dialect, clock, logger),
    buyers,
    orders,
    orderLists: new OrderListService(storage.db, orders),
    delivery: new DeliveryService(storage.db, orders),
    aftersales: new EcAftersaleService(storage.db, buyers, orders, ids, logger),
    legacyAftersales: new LegacyAftersaleService(storage.db, orders, ids),
    quota: new QuotaService(storage.db, counters, requestLog, async (appid) => (await apps.get(appid)) !== undefined),
    components: new ComponentService(storage.db, logger),
    faults,
    funds: new FundsService(storage.db, orders, logger),
    pay: new PayService(storage.db, buyers),
    complaints: new ComplaintService(storage.db, orders, ids),
    generation: new GenerationWatch(storage.db, logger, () => dropLocalCaches(services)),
  };
  await services.generation.load();
  // A product that passed review ticks the onboarding task spu_audit_success.
  register.registerTaskProbe('spu_audit_success', (db, appid) => services.products.hasApprovedProduct(db, appid));

  const declaredApps: AppRecord[] = [];
  // A demo app keeps its appid and secret across resets, so the printed credentials stay valid.
  let demo: { appid: string; secret: string } | undefined;
  const declareApps = async () => {
    declaredApps.length = 0;
    for (const input of options.apps ?? []) {
      declaredApps.push(await services.apps.ensure(input, clock.now()));
      if (input.push) await services.push.setSettings(input.appid, input.push, false);
    }
    if (options.demoApp && (await services.apps.list()).length === 0) {
      const app = demo
        ? await services.apps.ensure({ ...demo, name: DEMO_APP_NAME }, clock.now())
        : await services.apps.create({ name: DEMO_APP_NAME }, clock.now());
      demo = { appid: app.appid, secret: app.secret };
      declaredApps.push(app);
    }
  };
  // After a restart the demo app is the one created under the demo name, if the database has it.
  if (options.demoApp) {
    const existing = (await services.apps.list()).find((app) => app.name === DEMO_APP_NAME);
    if (existing) demo = { appid: existing.appid, secret: existing.secret };
  }
  await declareApps();

  const inflight = new WireInflight();
  // Time-driven platform work, run in order on every tick and on every clock advance. A module
  // whose rules fire by the sandbox clock (expiry, deadlines, deliveries) adds its job here;
  // `count` names the field of the clock/advance response that reports how many items it moved.
  const jobs: BackgroundJob[] = [
    // First, so that no job works from caches of a state another instance replaced.
    { name: 'state generation', run: () => services.generation.follow() },
    { name: 'product audits', count: 'audits_decided', run: (now) => services.products.runDueAudits(now, (appid) => services.apps.get(appid)) },
    { name: 'onboarding reviews', count: 'onboarding_decided', run: (now) => runOnboardingReviews(services, now) },
    { name: 'user coupon expiry', count: 'user_coupons_expired', run: (now) => services.userCoupons.expireDue(now) },
    // Started, not awaited: a slow merchant URL must not hold up the other jobs.
    { name: 'push deliveries', run: async () => services.push.kick() },
    { name: 'order expiry', count: 'orders_expired', run: (now) => services.orders.expireDue(now) },
    { name: 'order settlement', count: 'orders_settled', run: (now) => services.orders.settleDue(now, (appid) => services.apps.get(appid)) },
    { name: 'after-sale timeouts', count: 'aftersale_timeouts', run: (now) => services.aftersales.runDue(now, (appid) => services.apps.get(appid)) },
    { name: 'withdrawals', count: 'withdrawals_moved', run: (now) => services.funds.runDue(now, (appid) => services.apps.get(appid)) },
    { name: 'component verify tickets', count: 'component_tickets_pushed', run: (now) => services.components.pushDueTickets(now) },
    { name: 'fault rules and expired counters', run: async (now) => { await services.faults.reload(); await services.quota.counters.purgeExpired(now); } },
  ];
  // One run at a time: a clock advance during a tick waits for it, then runs every job again.
  let dueWork: Promise<unknown> = Promise.resolve();
  const runDueWork = (options: { reloadClock: boolean; rethrow: boolean }): Promise<Record<string, number>> => {
    const run = dueWork.then(async () => {
      if (options.reloadClock) await clock.load();
      const counts: Record<string, number> = {};
      for (const job of jobs) {
        if (job.count) counts[job.count] = 0;
        try {
          const result = await job.run(clock.now());
          if (job.count && typeof result === 'number') counts[job.count] = result;
        } catch (error) {
          logger.error({ err: error, job: job.name }, 'background job failed; will retry on the next tick');
          if (options.rethrow) throw error;
        }
      }
      return counts;
    });
    dueWork = run.catch(() => undefined);
    return run;
  };

  const app = buildApp(
    services,
    { adminKey: options.adminKey, onReset: declareApps, runDueWork: () => runDueWork({ reloadClock: false, rethrow: true }) },
    options.consoleDir,
    inflight,
  );

  let background: NodeJS.Timeout | undefined;
  const interval = options.backgroundIntervalMs ?? 1000;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runDueWork({ reloadClock: true, rethrow: false });
    } catch (error) {
      logger.error({ err: error }, 'background work failed; will retry on the next tick');
    } finally {
      running = false;
    }
  };
  if (interval > 0) {
    background = setInterval(() => void tick(), interval);
    background.unref();
  }

  let closed = false;
  return {
    app,
    services,
    declaredApps,
    async listen(host: string, port: number) {
      const address = await app.listen({ host, port });
      logger.info({ address, storage: storage.description, counters: counters.backend }, 'wxshop sandbox started');
      return address;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (background) clearInterval(background);
      // Stop accepting connections, let the wire requests being served finish (bounded), and only
      // then close storage: a request cut off by a closed database would answer -1 and lose its log row.
      const drained = inflight.stop(STOP_WAIT_MS);
      const appClosed = app.close();
      const finished = await drained;
      if (!finished) logger.warn({ requests: inflight.count }, 'wire requests still running after the stop wait; closing their connections');
      app.server.closeIdleConnections();
      if (!finished) app.server.closeAllConnections();
      await appClosed;
      await dueWork;
      await services.push.close();
      await services.requestLog.flush();
      await services.quota.counters.close();
      await storage.close();
      logger.info('wxshop sandbox stopped');
    },
  };
}
