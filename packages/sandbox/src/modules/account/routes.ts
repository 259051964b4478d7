import type { WireRoute } from '../../server/routes.js';

export const accountRoutes: WireRoute[] = [
  {
    path: '/shop/account/get_category_list',
    handler: ({ app, services }) => services.accounts.categoryList(app!),
  },
  {
    path: '/shop/account/get_brand_list',
    handler: ({ app, services }) => services.accounts.brandList(app!),
  },
  {
    path: '/shop/account/update_info',
    handler: ({ app, body, services }) => services.accounts.updateInfo(app!, body),
  },
  {
    path: '/shop/account/get_info',
    handler: async ({ app, services }) => services.accounts.getInfo(app!),
  },
];
