/** The header that carries the admin key for callers that are not on loopback. */
export const ADMIN_KEY_HEADER = 'x-wxshop-admin-key';

/** Path prefix of the sandbox's admin API, version 1. */
export const ADMIN_PREFIX = '/_sandbox/v1';

export interface SandboxAdminOptions {
  /** Address of the sandbox, such as http://127.0.0.1:8930; in a browser, `location.origin`. */
  baseUrl: string;
  /** Admin key, needed only when the call reaches the sandbox from a non-loopback address. */
  adminKey?: string;
  /** Per-call timeout in milliseconds. Default 30000. */
  timeoutMs?: number;
  /** The fetch to use. Default: the global fetch. */
  fetch?: typeof fetch;
}

/**
 * A failed admin call: the HTTP status and the `{error: {code, message}}` body of the reply. A
 * reply that is not JSON gets the code `not_json` and the start of the body as its message.
 */
export class SandboxAdminError extends Error {
  readonly status: number;
  readonly code: string;
  /** Method and path of the call, such as `POST /apps/wx…/wxpay/decide`. */
  readonly request: string;
  /** The parsed reply body, for fields beside `error` (PUT /apps/:appid/push adds `verification`). */
  readonly body: unknown;

  constructor(status: number, code: string, message: string, request: string, body: unknown) {
    super(message);
    this.name = 'SandboxAdminError';
    this.status = status;
    this.code = code;
    this.request = request;
    this.body = body;
  }
}

/**
 * A client of the sandbox's admin API (`/_sandbox/v1`), the platform side that tests, scripts and
 * the console drive. It uses only fetch, so it runs in browsers as well as in Node.js. Paths and
 * bodies are those of docs/admin-api.md.
 *
 * @example
 * const admin = new SandboxAdmin({ baseUrl: 'http://127.0.0.1:8930' });
 * const { apps } = await admin.request<{ apps: { appid: string }[] }>('GET', '/apps');
 * await admin.request('POST', `/apps/${apps[0].appid}/wxpay/decide`, { decision: 'approve' });
 */
export class SandboxAdmin {
  readonly baseUrl: string;
  private readonly options: SandboxAdminOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: SandboxAdminOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * Sends one admin call and returns the parsed JSON reply. `path` starts after `/_sandbox/v1`
   * and may carry a query string. A body is sent as JSON.
   *
   * @throws SandboxAdminError for any reply outside 2xx
   */
  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.adminKey) headers[ADMIN_KEY_HEADER] = this.options.adminKey;
    const response = await this.fetchImpl(`${this.baseUrl}${ADMIN_PREFIX}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { error: { code: 'not_json', message: text.slice(0, 200) } };
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error ?? {};
      throw new SandboxAdminError(response.status, error.code ?? 'unknown', error.message ?? response.statusText, `${method} ${path}`, parsed);
    }
    return parsed as T;
  }
}
