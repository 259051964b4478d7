import type { WireRoute } from '../../server/routes.js';

// Every register call works before the component is open: apply and check by the platform's
// docs, finish_access_info and apply_scene so that they return 1040003 themselves.
export const registerRoutes: WireRoute[] = [
  {
    path: '/shop/register/apply',
    allowedBeforeAccess: true,
    handler: ({ app, now, services }) => services.register.apply(app!, now),
  },
  {
    path: '/shop/register/check',
    allowedBeforeAccess: true,
    handler: ({ app, services }) => services.register.check(app!),
  },
  {
    path: '/shop/register/finish_access_info',
    allowedBeforeAccess: true,
    handler: ({ app, body, now, services }) => services.register.finishAccessInfo(app!, body, now),
  },
  {
    path: '/shop/register/apply_scene',
    allowedBeforeAccess: true,
    handler: ({ app, body, now, services }) => services.register.applyScene(app!, body, now),
  },
];
