import type { Logger } from 'pino';
import type { SandboxClock } from './platform/clock.js';
import type { AppService } from './modules/app/service.js';
import type { CategoryService } from './modules/category/service.js';
import type { ImageService } from './modules/image/service.js';
import type { ProductService } from './modules/product/service.js';
import type { TokenService } from './modules/token/service.js';
import type { QuotaService } from './modules/quota/service.js';
import type { ComponentService } from './modules/component/service.js';
import type { FaultService } from './platform/faults.js';
import type { RequestLog } from './server/request-log.js';
import type { Storage } from './storage/database.js';
import type { IdAllocator } from './storage/ids.js';

/** The sandbox's services, built once per server and handed to every handler. */
export interface Services {
  storage: Storage;
  logger: Logger;
  clock: SandboxClock;
  ids: IdAllocator;
  requestLog: RequestLog;
  apps: AppService;
  tokens: TokenService;
  categories: CategoryService;
  images: ImageService;
  products: ProductService;
  quota: QuotaService;
  components: ComponentService;
  faults: FaultService;
}
