import type { EndpointInfo } from '@wxshop/api';
import type { AppRecord } from '../app/store.js';
import type { Services } from '../../services.js';
import { WireError } from '../../server/wire-error.js';
import type { PlatformRecord } from './store.js';

/** Who made a wire call: an app (its own token or an authorizer token), or a third-party platform. */
export interface Caller {
  app?: AppRecord;
  component?: PlatformRecord;
}

/**
 * Step 3 of the wire pipeline: reads the token from the query string and resolves it. An
 * account's own token is tried first, then an authorizer_access_token, which acts for the
 * authorized app. Component-token paths take `access_token` or `component_access_token`.
 */
export function resolveCaller(services: Services, endpoint: EndpointInfo, query: URLSearchParams, ip: string, now: number): Caller | Promise<Caller> {
  // An app's own token and its app, both read moments ago, resolve without waiting. Each await
  // of an async step costs a promise and a turn of the microtask queue on every call.
  if (endpoint.auth !== 'component_access_token') {
    const token = query.get('access_token');
    const appid = token ? services.tokens.cachedAppid(token, now) : undefined;
    const app = appid === undefined ? undefined : services.apps.cached(appid);
    if (app) return { app };
  }
  return resolveUncached(services, endpoint, query, ip, now);
}

async function resolveUncached(services: Services, endpoint: EndpointInfo, query: URLSearchParams, ip: string, now: number): Promise<Caller> {
  if (endpoint.auth === 'component_access_token') {
    const token = query.get('access_token') || query.get('component_access_token');
    if (!token) throw new WireError(41001, 'token.missing');
    return { component: await services.components.resolveComponentToken(token, ip, now) };
  }
  const token = query.get('access_token');
  if (!token) throw new WireError(41001, 'token.missing');
  let appid: string;
  try {
    appid = await services.tokens.resolve(token, now);
  } catch (error) {
    if (!(error instanceof WireError) || error.rule !== 'token.unknown') throw error;
    const authorizer = await services.components.resolveAuthorizerToken(token, ip, endpoint.path, now);
    if (authorizer === undefined) throw error;
    appid = authorizer;
  }
  const app = await services.apps.get(appid);
  if (!app) throw new WireError(40001, 'token.app_deleted');
  return { app };
}
