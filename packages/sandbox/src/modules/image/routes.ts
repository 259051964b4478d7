import type { WireRoute } from '../../server/routes.js';

export const imageRoutes: WireRoute[] = [
  {
    path: '/shop/img/upload',
    async handler({ app, query, rawBody, contentType, services, now }) {
      const img_info = await services.images.upload(app!.appid, { query, rawBody, contentType }, now);
      return { img_info };
    },
  },
];
