import type { WireRoute } from '../../server/routes.js';

export const aftersaleRoutes: WireRoute[] = [
  { path: '/shop/aftersale/add', handler: ({ app, body, now, services }) => services.legacyAftersales.add(app!, body, now) },
  { path: '/shop/aftersale/get', handler: ({ app, body, services }) => services.legacyAftersales.get(app!, body) },
  { path: '/shop/aftersale/update', handler: ({ app, body, now, services }) => services.legacyAftersales.update(app!, body, now) },
  { path: '/shop/aftersale/update_deadline', handler: ({ app, body, now, services }) => services.legacyAftersales.updateDeadline(app!, body, now) },
  { path: '/shop/ecaftersale/add', handler: ({ app, body, now, services }) => services.aftersales.add(app!, body, now) },
  { path: '/shop/ecaftersale/update', handler: ({ app, body, now, services }) => services.aftersales.update(app!, body, now) },
  { path: '/shop/ecaftersale/cancel', handler: ({ app, body, now, services }) => services.aftersales.cancel(app!, body, now) },
  { path: '/shop/ecaftersale/uploadreturninfo', handler: ({ app, body, now, services }) => services.aftersales.uploadReturnInfo(app!, body, now) },
  { path: '/shop/ecaftersale/acceptrefund', handler: ({ app, body, now, services }) => services.aftersales.acceptRefund(app!, body, now) },
  { path: '/shop/ecaftersale/acceptreturn', handler: ({ app, body, now, services }) => services.aftersales.acceptReturn(app!, body, now) },
  { path: '/shop/ecaftersale/reject', handler: ({ app, body, now, services }) => services.aftersales.reject(app!, body, now) },
  { path: '/shop/ecaftersale/upload_certificates', handler: ({ app, body, now, services }) => services.aftersales.uploadCertificates(app!, body, now) },
  { path: '/shop/ecaftersale/get', handler: ({ app, body, services }) => services.aftersales.get(app!, body) },
  { path: '/shop/ecaftersale/get_list', handler: ({ app, body, services }) => services.aftersales.getList(app!, body) },
  { path: '/shop/ecaftersale/merchanttest', handler: ({ app, body, now, services }) => services.aftersales.merchantTest(app!, body, now) },
];
