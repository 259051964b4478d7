// The lifecycle tables of the modules, for readers outside the server such as the console.
// These modules hold only data and the table checks, so importing this file opens no database
// and starts no server. Each table stays in its module's states.ts.
export type { TransitionRule, TransitionTable } from './platform/transitions.js';
export { ORDER_TRANSITIONS, type OrderAction, type OrderStatus } from './modules/order/states.js';
export { AFTERSALE_ORDER_STATUSES, EC_AFTERSALE_TRANSITIONS, V1_FINAL, V1_STATUSES, V1_TYPES, type EcAftersaleAction, type EcAftersaleStatus, type V1Status } from './modules/aftersale/states.js';
export { USER_COUPON_TRANSITIONS } from './modules/coupon/states.js';
export { BIND_STATUS } from './modules/sharer/states.js';
export { WXPAY_TRANSITIONS } from './modules/wxpay/states.js';
