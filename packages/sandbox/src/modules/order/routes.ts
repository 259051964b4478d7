import type { WireRoute } from '../../server/routes.js';

export const orderRoutes: WireRoute[] = [
  {
    path: '/shop/order/add',
    // The live platform answers an unparsable order/add body with the price_info error.
    malformedBody: 1010005,
    handler: ({ app, body, now, services }) => services.orders.add(app!, body, now),
  },
  {
    path: '/shop/order/getpaymentparams',
    // A form-encoded body (no JSON, hence no openid) was answered with the openid error.
    malformedBody: 1010014,
    handler: ({ app, body, now, services }) => services.orders.getPaymentParams(app!, body, now),
  },
  {
    path: '/shop/order/pay',
    // An unparsable order/pay body was answered with 990001 (openid invalid).
    malformedBody: 990001,
    handler: ({ app, body, now, services }) => services.orders.pay(app!, body, now),
  },
  {
    path: '/shop/order/close',
    handler: ({ app, body, now, services }) => services.orders.close(app!, body, now),
  },
  {
    path: '/shop/order/get',
    handler: ({ app, body, now, services }) => services.orders.get(app!, body, now),
  },
  {
    path: '/shop/order/update_address',
    handler: ({ app, body, now, services }) => services.orders.updateAddress(app!, body, now),
  },
  {
    path: '/shop/order/get_list',
    handler: ({ app, body, now, services }) => services.orderLists.getList(app!, body, now),
  },
  {
    path: '/shop/order/get_list_by_sharer',
    handler: ({ app, body, now, services }) => services.orderLists.getListBySharer(app!, body, now),
  },
  {
    path: '/shop/order/get_list_by_finder',
    handler: ({ app, body, now, services }) => services.orderLists.getListByFinder(app!, body, now),
  },
];
