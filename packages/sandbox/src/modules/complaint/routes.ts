import type { WireRoute } from '../../server/routes.js';

export const complaintRoutes: WireRoute[] = [
  { path: '/shop/complaint/get_list', handler: ({ app, body, services }) => services.complaints.getList(app!, body) },
  { path: '/shop/complaint/get', handler: ({ app, body, services }) => services.complaints.get(app!, body) },
  { path: '/shop/complaint/upload_material', handler: ({ app, body, now, services }) => services.complaints.uploadMaterial(app!, body, now) },
];
