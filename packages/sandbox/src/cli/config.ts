import { readFileSync } from 'node:fs';
import { checkSettings, PushSettingsError, type PushSettingsInput } from '../push/service.js';

/** Settings of `wxshop serve`, after flags, environment and config file are merged. */
export interface ServeConfig {
  host: string;
  port: number;
  db: string;
  apps: { appid: string; secret: string; name?: string; push?: PushSettingsInput }[];
  adminKey?: string;
  logLevel: string;
  /** Redis URL for quota and frequency counters shared by several instances; unset keeps them in the database. */
  redis?: string;
  /** Prefix of the sandbox's Redis keys (default `wxshop:`). */
  redisPrefix?: string;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8930,
  db: 'wxshop.db',
  logLevel: 'info',
} as const;

/** Config file read from the working directory when --config is not given. */
export const DEFAULT_CONFIG_FILE = 'wxshop.config.json';

const CONFIG_KEYS = ['host', 'port', 'db', 'apps', 'adminKey', 'logLevel', 'redis', 'redisPrefix'] as const;
const ENV_KEYS: Record<string, (typeof CONFIG_KEYS)[number]> = {
  WXSHOP_HOST: 'host',
  WXSHOP_PORT: 'port',
  WXSHOP_DB: 'db',
  WXSHOP_APPS: 'apps',
  WXSHOP_ADMIN_KEY: 'adminKey',
  WXSHOP_LOG_LEVEL: 'logLevel',
  WXSHOP_REDIS: 'redis',
  WXSHOP_REDIS_PREFIX: 'redisPrefix',
};

export class ConfigError extends Error {}

/** Parses `APPID:SECRET`. */
export function parseAppSpec(spec: string): { appid: string; secret: string } {
  const separator = spec.indexOf(':');
  if (separator <= 0 || separator === spec.length - 1) {
    throw new ConfigError(`Invalid app "${spec}": expected APPID:SECRET, e.g. wx1234567890abcdef:0123456789abcdef0123456789abcdef`);
  }
  return { appid: spec.slice(0, separator), secret: spec.slice(separator + 1) };
}

function readPort(value: unknown, source: string): number {
  const port = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`Invalid port ${String(value)} in ${source}: expected 0–65535`);
  return port;
}

/** Reads wxshop.config.json; unknown keys are rejected with the list of valid ones. */
export function readConfigFile(path: string): Partial<ServeConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`Config file ${path} must hold a JSON object`);
  const input = parsed as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new ConfigError(`Unknown keys in ${path}: ${unknown.join(', ')}. Valid keys: ${CONFIG_KEYS.join(', ')}`);

  const config: Partial<ServeConfig> = {};
  if (input.host !== undefined) config.host = String(input.host);
  if (input.port !== undefined) config.port = readPort(input.port, path);
  if (input.db !== undefined) config.db = String(input.db);
  if (input.adminKey !== undefined) config.adminKey = String(input.adminKey);
  if (input.logLevel !== undefined) config.logLevel = String(input.logLevel);
  if (input.redis !== undefined) config.redis = String(input.redis);
  if (input.redisPrefix !== undefined) config.redisPrefix = String(input.redisPrefix);
  if (input.apps !== undefined) {
    if (!Array.isArray(input.apps)) throw new ConfigError(`"apps" in ${path} must be an array`);
    config.apps = input.apps.map((item) => {
      if (typeof item === 'string') return parseAppSpec(item);
      const app = item as Record<string, unknown>;
      if (typeof app?.appid !== 'string' || typeof app.secret !== 'string') throw new ConfigError(`Each app in ${path} needs "appid" and "secret" strings`);
      const allowed = ['appid', 'secret', 'name', 'push'];
      const extra = Object.keys(app).filter((key) => !allowed.includes(key));
      if (extra.length > 0) throw new ConfigError(`Unknown app keys in ${path}: ${extra.join(', ')}. Valid keys: ${allowed.join(', ')}`);
      return {
        appid: app.appid,
        secret: app.secret,
        ...(typeof app.name === 'string' ? { name: app.name } : {}),
        ...(app.push !== undefined ? { push: readPushSettings(app.push, `${path} (app ${app.appid})`) } : {}),
      };
    });
  }
  return config;
}

const PUSH_KEYS = ['url', 'token', 'encoding_aes_key', 'format', 'mode'];

/** Reads an app's `push` object: url, token, encoding_aes_key, format (json|xml), mode. */
function readPushSettings(value: unknown, source: string): PushSettingsInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`"push" in ${source} must be an object`);
  const input = value as Record<string, unknown>;
  const extra = Object.keys(input).filter((key) => !PUSH_KEYS.includes(key));
  if (extra.length > 0) throw new ConfigError(`Unknown push keys in ${source}: ${extra.join(', ')}. Valid keys: ${PUSH_KEYS.join(', ')}`);
  if (!PUSH_KEYS.every((key) => input[key] === undefined || typeof input[key] === 'string')) throw new ConfigError(`Every push setting in ${source} must be a string`);
  const settings = {
    url: (input.url as string | undefined) ?? '',
    token: (input.token as string | undefined) ?? '',
    encoding_aes_key: (input.encoding_aes_key as string | undefined) ?? '',
    format: (input.format ?? 'json') as PushSettingsInput['format'],
    mode: (input.mode ?? 'plaintext') as PushSettingsInput['mode'],
  };
  try {
    checkSettings(settings);
  } catch (error) {
    if (error instanceof PushSettingsError) throw new ConfigError(`Invalid push settings in ${source}: ${error.message}`);
    throw error;
  }
  return settings;
}

/** Reads WXSHOP_* variables; an unknown WXSHOP_ variable is rejected. */
export function readEnvironment(env: NodeJS.ProcessEnv): Partial<ServeConfig> {
  const config: Partial<ServeConfig> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('WXSHOP_') || value === undefined) continue;
    if (name === 'WXSHOP_LANG' || name.startsWith('WXSHOP_TEST_')) continue;
    const key = ENV_KEYS[name];
    if (!key) throw new ConfigError(`Unknown environment variable ${name}. Valid: ${[...Object.keys(ENV_KEYS), 'WXSHOP_LANG'].join(', ')}`);
    if (key === 'port') config.port = readPort(value, name);
    else if (key === 'apps') config.apps = value.split(',').filter(Boolean).map(parseAppSpec);
    else config[key] = value;
  }
  return config;
}

/** Merges the sources: flags over environment over config file over defaults. */
export function mergeConfig(...sources: Partial<ServeConfig>[]): ServeConfig {
  const merged: ServeConfig = { ...DEFAULTS, apps: [] };
  for (const source of sources.reverse()) {
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}
