/**
 * The console's way to the sandbox, through the SDK (@wxshop/client): the admin API under
 * /_sandbox/v1, plus the one wire call the apps page makes (stable_token).
 */
import { SandboxAdmin, SandboxAdminError, WxShopClient, WxShopError } from '@wxshop/client/browser';

export { SandboxAdminError as AdminHttpError };

const KEY_STORAGE = 'wxshop.console.adminKey';

export function adminKey(): string {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function setAdminKey(key: string): void {
  try {
    if (key === '') localStorage.removeItem(KEY_STORAGE);
    else localStorage.setItem(KEY_STORAGE, key);
  } catch {
    // Storage was rejected, so the key is lost at the next reload. Nothing else breaks.
  }
}

/**
 * Calls the admin API of the sandbox that served the console and returns the parsed JSON body.
 *
 * @throws AdminHttpError for any non-2xx reply
 * @example const { apps } = await adminCall<{ apps: App[] }>('GET', '/apps');
 */
export function adminCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  // A new client per call, so a key typed into the header applies to the next call.
  return new SandboxAdmin({ baseUrl: location.origin, adminKey: adminKey() }).request<T>(method, path, body);
}

/** Asks the wire API for the app's stable access token (without force_refresh, so no token is superseded). */
export async function stableToken(appid: string, secret: string): Promise<{ errcode?: number; errmsg?: string; access_token?: string; expires_in?: number }> {
  const client = new WxShopClient({ appid, secret, baseUrl: location.origin, tokenMode: 'stable', maxRetries: 0 });
  try {
    return await client.token.stable({ grant_type: 'client_credential', appid, secret });
  } catch (error) {
    if (error instanceof WxShopError) return { errcode: error.errcode, errmsg: error.errmsg };
    throw error;
  }
}
