import {
  CONTRACT_ENTRIES,
  findContract,
  schema,
  explain,
  fromWire,
  parseJson,
  stringifyJson,
  toWire,
  type Contract,
  type ContractEntry,
  type EndpointContract,
  type Infer,
  type InferInput,
} from '@wxshop/api';
import { WxShopSystemError, WxShopTimeoutError, errorFromResponse } from './errors.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';

/** The platform host. The SDK calls no other host unless `baseUrl` is set. */
export const PLATFORM_URL = 'https://api.weixin.qq.com';

export interface WxShopClientOptions {
  /** AppID of the mini program. */
  appid: string;
  /** AppSecret; needed unless `accessToken` supplies tokens. Never logged or put in errors. */
  secret?: string;
  /** API host; point it at a wxshop sandbox in tests. Default https://api.weixin.qq.com. */
  baseUrl?: string;
  /** `token` uses /cgi-bin/token (default); `stable` uses /cgi-bin/stable_token. */
  tokenMode?: 'token' | 'stable';
  /** Token cache. Default: in memory, per process. */
  tokenStore?: TokenStore;
  /** Refresh this many seconds before expiry (but not before half the token's lifetime). Default 300. */
  refreshMarginSeconds?: number;
  /**
   * Supplies access tokens from elsewhere (an authorizer token from a third-party platform, say).
   * `stale` is the token the platform just refused, so the provider should return a newer one.
   */
  accessToken?: (stale?: string) => Promise<string> | string;
  /** Supplies the component_access_token for /cgi-bin/component/* calls. */
  componentAccessToken?: () => Promise<string> | string;
  /** Per-call timeout in milliseconds. Default 15000. */
  timeoutMs?: number;
  /** Retries of a call the catalogue marks as transient (-1, 990010, 300000). Default 2. */
  maxRetries?: number;
  /** First backoff delay in milliseconds; doubled each retry, with jitter. Default 200. */
  retryBaseDelayMs?: number;
  /** Maximum backoff delay in milliseconds. Default 5000. */
  retryMaxDelayMs?: number;
  /** The fetch to use. Default: the global fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
}

/** A successful response: the payload fields, plus `errcode` 0 and `errmsg` when the platform sends them. */
export type WireResult<T> = T & { errcode?: number; errmsg?: string };

type Method<E> =
  E extends EndpointContract<infer Req, infer Res>
    ? {} extends InferInput<Req>
      ? (request?: InferInput<Req>, options?: CallOptions) => Promise<WireResult<Infer<Res>>>
      : (request: InferInput<Req>, options?: CallOptions) => Promise<WireResult<Infer<Res>>>
    : never;

type Group<G> = { readonly [K in keyof G]: Method<G[K]> };

/** Request of `client.image.upload`: the file is a Blob or bytes instead of the contract's string. */
export type ImageUploadRequest = Omit<InferInput<Contract['image']['upload']['request']>, 'media'> & {
  media?: Blob | Uint8Array;
  /** File name sent with `media`; needed by the platform for resp_type 2. Default image.png. */
  filename?: string;
};

export type ClientGroups = { readonly [G in Exclude<keyof Contract, 'image'>]: Group<Contract[G]> } & {
  readonly image: {
    upload(request: ImageUploadRequest, options?: CallOptions): Promise<WireResult<Infer<Contract['image']['upload']['response']>>>;
  };
};

/** A cached token, as stored (JSON) in the token store. Times are unix milliseconds. */
interface CachedToken {
  token: string;
  expiresAt: number;
  /** When to replace it: the refresh margin before expiry, but never before half its lifetime. */
  refreshAt: number;
}

// One refresh in flight per app and token family in this process, whatever the number of clients.
const refreshing = new Map<string, { work: Promise<CachedToken>; store: TokenStore }>();

const CREDENTIAL_REPLAY = new Set([40001, 42001]);

/**
 * A typed client of the platform's wire API. Every endpoint is a method, grouped by module.
 *
 * @example
 * const client = new WxShopClient({ appid, secret, baseUrl: 'http://127.0.0.1:8787' });
 * const { data } = await client.spu.add({ out_product_id: 'p1', … });
 * console.log(data.product_id); // a decimal string
 */
export interface WxShopClient extends ClientGroups {}
export class WxShopClient {
  readonly appid: string;
  readonly baseUrl: string;
  private readonly options: WxShopClientOptions;
  private readonly store: TokenStore;
  private readonly fetchImpl: typeof fetch;

  constructor(options: WxShopClientOptions) {
    if (!options.appid) throw new TypeError('WxShopClient needs an appid');
    if (!options.secret && !options.accessToken) throw new TypeError('WxShopClient needs a secret or an accessToken provider');
    this.options = options;
    this.appid = options.appid;
    this.baseUrl = (options.baseUrl ?? PLATFORM_URL).replace(/\/+$/, '');
    this.store = options.tokenStore ?? new MemoryTokenStore();
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    const groups: Record<string, Record<string, unknown>> = {};
    for (const entry of CONTRACT_ENTRIES) {
      const group = (groups[entry.group] ??= {});
      group[entry.name] = entry.info.body === 'multipart'
        ? (request: ImageUploadRequest, callOptions?: CallOptions) => this.upload(entry, request, callOptions)
        : (request: unknown, callOptions?: CallOptions) => this.invoke(entry, request ?? {}, callOptions);
    }
    Object.assign(this, groups);
  }

  /**
   * Calls a wire path by name: a POST with a JSON body and the access token, unless the contract
   * says otherwise for that path. Prefer the typed methods; this is for paths the platform adds
   * before the contract has them. Integers beyond 2^53 in the answer come back as strings.
   *
   * @example
   * const answer = await client.request('/shop/spu/get_list', { page: 1, page_size: 10 });
   */
  async request<T = Record<string, unknown>>(path: string, body: Record<string, unknown> = {}, options?: CallOptions): Promise<WireResult<T>> {
    const entry: ContractEntry = findContract(path) ?? {
      group: 'spu',
      name: 'request',
      contract: { path, summary: 'A path outside the contract', request: schema.object({}), response: schema.object({}) },
      info: { path, module: 'product', method: 'POST', auth: 'access_token', body: 'json' },
    };
    return (await this.invoke(entry, body, options)) as WireResult<T>;
  }

  /** The key under which this app's token is stored. */
  get tokenKey(): string {
    return `wxshop:access_token:${this.options.tokenMode ?? 'token'}:${this.appid}:${this.baseUrl}`;
  }

  /**
   * Returns a valid access token: the cached one while it has more than the refresh margin left,
   * otherwise a new one. Concurrent callers share one refresh.
   */
  async getAccessToken(options: CallOptions = {}): Promise<string> {
    if (this.options.accessToken) return this.options.accessToken();
    const cached = await this.readCached();
    if (cached) return cached.token;
    return this.refreshAccessToken(undefined, options);
  }

  /**
   * Fetches a new token, unless another caller already replaced `stale`. Only one refresh per app
   * runs at a time in this process.
   */
  async refreshAccessToken(stale?: string, options: CallOptions = {}): Promise<string> {
    if (this.options.accessToken) return this.options.accessToken(stale);
    const key = this.tokenKey;
    const running = refreshing.get(key);
    if (running) {
      const shared = await running.work;
      // A client with its own store keeps a copy, so its next call does not fetch again.
      if (running.store !== this.store) await this.store.set(key, JSON.stringify(shared), Math.max(1, Math.floor((shared.expiresAt - Date.now()) / 1000)));
      return shared.token;
    }
    const work = (async (): Promise<CachedToken> => {
      const cached = await this.readCached();
      if (cached && cached.token !== stale) return cached;
      const fresh = await this.fetchToken(stale, options);
      // The platform documents at most 7200 s; a missing value is read as that.
      const lifetime = Number.isFinite(fresh.expires_in) && fresh.expires_in > 0 ? fresh.expires_in : 7200;
      const margin = this.options.refreshMarginSeconds ?? 300;
      // A stable token can come back with only 300 s left; half its lifetime keeps it in use a while.
      const usable = Math.max(lifetime - margin, lifetime / 2);
      const now = Date.now();
      const value: CachedToken = { token: fresh.access_token, expiresAt: now + lifetime * 1000, refreshAt: now + usable * 1000 };
      await this.store.set(key, JSON.stringify(value), lifetime);
      return value;
    })();
    refreshing.set(key, { work, store: this.store });
    try {
      return (await work).token;
    } finally {
      refreshing.delete(key);
    }
  }

  private async readCached(): Promise<CachedToken | undefined> {
    const raw = await this.store.get(this.tokenKey);
    if (!raw) return undefined;
    try {
      const value = JSON.parse(raw) as Partial<CachedToken>;
      const refreshAt = value.refreshAt ?? value.expiresAt;
      return typeof value.token === 'string' && typeof refreshAt === 'number' && refreshAt > Date.now() ? (value as CachedToken) : undefined;
    } catch {
      return undefined;
    }
  }

  private async fetchToken(stale: string | undefined, options: CallOptions): Promise<{ access_token: string; expires_in: number }> {
    const secret = this.options.secret ?? '';
    if (this.options.tokenMode === 'stable') {
      const request = { grant_type: 'client_credential', appid: this.appid, secret } as const;
      let answer = await this.token.stable(request, options);
      // A stable token stays the same while valid; force a new one only when that one was refused.
      if (stale !== undefined && answer.access_token === stale) answer = await this.token.stable({ ...request, force_refresh: true }, options);
      return answer;
    }
    return this.token.get({ grant_type: 'client_credential', appid: this.appid, secret }, options);
  }

  private async credential(entry: ContractEntry): Promise<{ name: string; value: string } | undefined> {
    if (entry.info.auth === 'access_token') return { name: 'access_token', value: await this.getAccessToken() };
    if (entry.info.auth === 'component_access_token') {
      if (!this.options.componentAccessToken) throw new TypeError(`${entry.contract.path} needs the componentAccessToken option`);
      return { name: 'component_access_token', value: await this.options.componentAccessToken() };
    }
    return undefined;
  }

  private async invoke(entry: ContractEntry, request: unknown, callOptions?: CallOptions): Promise<unknown> {
    const wire = toWire(entry.contract.request, request) as Record<string, unknown>;
    const query: Record<string, string> = {};
    const body: Record<string, unknown> = {};
    const queryFields = new Set(entry.info.body === 'none' ? Object.keys(wire) : (entry.contract.queryFields ?? []));
    for (const [name, value] of Object.entries(wire)) {
      if (value === undefined) continue;
      if (queryFields.has(name)) query[name] = String(value);
      else body[name] = value;
    }
    return this.send(entry, query, () => (entry.info.body === 'none' ? undefined : stringifyJson(body)), callOptions);
  }

  private async upload(entry: ContractEntry, request: ImageUploadRequest, callOptions?: CallOptions): Promise<unknown> {
    // The platform reads resp_type, upload_type and img_url from the query string or from form
    // fields. Every platform client accepts the query string, so they go there.
    const query: Record<string, string> = { resp_type: String(request.resp_type), upload_type: String(request.upload_type) };
    if (request.img_url !== undefined) query.img_url = request.img_url;
    const makeBody = () => {
      const form = new FormData();
      if (request.media !== undefined) {
        const blob = request.media instanceof Blob ? request.media : new Blob([request.media]);
        form.set('media', blob, request.filename ?? 'image.png');
      }
      return form;
    };
    return this.send(entry, query, makeBody, callOptions);
  }

  private async send(
    entry: ContractEntry,
    query: Record<string, string>,
    makeBody: () => string | FormData | undefined,
    callOptions: CallOptions = {},
  ): Promise<unknown> {
    const path = entry.contract.path;
    const maxRetries = callOptions.maxRetries ?? this.options.maxRetries ?? 2;
    let replayed = false;
    let attempt = 0;
    for (;;) {
      const credential = await this.credential(entry);
      const url = new URL(this.baseUrl + path);
      if (credential) url.searchParams.set(credential.name, credential.value);
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      let answer: Record<string, unknown>;
      try {
        answer = await this.exchange(url, entry, makeBody(), callOptions);
      } catch (error) {
        if (error instanceof WxShopTimeoutError || callOptions.signal?.aborted || attempt >= maxRetries || !isConnectionRefused(error)) throw error;
        await this.backoff(attempt++, callOptions.signal);
        continue;
      }
      const errcode = typeof answer.errcode === 'number' ? answer.errcode : 0;
      if (errcode === 0) return fromWire(entry.contract.response, answer);
      const errmsg = typeof answer.errmsg === 'string' ? answer.errmsg : '';
      if (CREDENTIAL_REPLAY.has(errcode) && credential?.name === 'access_token' && !replayed) {
        // The token expired or was superseded: get a newer one once and send the call again.
        replayed = true;
        await this.refreshAccessToken(credential.value, callOptions);
        continue;
      }
      if (explain(errcode)?.retry === 'backoff' && attempt < maxRetries) {
        await this.backoff(attempt++, callOptions.signal);
        continue;
      }
      throw errorFromResponse(errcode, errmsg, path);
    }
  }

  private async exchange(url: URL, entry: ContractEntry, body: string | FormData | undefined, callOptions: CallOptions): Promise<Record<string, unknown>> {
    const timeoutMs = callOptions.timeoutMs ?? this.options.timeoutMs ?? 15_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callOptions.signal ? AbortSignal.any([callOptions.signal, timeout]) : timeout;
    const path = entry.contract.path;
    let text: string;
    let status: number;
    try {
      const response = await this.fetchImpl(url, {
        method: entry.info.method,
        body,
        headers: typeof body === 'string' ? { 'content-type': 'application/json' } : undefined,
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (callOptions.signal?.aborted) throw callOptions.signal.reason;
      if (timeout.aborted) {
        throw new WxShopTimeoutError({
          errcode: -1,
          errmsg: `no response within ${timeoutMs} ms`,
          path,
          description: 'The call timed out; the platform may still have acted on it.',
          retry: 'no',
          cause: error,
        });
      }
      // A refused connection never reached the platform, so it is safe to send again. Any other
      // transport failure may have happened after the platform acted on the call.
      const refused = isConnectionRefused(error);
      throw new WxShopSystemError({
        errcode: -1,
        errmsg: `connection failed: ${connectionErrorCode(error) ?? (error as Error).message}`,
        path,
        description: refused ? 'The connection was refused; the call did not reach the platform.' : 'The connection failed; the platform may still have acted on the call.',
        retry: refused ? 'backoff' : 'no',
        cause: error,
      });
    }
    let parsed: unknown;
    try {
      parsed = parseJson(text);
    } catch (error) {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new WxShopSystemError({
        errcode: -1,
        errmsg: `HTTP ${status} with a body that is not a JSON object: ${text.slice(0, 200)}`,
        path,
        description: 'The response was not the platform envelope.',
      });
    }
    return parsed as Record<string, unknown>;
  }

  private async backoff(attempt: number, signal?: AbortSignal): Promise<void> {
    const base = this.options.retryBaseDelayMs ?? 200;
    const cap = this.options.retryMaxDelayMs ?? 5_000;
    const ceiling = Math.min(cap, base * 2 ** attempt);
    // Equal jitter: half the delay is fixed, half random, so retries of many callers spread out.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** True when the connection was refused, so the platform never saw the call: safe to send again. */
/** Returns the system error code (ECONNREFUSED, UND_ERR_SOCKET …) of a fetch failure, at any depth of its causes. */
function connectionErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function isConnectionRefused(error: unknown): boolean {
  return connectionErrorCode(error) === 'ECONNREFUSED';
}
