/**
 * The console's only way to the sandbox: the admin API under /_sandbox/v1, plus the one wire call
 * the apps page makes (stable_token).
 *
 * NOTE: this is a small fetch wrapper of the console's own. Once @wxshop/client covers the admin
 * API and the token call, the console should call through it instead.
 */

export const ADMIN_PREFIX = '/_sandbox/v1';
const KEY_STORAGE = 'wxshop.console.adminKey';

/** An admin API failure, with the HTTP status and the `{error: {code, message}}` body. */
export class AdminHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

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
 * Calls the admin API and returns the parsed JSON body.
 *
 * @throws AdminHttpError for any non-2xx reply
 * @example const { apps } = await adminCall<{ apps: App[] }>('GET', '/apps');
 */
export async function adminCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const key = adminKey();
  if (key !== '') headers['x-wxshop-admin-key'] = key;
  const response = await fetch(`${ADMIN_PREFIX}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = { error: { code: 'not_json', message: text.slice(0, 200) } };
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } }).error ?? {};
    throw new AdminHttpError(response.status, error.code ?? 'unknown', error.message ?? response.statusText);
  }
  return parsed as T;
}

/** Asks the wire API for the app's stable access token (without force_refresh, so no token is superseded). */
export async function stableToken(appid: string, secret: string): Promise<{ errcode?: number; errmsg?: string; access_token?: string; expires_in?: number }> {
  const response = await fetch('/cgi-bin/stable_token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid, secret }),
  });
  return (await response.json()) as { errcode?: number; errmsg?: string; access_token?: string; expires_in?: number };
}
