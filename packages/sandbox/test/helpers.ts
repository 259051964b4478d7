import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson, type JsonValue } from '@wxshop/api';
import { createSandbox, dropPostgresSchema, type Sandbox, type SandboxOptions } from '@wxshop/sandbox';

/** Which database the suite runs on: `sqlite` (default) or `postgres`, from WXSHOP_TEST_DB. */
export const TEST_DB = process.env.WXSHOP_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_PG_URL = process.env.WXSHOP_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const APPID = 'wx00000000000000a1';
export const SECRET = '0123456789abcdef0123456789abcdef';

let counter = 0;

export interface TestSandbox {
  sandbox: Sandbox;
  url: string;
  /** The database URL the sandbox uses (a SQLite file or a PostgreSQL URL with its schema). */
  dbUrl: string;
  close(): Promise<void>;
}

/**
 * Starts a sandbox on a fresh database (a temporary SQLite file, or a new PostgreSQL schema)
 * listening on a real socket on 127.0.0.1, with one declared app. Background work is off so
 * tests decide when audits run, through the admin clock.
 */
export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  counter++;
  let dbUrl: string;
  let cleanup: () => Promise<void>;
  if (TEST_DB === 'postgres') {
    const schema = `wxshop_test_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
    dbUrl = `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
    cleanup = () => dropPostgresSchema(TEST_PG_URL, schema);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'wxshop-test-'));
    dbUrl = join(dir, 'sandbox.db');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox({
      storage: { url: dbUrl },
      apps: [{ appid: APPID, secret: SECRET }],
      backgroundIntervalMs: 0,
      ...options,
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const url = await sandbox.listen('127.0.0.1', 0);
  return {
    sandbox,
    url,
    dbUrl,
    async close() {
      await sandbox.close();
      await cleanup();
    },
  };
}

export interface WireResponse {
  status: number;
  contentType: string | null;
  text: string;
  /** The body parsed losslessly: 64-bit integers beyond 2^53 are bigints. */
  json: Record<string, JsonValue>;
}

export interface CallOptions {
  token?: string;
  method?: string;
  /** Extra query parameters. */
  query?: Record<string, string>;
  /** A raw body sent as is, in place of the JSON-encoded `body`. */
  raw?: string | Buffer | FormData;
  headers?: Record<string, string>;
}

/** Calls a wire path over HTTP and parses the response. */
export async function call(baseUrl: string, path: string, body: unknown, options: CallOptions = {}): Promise<WireResponse> {
  const url = new URL(path, baseUrl);
  if (options.token !== undefined) url.searchParams.set('access_token', options.token);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const method = options.method ?? 'POST';
  let payload: string | Buffer | FormData | undefined;
  if (method !== 'GET' && method !== 'HEAD') payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await fetch(url, {
    method,
    body: payload,
    headers: payload === undefined || payload instanceof FormData ? options.headers : { 'content-type': 'application/json', ...options.headers },
  });
  const text = await response.text();
  let json: Record<string, JsonValue> = {};
  try {
    json = parseJson(text) as Record<string, JsonValue>;
  } catch {
    // Left empty: the test's own assertions report the unparsable text.
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json };
}

/** Fetches an access token for the declared test app. */
export async function getToken(baseUrl: string, appid = APPID, secret = SECRET): Promise<string> {
  const response = await call(baseUrl, `/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`, undefined, { method: 'GET' });
  const token = response.json.access_token;
  if (typeof token !== 'string') throw new Error(`token request failed: ${response.text}`);
  return token;
}

/** Calls the admin API and returns the parsed JSON (throws on a non-2xx status unless allowed). */
export async function admin(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(new URL(`/_sandbox/v1${path}`, baseUrl), {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

/** The rid pattern the platform appends to every error message. */
export const RID_SUFFIX = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

/** Uploads a small PNG and returns its link (resp_type 1). */
export async function uploadImage(baseUrl: string, token: string): Promise<string> {
  const form = new FormData();
  form.set('media', new Blob([PNG_BYTES], { type: 'image/png' }), 'pixel.png');
  const response = await call(baseUrl, '/shop/img/upload', undefined, { token, raw: form, query: { resp_type: '1', upload_type: '0' } });
  const info = response.json.img_info as Record<string, string> | undefined;
  if (!info?.temp_img_url) throw new Error(`upload failed: ${response.text}`);
  return info.temp_img_url;
}

/** A 1×1 transparent PNG. */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Builds a valid spu/add body in category 380001 (no qualification) with no brand. */
export function productBody(outProductId: string, image: string, overrides: Record<string, unknown> = {}) {
  return {
    out_product_id: outProductId,
    title: '儿童益智积木套装',
    path: `pages/goods/detail?id=${outProductId}`,
    head_img: [image],
    desc_info: { desc: '一百块彩色积木', imgs: [image] },
    third_cat_id: 380001,
    brand_id: 2100000000,
    info_version: '1',
    skus: [
      {
        out_product_id: outProductId,
        out_sku_id: `${outProductId}-S1`,
        thumb_img: image,
        sale_price: 5900,
        market_price: 7900,
        stock_num: 100,
        sku_attrs: [{ attr_key: '规格', attr_value: '100块' }],
      },
    ],
    ...overrides,
  };
}

/** Removes a temporary directory created by a test. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'wxshop-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Reads the sandbox clock through the admin API, in unix milliseconds. */
export async function clockNow(url: string): Promise<number> {
  const response = await admin(url, 'GET', '/clock');
  assert.equal(response.status, 200);
  return response.json.now_ms as number;
}

/** Moves the sandbox clock forward through the admin API; due audits are decided on the way. */
export async function advanceClock(url: string, seconds: number): Promise<void> {
  const response = await admin(url, 'POST', '/clock/advance', { seconds });
  assert.equal(response.status, 200, JSON.stringify(response.json));
}
