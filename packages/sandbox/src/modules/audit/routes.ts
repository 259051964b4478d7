import type { WireRoute } from '../../server/routes.js';

export const auditRoutes: WireRoute[] = [
  {
    path: '/shop/audit/audit_brand',
    // The live platform returned 1040002 with an empty message for an unparsable body.
    malformedBody: 1040002,
    malformedMessage: '',
    handler: ({ app, body, now, services }) => services.audits.auditBrand(app!, body, now),
  },
  {
    path: '/shop/audit/audit_category',
    // The live platform answered 1000009 to a body with comments in it: the JSON reads as empty.
    malformedBody: 'as-empty',
    handler: ({ app, body, now, services }) => services.audits.auditCategory(app!, body, now),
  },
  {
    path: '/shop/audit/result',
    handler: ({ app, body, services }) => services.audits.result(app!, body),
  },
  {
    path: '/shop/audit/get_miniapp_certificate',
    handler: ({ app, body, services }) => services.audits.miniappCertificate(app!, body),
  },
];
