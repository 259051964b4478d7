import type { WireRoute } from '../../server/routes.js';

export const wxpayRoutes: WireRoute[] = [
  {
    path: '/shop/wxpay/apply',
    handler: ({ app, body, now, services }) => services.wxpay.apply(app!, body, now),
  },
  {
    path: '/shop/wxpay/get',
    handler: ({ app, services }) => services.wxpay.get(app!),
  },
  {
    path: '/shop/wxpay/get_info',
    handler: ({ app, services }) => services.wxpay.getInfo(app!),
  },
];
