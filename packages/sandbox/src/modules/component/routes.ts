import { field } from '../../server/fields.js';
import type { WireContext, WireRoute } from '../../server/routes.js';
import { WireError } from '../../server/wire-error.js';
import type { PlatformRecord } from './store.js';

function platformOf(context: WireContext): PlatformRecord {
  // Component-token routes run only after the pipeline resolved the token to its platform.
  if (!context.component) throw new WireError(40001, 'component.token.unknown');
  return context.component;
}

/** Third-party platform calls. Tokens and codes are bare payloads on success, as on the platform. */
export const componentRoutes: WireRoute[] = [
  {
    path: '/cgi-bin/component/api_start_push_ticket',
    async handler({ body, services, now }) {
      await services.components.startPush(field(body, 'component_appid'), field(body, 'component_secret'), now);
      return {};
    },
  },
  {
    path: '/cgi-bin/component/api_component_token',
    bareSuccess: true,
    async handler({ body, services, now, clientIp }) {
      const token = await services.components.issueComponentToken(
        {
          component_appid: field(body, 'component_appid'),
          component_appsecret: field(body, 'component_appsecret'),
          component_verify_ticket: field(body, 'component_verify_ticket'),
        },
        clientIp ?? '',
        now,
      );
      return { ...token };
    },
  },
  {
    path: '/cgi-bin/component/clear_quota/v2',
    async handler({ body, query, services, now }) {
      const read = (name: string) => field(body, name) ?? query.get(name) ?? undefined;
      const appid = await services.components.authenticateQuotaReset(read('component_appid'), read('appsecret'), read('appid'));
      // NOTE: the platform's own API counts are not kept, so a reset without appid only checks the credentials.
      if (appid !== undefined) await services.quota.clearAll(appid, now);
      return {};
    },
  },
  {
    path: '/cgi-bin/component/api_create_preauthcode',
    bareSuccess: true,
    async handler(context) {
      return { ...(await context.services.components.createPreAuthCode(platformOf(context), field(context.body, 'component_appid'), context.now)) };
    },
  },
  {
    path: '/cgi-bin/component/api_query_auth',
    bareSuccess: true,
    async handler(context) {
      const info = await context.services.components.queryAuth(
        platformOf(context),
        field(context.body, 'component_appid'),
        field(context.body, 'authorization_code'),
        context.now,
      );
      return { authorization_info: info };
    },
  },
  {
    path: '/cgi-bin/component/api_authorizer_token',
    bareSuccess: true,
    async handler(context) {
      const token = await context.services.components.refreshAuthorizerToken(
        platformOf(context),
        {
          component_appid: field(context.body, 'component_appid'),
          authorizer_appid: field(context.body, 'authorizer_appid'),
          authorizer_refresh_token: field(context.body, 'authorizer_refresh_token'),
        },
        context.now,
      );
      return { ...token };
    },
  },
  {
    path: '/cgi-bin/component/api_get_authorizer_info',
    bareSuccess: true,
    async handler(context) {
      const authorizerAppid = field(context.body, 'authorizer_appid');
      const app = typeof authorizerAppid === 'string' ? await context.services.apps.get(authorizerAppid) : undefined;
      const info = await context.services.components.authorizerInfo(platformOf(context), field(context.body, 'component_appid'), authorizerAppid, app?.name, app?.username);
      return { ...info };
    },
  },
];
