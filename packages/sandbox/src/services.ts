import type { Logger } from 'pino';
import type { SandboxClock } from './platform/clock.js';
import type { AccountService } from './modules/account/service.js';
import type { AppService } from './modules/app/service.js';
import type { AuditService } from './modules/audit/service.js';
import type { CategoryService } from './modules/category/service.js';
import type { CouponService } from './modules/coupon/service.js';
import type { UserCouponService } from './modules/coupon/user-service.js';
import type { ImageService } from './modules/image/service.js';
import type { ProductService } from './modules/product/service.js';
import type { RegisterService } from './modules/register/service.js';
import type { SharerService } from './modules/sharer/service.js';
import type { TokenService } from './modules/token/service.js';
import type { WxpayService } from './modules/wxpay/service.js';
import type { PushService } from './push/service.js';
import type { BuyerService } from './modules/buyer/service.js';
import type { OrderService } from './modules/order/service.js';
import type { OrderListService } from './modules/order/list.js';
import type { DeliveryService } from './modules/delivery/service.js';
import type { EcAftersaleService } from './modules/aftersale/ec-service.js';
import type { LegacyAftersaleService } from './modules/aftersale/legacy-service.js';
import type { QuotaService } from './modules/quota/service.js';
import type { ComponentService } from './modules/component/service.js';
import type { FundsService } from './modules/funds/service.js';
import type { PayService } from './modules/pay/service.js';
import type { ComplaintService } from './modules/complaint/service.js';
import type { FaultService } from './platform/faults.js';
import type { GenerationWatch } from './platform/state-generation.js';
import type { RequestLog } from './server/request-log.js';
import type { Storage } from './storage/database.js';
import type { IdAllocator } from './storage/ids.js';

/** Writes the log line of one served wire request. */
export type WireLogLine = (rid: string, appid: string | null, path: string, errcode: number, rule: string, ms: number) => void;

/** The sandbox's services, built once per server and handed to every handler. */
export interface Services {
  storage: Storage;
  logger: Logger;
  /** The per-request line: `logger.info` with the six fields, unless the options give a writer. */
  logWire: WireLogLine;
  clock: SandboxClock;
  ids: IdAllocator;
  requestLog: RequestLog;
  apps: AppService;
  tokens: TokenService;
  categories: CategoryService;
  images: ImageService;
  products: ProductService;
  accounts: AccountService;
  register: RegisterService;
  audits: AuditService;
  wxpay: WxpayService;
  coupons: CouponService;
  userCoupons: UserCouponService;
  sharers: SharerService;
  push: PushService;
  buyers: BuyerService;
  orders: OrderService;
  orderLists: OrderListService;
  delivery: DeliveryService;
  /** shop/ecaftersale/* (2022 flow). */
  aftersales: EcAftersaleService;
  /** shop/aftersale/* (2021 flow) and update_deadline. */
  legacyAftersales: LegacyAftersaleService;
  quota: QuotaService;
  components: ComponentService;
  faults: FaultService;
  funds: FundsService;
  /** shop/pay/* (the mini program payment service). */
  pay: PayService;
  complaints: ComplaintService;
  /** Tells instances sharing the database that a reset or snapshot import replaced the state. */
  generation: GenerationWatch;
}
