import { field } from '../../server/fields.js';
import type { WireContext, WireRoute } from '../../server/routes.js';
import { WireError } from '../../server/wire-error.js';

/** Reads a string field from the body, else from the query string (SDKs send clear_quota/v2's both ways). */
function bodyOrQuery(context: WireContext, name: string): string | undefined {
  const value = field(context.body, name);
  if (typeof value === 'string' && value !== '') return value;
  return context.query.get(name) || undefined;
}

function callerAppid(context: WireContext): string {
  // Every quota route takes an access token, so the pipeline has resolved the app.
  if (!context.app) throw new WireError(40001, 'token.unknown');
  return context.app.appid;
}

export const quotaRoutes: WireRoute[] = [
  {
    path: '/cgi-bin/clear_quota',
    async handler(context) {
      const appid = bodyOrQuery(context, 'appid');
      if (appid === undefined) throw new WireError(41002, 'clear_quota.appid.missing');
      if (appid !== callerAppid(context)) throw new WireError(40013, 'clear_quota.appid.not_token_owner');
      await context.services.quota.clearAll(appid, context.now);
      return {};
    },
  },
  {
    path: '/cgi-bin/clear_quota/v2',
    async handler(context) {
      const appid = bodyOrQuery(context, 'appid');
      const secret = bodyOrQuery(context, 'appsecret');
      if (appid === undefined) throw new WireError(41002, 'clear_quota.appid.missing');
      if (secret === undefined) throw new WireError(41004, 'clear_quota.appsecret.missing');
      const app = await context.services.apps.get(appid);
      if (!app) throw new WireError(40013, 'clear_quota.appid.unknown');
      if (app.secret !== secret) throw new WireError(40125, 'clear_quota.appsecret.wrong');
      await context.services.quota.clearAll(app.appid, context.now);
      return {};
    },
  },
  {
    path: '/cgi-bin/openapi/quota/get',
    async handler(context) {
      const view = await context.services.quota.describe(callerAppid(context), field(context.body, 'cgi_path'), context.now, false);
      return { ...view };
    },
  },
  {
    path: '/cgi-bin/openapi/quota/clear',
    async handler(context) {
      await context.services.quota.clearOne(callerAppid(context), field(context.body, 'cgi_path'), context.now, false);
      return {};
    },
  },
  {
    path: '/cgi-bin/openapi/rid/get',
    async handler(context) {
      const request = await context.services.quota.lookupRid(callerAppid(context), field(context.body, 'rid'), context.now);
      return { request };
    },
  },
];
