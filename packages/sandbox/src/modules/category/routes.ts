import type { WireRoute } from '../../server/routes.js';

export const categoryRoutes: WireRoute[] = [
  {
    path: '/shop/cat/get',
    async handler({ services }) {
      return { third_cat_list: services.categories.list() };
    },
  },
];
