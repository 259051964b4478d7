import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, dropPostgresSchema, type Sandbox } from '@wxshop/sandbox';
import { WxShopClient, WxShopNotFoundError, type WxShopClientOptions } from '@wxshop/client';

/** Which database the sandbox under test uses: `sqlite` (default) or `postgres`, from WXSHOP_TEST_DB. */
export const TEST_DB = process.env.WXSHOP_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
const TEST_PG_URL = process.env.WXSHOP_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const APPID = 'wx00000000000000c1';
export const SECRET = 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1';

export interface RunningSandbox {
  sandbox: Sandbox;
  url: string;
  close(): Promise<void>;
}

let counter = 0;

/** Starts a sandbox with one app on a fresh database, listening on 127.0.0.1 on a free port. */
export async function startSandbox(): Promise<RunningSandbox> {
  counter++;
  let dbUrl: string;
  let cleanup: () => Promise<void>;
  if (TEST_DB === 'postgres') {
    const schema = `wxshop_client_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
    dbUrl = `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
    cleanup = () => dropPostgresSchema(TEST_PG_URL, schema);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'wxshop-client-'));
    dbUrl = join(dir, 'sandbox.db');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const sandbox = await createSandbox({ storage: { url: dbUrl }, apps: [{ appid: APPID, secret: SECRET }], backgroundIntervalMs: 0 });
  const url = await sandbox.listen('127.0.0.1', 0);
  return {
    sandbox,
    url,
    async close() {
      await sandbox.close();
      await cleanup();
    },
  };
}

export function makeClient(url: string, options: Partial<WxShopClientOptions> = {}): WxShopClient {
  return new WxShopClient({ appid: APPID, secret: SECRET, baseUrl: url, retryBaseDelayMs: 5, ...options });
}

/** Calls the admin API of the sandbox. */
export async function admin(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(new URL(`/_sandbox/v1${path}`, url), {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

/**
 * Runs a call, and reports `undefined` when the sandbox on this branch does not serve its path
 * yet (40066), so the test can skip itself until the module lands.
 */
export async function served<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WxShopNotFoundError && error.errcode === 40066) return undefined;
    throw error;
  }
}

/** Builds the skip message for a path the sandbox does not serve yet. */
export function notServed(path: string): string {
  return `the sandbox answers 40066 for ${path}: its module is not merged yet`;
}

/** A 1×1 transparent PNG. */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
