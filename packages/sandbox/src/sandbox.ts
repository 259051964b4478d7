import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './server/app.js';
import { RequestLog } from './server/request-log.js';
import { SandboxClock } from './platform/clock.js';
import { AppService, type CreateAppInput } from './modules/app/service.js';
import type { AppRecord } from './modules/app/store.js';
import { CategoryService } from './modules/category/service.js';
import { ImageService } from './modules/image/service.js';
import { ProductService } from './modules/product/service.js';
import { TokenService } from './modules/token/service.js';
import { openStorage, type StorageOptions } from './storage/database.js';
import { IdAllocator } from './storage/ids.js';
import type { Services } from './services.js';

const DEMO_APP_NAME = '演示小程序';

export interface SandboxOptions {
  storage: StorageOptions;
  /** Apps to create at start (and again after a reset); they start fully onboarded. */
  apps?: (CreateAppInput & { appid: string; secret: string })[];
  /** Create a demo app when the database has no app at all. */
  demoApp?: boolean;
  adminKey?: string;
  logger?: Logger;
  /** How often background work (auto reviews, clock sync) runs, in ms; 0 turns it off. */
  backgroundIntervalMs?: number;
  /** Folder of the built console served at /_sandbox/console/; defaults to @wxshop/console's dist. */
  consoleDir?: string;
}

/** Work the sandbox runs on a timer, given the sandbox time in unix milliseconds. */
interface BackgroundJob {
  name: string;
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
  const apps = new AppService(storage.db, categories);
  const services: Services = {
    storage,
    logger,
    clock,
    ids,
    requestLog: new RequestLog(storage, logger),
    apps,
    tokens: new TokenService(storage.db),
    categories,
    images,
    products: new ProductService(storage.db, categories, apps, images, ids, logger),
  };

  const declaredApps: AppRecord[] = [];
  // A demo app keeps its appid and secret across resets, so the printed credentials stay valid.
  let demo: { appid: string; secret: string } | undefined;
  const declareApps = async () => {
    declaredApps.length = 0;
    for (const input of options.apps ?? []) declaredApps.push(await services.apps.ensure(input, clock.now()));
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

  const app = buildApp(services, { adminKey: options.adminKey, onReset: declareApps }, options.consoleDir);

  let background: NodeJS.Timeout | undefined;
  const interval = options.backgroundIntervalMs ?? 1000;
  // Time-driven platform work, run in order on every tick. A module whose rules fire by the
  // sandbox clock (expiry, deadlines, deliveries) adds its job here.
  const jobs: BackgroundJob[] = [
    { name: 'product audits', run: (now) => services.products.runDueAudits(now, (appid) => services.apps.get(appid)) },
  ];
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await clock.load();
      for (const job of jobs) {
        try {
          await job.run(clock.now());
        } catch (error) {
          logger.error({ err: error, job: job.name }, 'background job failed; will retry on the next tick');
        }
      }
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
      logger.info({ address, storage: storage.description }, 'wxshop sandbox started');
      return address;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (background) clearInterval(background);
      await app.close();
      await services.requestLog.flush();
      await storage.close();
      logger.info('wxshop sandbox stopped');
    },
  };
}
