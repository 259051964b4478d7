import { field, readString } from '../../server/fields.js';
import type { WireRoute } from '../../server/routes.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export const tokenRoutes: WireRoute[] = [
  {
    path: '/cgi-bin/token',
    bareSuccess: true,
    async handler({ query, services, now }) {
      const app = await services.tokens.authenticate({
        grant_type: query.get('grant_type') ?? undefined,
        appid: query.get('appid') ?? undefined,
        secret: query.get('secret') ?? undefined,
      });
      return { ...(await services.tokens.issueOrdinary(app.appid, now)) };
    },
  },
  {
    path: '/cgi-bin/stable_token',
    bareSuccess: true,
    async handler({ body, services, now }) {
      const app = await services.tokens.authenticate({
        grant_type: text(readString(body, 'grant_type')),
        appid: text(readString(body, 'appid')),
        secret: text(readString(body, 'secret')),
      });
      const force = field(body, 'force_refresh') === true;
      return { ...(await services.tokens.issueStable(app.appid, force, now)) };
    },
  },
];
