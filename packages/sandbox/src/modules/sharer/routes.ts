import type { WireRoute } from '../../server/routes.js';

export const sharerRoutes: WireRoute[] = [
  {
    path: '/shop/sharer/bind',
    handler: ({ app, body, now, services }) => services.sharers.bind(app!, body, now),
  },
  {
    path: '/shop/sharer/unbind',
    handler: ({ app, body, now, services }) => services.sharers.unbind(app!, body, now),
  },
  {
    path: '/shop/sharer/search_sharer',
    handler: ({ app, body, services }) => services.sharers.search(app!, body),
  },
  {
    path: '/shop/sharer/get_sharer_list',
    handler: ({ app, body, services }) => services.sharers.list(app!, body),
  },
  {
    path: '/shop/sharer/get_sharer_data_summary',
    handler: ({ app, body, services }) => services.sharers.dataSummary(app!, body),
  },
  {
    path: '/shop/sharer/get_sharer_live_summary_list',
    handler: ({ app, body, services }) => services.sharers.liveSummaryList(app!, body),
  },
  {
    path: '/shop/sharer/get_sharer_live_order_list',
    handler: ({ app, body, services }) => services.sharers.liveOrderList(app!, body),
  },
  {
    path: '/shop/sharer/set_share_mode',
    handler: ({ app, body, services }) => services.sharers.setShareMode(app!, body),
  },
  {
    path: '/shop/promoter/list',
    handler: ({ app, body, services }) => services.sharers.promoterList(app!, body),
  },
];
