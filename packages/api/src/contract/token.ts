import { endpoint } from './endpoint.js';
import { Empty } from './common.js';
import { array, boolean, enumOf, integer, object, optional, partial, string, unknown } from './schema.js';

const TokenResponse = object({
  access_token: string('The access token; reserve at least 512 characters'),
  expires_in: integer('Seconds until the token expires (at most 7200)'),
});

/** Access tokens: `/cgi-bin/token` (GET) and `/cgi-bin/stable_token`. */
export const token = {
  get: endpoint({
    path: '/cgi-bin/token',
    summary: 'Gets an access token; a new one retires the previous one after a 5-minute overlap',
    request: object({
      grant_type: enumOf(['client_credential'], 'Always client_credential'),
      appid: string('AppID'),
      secret: string('AppSecret'),
    }),
    queryFields: ['grant_type', 'appid', 'secret'],
    response: TokenResponse,
  }),
  stable: endpoint({
    path: '/cgi-bin/stable_token',
    summary: 'Gets a stable access token, separate from /cgi-bin/token tokens',
    request: object({
      grant_type: enumOf(['client_credential'], 'Always client_credential'),
      appid: string('AppID'),
      secret: string('AppSecret'),
      force_refresh: optional(boolean('True retires the current stable token at once (20 a day, 30 s apart)')),
    }),
    response: TokenResponse,
  }),
} as const;

const RateLimit = object({ call_count: integer('Calls allowed per window'), refresh_second: integer('Window length in seconds') });

/** Daily quotas and request lookup by rid. */
export const quota = {
  clear: endpoint({
    path: '/cgi-bin/clear_quota',
    summary: "Resets all of today's call counts of an account (10 a month)",
    request: object({ appid: string('AppID of the token account') }),
    response: Empty,
  }),
  clearByAppSecret: endpoint({
    path: '/cgi-bin/clear_quota/v2',
    summary: 'Resets all call counts, authenticated by AppSecret instead of a token',
    request: object({ appid: string('AppID'), appsecret: string('AppSecret') }),
    response: Empty,
  }),
  get: endpoint({
    path: '/cgi-bin/openapi/quota/get',
    summary: "Reads one API's daily quota and per-minute rate limit",
    request: object({ cgi_path: string('API path without host, starting with /') }),
    response: object({
      quota: object({ daily_limit: integer('Calls allowed per day'), used: integer('Calls used today'), remain: integer('Calls left today') }),
      // The per-minute limit: calls beyond call_count in refresh_second (60) get 45011.
      rate_limit: optional(RateLimit),
      component_rate_limit: optional(RateLimit),
    }),
  }),
  clearOne: endpoint({
    path: '/cgi-bin/openapi/quota/clear',
    summary: "Resets one API's daily count",
    request: object({ cgi_path: string('API path without host, starting with /') }),
    response: Empty,
  }),
  getRid: endpoint({
    path: '/cgi-bin/openapi/rid/get',
    summary: 'Looks up a request of the same account made in the last 7 days by its rid',
    request: object({ rid: string('The rid from an errmsg') }),
    response: object({
      request: object({
        invoke_time: integer('Unix seconds'),
        cost_in_ms: integer('Duration in milliseconds'),
        request_url: string('Query string without the host'),
        request_body: string('Request body as sent'),
        response_body: string('Response body as returned'),
        client_ip: string('Caller IP'),
      }),
    }),
  }),
} as const;

const FuncInfo = array(object({ funcscope_category: object({ id: integer('Permission set id; 85 is the custom component') }) }));

/** Third-party platform calls (component_access_token and authorizer tokens). */
export const component = {
  startPushTicket: endpoint({
    path: '/cgi-bin/component/api_start_push_ticket',
    summary: 'Asks the platform to start pushing component_verify_ticket',
    request: object({ component_appid: string('Third-party platform AppID'), component_secret: string('Third-party platform AppSecret') }),
    response: Empty,
  }),
  getToken: endpoint({
    path: '/cgi-bin/component/api_component_token',
    summary: 'Gets a component_access_token',
    request: object({
      component_appid: string('Third-party platform AppID'),
      component_appsecret: string('Third-party platform AppSecret'),
      component_verify_ticket: string('The latest pushed verify ticket'),
    }),
    response: object({ component_access_token: string('The component token'), expires_in: integer('Seconds until expiry') }),
  }),
  createPreAuthCode: endpoint({
    path: '/cgi-bin/component/api_create_preauthcode',
    summary: 'Gets a pre-auth code for the authorisation page',
    request: object({ component_appid: string('Third-party platform AppID') }),
    response: object({ pre_auth_code: string('Pre-auth code'), expires_in: integer('Seconds until expiry') }),
  }),
  queryAuth: endpoint({
    path: '/cgi-bin/component/api_query_auth',
    summary: 'Exchanges an authorisation code for authorizer tokens',
    request: object({ component_appid: string('Third-party platform AppID'), authorization_code: string('Code from the authorisation redirect') }),
    response: object({
      authorization_info: object({
        authorizer_appid: string('AppID of the authorising mini program'),
        authorizer_access_token: string('Token to call /shop/* for it'),
        expires_in: integer('Seconds until expiry'),
        authorizer_refresh_token: string('Token to refresh the authorizer token'),
        func_info: optional(FuncInfo),
      }),
    }),
  }),
  getAuthorizerToken: endpoint({
    path: '/cgi-bin/component/api_authorizer_token',
    summary: 'Refreshes an authorizer_access_token',
    request: object({
      component_appid: string('Third-party platform AppID'),
      authorizer_appid: string('Authorising mini program AppID'),
      authorizer_refresh_token: string('Refresh token from api_query_auth'),
    }),
    response: object({
      authorizer_access_token: string('New authorizer token'),
      expires_in: integer('Seconds until expiry'),
      authorizer_refresh_token: string('Refresh token to keep'),
    }),
  }),
  getAuthorizerInfo: endpoint({
    path: '/cgi-bin/component/api_get_authorizer_info',
    summary: 'Reads an authorizer profile and the permission sets it granted',
    request: object({ component_appid: string('Third-party platform AppID'), authorizer_appid: string('Authorising mini program AppID') }),
    response: object({
      authorizer_info: partial({
        user_name: string('Original id (gh_…)'),
        nick_name: string('Name'),
        head_img: string('Avatar URL'),
        principal_name: string('Legal subject'),
        alias: string('Alias'),
        signature: string('Introduction'),
        qrcode_url: string('QR code URL'),
        service_type_info: object({ id: integer('Account type') }),
        verify_type_info: object({ id: integer('Verification type') }),
        business_info: unknown('Feature switches (open_store, open_pay, …), each 0 or 1'),
        MiniProgramInfo: unknown('Domains, categories and visit status (capitalised key on the wire)'),
        account_status: integer('Account status'),
        register_type: integer('Registration type'),
        basic_config: unknown('is_phone_configured and is_email_configured'),
      }),
      authorization_info: object({
        authorizer_appid: string('Authorising mini program AppID'),
        authorizer_refresh_token: optional(string('Refresh token')),
        func_info: optional(FuncInfo),
      }),
    }),
  }),
  clearQuota: endpoint({
    path: '/cgi-bin/component/clear_quota/v2',
    summary: "Resets a third-party platform's or an authorizer's counts by AppSecret",
    request: object({
      component_appid: string('Third-party platform AppID'),
      appsecret: string('Third-party platform AppSecret'),
      appid: optional(string('Authorizer AppID; leave out to reset the platform itself')),
    }),
    response: Empty,
  }),
} as const;
