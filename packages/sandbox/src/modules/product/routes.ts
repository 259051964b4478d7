import type { WireRoute } from '../../server/routes.js';

export const productRoutes: WireRoute[] = [
  {
    path: '/shop/spu/add',
    // The live platform returns 1000001 for an unparsable body, as if out_product_id were absent.
    malformedBody: 'as-empty',
    handler: ({ app, body, now, services }) => services.products.add(app!, body, now),
  },
  {
    path: '/shop/spu/update',
    handler: ({ app, body, now, services }) => services.products.update(app!, body, now),
  },
  {
    path: '/shop/spu/update_without_audit',
    handler: ({ app, body, now, services }) => services.products.updateWithoutAudit(app!, body, now),
  },
  {
    path: '/shop/spu/get',
    handler: ({ app, body, services }) => services.products.get(app!, body),
  },
  {
    path: '/shop/spu/get_list',
    handler: ({ app, body, services }) => services.products.getList(app!, body),
  },
  {
    path: '/shop/spu/del',
    handler: ({ app, body, now, services }) => services.products.del(app!, body, now),
  },
  {
    path: '/shop/spu/del_audit',
    handler: ({ app, body, now, services }) => services.products.delAudit(app!, body, now),
  },
  {
    path: '/shop/spu/listing',
    handler: ({ app, body, now, services }) => services.products.listing(app!, body, now),
  },
  {
    path: '/shop/spu/delisting',
    handler: ({ app, body, now, services }) => services.products.delisting(app!, body, now),
  },
];
