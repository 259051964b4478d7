import type { WireRoute } from '../../server/routes.js';

export const deliveryRoutes: WireRoute[] = [
  {
    path: '/shop/delivery/get_company_list',
    handler: async ({ services }) => services.delivery.companyList(),
  },
  {
    path: '/shop/delivery/send',
    handler: ({ app, body, now, services }) => services.delivery.send(app!, body, now),
  },
  {
    // Spelled `recieve` on the platform.
    path: '/shop/delivery/recieve',
    handler: ({ app, body, now, services }) => services.delivery.recieve(app!, body, now),
  },
];
