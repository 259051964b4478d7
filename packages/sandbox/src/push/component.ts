import { parseJson, stringifyJson, type JsonValue } from '@wxshop/api';
import type { Kysely } from 'kysely';
import type { Executor } from '../modules/app/store.js';
import type { Database } from '../storage/schema.js';
import { encrypt, isEncodingAesKey, sign } from './crypto.js';
import { notifyEnqueued } from './outbox.js';
import { toXml, type RenderedPush } from './render.js';

/**
 * Pushes to a third-party platform's authorization-event URL: component_verify_ticket every
 * 10 minutes. Unlike a mini program's message push they have no format or mode to choose: the
 * body is always XML and always encrypted (secure mode) with the platform's token and
 * EncodingAESKey, and the appid inside the ciphertext is the component_appid.
 *
 * They share the outbox, the delivery worker and the delivery log with the mini programs' pushes.
 * Their rows carry `component:<component_appid>` in the appid column, a key no mini program has.
 */
export const COMPONENT_KEY_PREFIX = 'component:';

export function componentKey(componentAppid: string): string {
  return `${COMPONENT_KEY_PREFIX}${componentAppid}`;
}

/** Returns the component_appid of an outbox key, or undefined for a mini program's key. */
export function componentOfKey(key: string): string | undefined {
  return key.startsWith(COMPONENT_KEY_PREFIX) ? key.slice(COMPONENT_KEY_PREFIX.length) : undefined;
}

export interface ComponentPushSettings {
  component_appid: string;
  url: string;
  token: string;
  encoding_aes_key: string;
  updated_at: number;
}

export interface ComponentPushInput {
  url: string;
  token: string;
  encoding_aes_key: string;
}

export class ComponentPushSettingsError extends Error {}

/** Checks the settings as the open platform's console does: an http(s) URL, a 3–32 character token, a 43-character key. */
export function checkComponentSettings(input: ComponentPushInput): void {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new ComponentPushSettingsError(`url "${input.url}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ComponentPushSettingsError('url must start with http:// or https://');
  if (!/^[A-Za-z0-9]{3,32}$/.test(input.token)) throw new ComponentPushSettingsError('token must be 3 to 32 letters or digits');
  if (!isEncodingAesKey(input.encoding_aes_key)) {
    throw new ComponentPushSettingsError('encoding_aes_key must be 43 letters or digits (base64 of a 32-byte key); pushes to a third-party platform are always encrypted');
  }
}

export async function findComponentSettings(db: Executor, componentAppid: string): Promise<ComponentPushSettings | undefined> {
  const row = await db.selectFrom('component_push_settings').selectAll().where('component_appid', '=', componentAppid).executeTakeFirst();
  return row ? { ...row, updated_at: Number(row.updated_at) } : undefined;
}

export async function saveComponentSettings(db: Kysely<Database>, settings: ComponentPushSettings): Promise<void> {
  const { component_appid, ...rest } = settings;
  await db
    .insertInto('component_push_settings')
    .values(settings)
    .onConflict((c) => c.column('component_appid').doUpdateSet(rest))
    .execute();
}

export async function deleteComponentSettings(db: Kysely<Database>, componentAppid: string): Promise<boolean> {
  const result = await db.deleteFrom('component_push_settings').where('component_appid', '=', componentAppid).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Adds a push for a third-party platform to the outbox inside the caller's transaction: the
 * message is `AppId`, `CreateTime`, `InfoType`, then the fields of the info type. Returns the
 * event's id.
 */
export async function enqueueComponentInfo(db: Executor, componentAppid: string, infoType: string, fields: Record<string, string | number>, now: number): Promise<number> {
  const payload = stringifyJson({ AppId: componentAppid, CreateTime: Math.floor(now / 1000), InfoType: infoType, ...fields });
  const row = await db
    .insertInto('outbox')
    .values({ appid: componentKey(componentAppid), event: infoType, payload, created_at: now, state: 'pending' })
    .returning('id')
    .executeTakeFirstOrThrow();
  notifyEnqueued();
  return Number(row.id);
}

/**
 * Renders one push to the authorization-event URL: the XML message encrypted for the
 * component_appid, in an envelope of `AppId` and `Encrypt`, with `signature`, `timestamp`,
 * `nonce`, `encrypt_type=aes` and `msg_signature` in the query string.
 */
export function renderComponentPush(settings: ComponentPushSettings, payload: string, timestamp: string, nonce: string): RenderedPush {
  const message = parseJson(payload) as { [key: string]: JsonValue };
  const encrypted = encrypt(settings.encoding_aes_key, settings.component_appid, toXml(message));
  const url = new URL(settings.url);
  url.searchParams.set('signature', sign(settings.token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('encrypt_type', 'aes');
  url.searchParams.set('msg_signature', sign(settings.token, timestamp, nonce, encrypted));
  return { url: url.toString(), body: toXml({ AppId: settings.component_appid, Encrypt: encrypted }), contentType: 'text/xml' };
}
