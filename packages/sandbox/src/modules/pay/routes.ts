import type { WireRoute } from '../../server/routes.js';

export const payRoutes: WireRoute[] = [
  { path: '/shop/pay/createorder', handler: ({ app, body, now, services }) => services.pay.createOrder(app!, body, now) },
  { path: '/shop/pay/getorder', handler: ({ app, body, now, services }) => services.pay.getOrder(app!, body, now) },
  { path: '/shop/pay/refundorder', handler: ({ app, body, now, services }) => services.pay.refundOrder(app!, body, now) },
  { path: '/shop/pay/closeorder', handler: ({ app, body, now, services }) => services.pay.closeOrder(app!, body, now) },
  { path: '/shop/pay/getorderlist', handler: ({ app, body, services }) => services.pay.getOrderList(app!, body) },
  { path: '/shop/pay/profitsharingorder', handler: ({ app, body, now, services }) => services.pay.profitSharingOrder(app!, body, now) },
];
