import { parseJson, type JsonValue } from '@wxshop/api';
import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../admin/router.js';
import { requireApp } from '../modules/app/admin.js';
import { addAppWords, builtInWords, listAppWords, MAX_APP_WORDS, MAX_WORD_LENGTH, removeAppWords } from '../platform/content-security.js';
import type { Services } from '../services.js';
import { EVENT_SPECS, eventSpec } from './events.js';
import { enqueueEvent } from './outbox.js';
import { normalizeMessage } from './render.js';
import { PushSettingsError, type PushSettingsInput } from './service.js';
import { findEvent, listDeliveries, listEvents, requeueEvent, type DeliveryRow, type OutboxRow, type PushSettings } from './store.js';

const SETTING_KEYS = ['url', 'token', 'encoding_aes_key', 'format', 'mode', 'skip_verify'];
const EVENT_STATES = ['pending', 'delivering', 'delivered', 'failed', 'not_configured'];

function settingsView(settings: PushSettings) {
  return {
    url: settings.url,
    token: settings.token,
    encoding_aes_key: settings.encoding_aes_key,
    format: settings.format,
    mode: settings.mode,
    verified_at: settings.verified_at,
    updated_at: settings.updated_at,
  };
}

/** Ids beyond 2^53 go out as strings: the admin API is read by JavaScript. */
function plain(value: JsonValue): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? item.toString() : item)));
}

/** Reads a stored outbox payload for the admin API: exact ids, the 64-bit ones as strings. */
export function storedPayloadView(payload: string): unknown {
  return plain(parseJson(payload));
}

function eventView(row: OutboxRow) {
  return {
    id: row.id,
    event: row.event,
    state: row.state,
    attempts: row.attempts,
    created_at: row.created_at,
    delivered_at: row.delivered_at,
    message: plain(normalizeMessage(parseJson(row.payload) as { [key: string]: JsonValue })),
  };
}

function deliveryView(row: DeliveryRow) {
  return { ...row };
}

function readLimit(value: string | undefined): number {
  const limit = value === undefined ? 100 : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AdminError(400, 'invalid_limit', 'limit must be an integer from 1 to 1000');
  return limit;
}

function readEventId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1) throw new AdminError(400, 'invalid_event_id', 'The event id must be a positive integer');
  return id;
}

function readWords(body: Record<string, unknown>): string[] {
  const words = body.words;
  if (!Array.isArray(words) || words.length === 0 || !words.every((word) => typeof word === 'string' && word.trim() !== '')) {
    throw new AdminError(400, 'invalid_words', 'words must be a non-empty array of non-empty strings');
  }
  if (words.some((word) => (word as string).length > MAX_WORD_LENGTH)) {
    throw new AdminError(400, 'invalid_words', `Each word may have at most ${MAX_WORD_LENGTH} characters`);
  }
  return [...new Set((words as string[]).map((word) => word.trim()))];
}

// A field name must be usable as an XML element name.
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Finds the first field name, at any depth, that cannot be an XML element name. */
function badFieldName(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const bad = badFieldName(item);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (!FIELD_NAME.test(key)) return key;
    const bad = badFieldName(item);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** Admin routes of message push and content security. */
export function registerPushAdmin(admin: FastifyInstance, services: Services): void {
  const push = services.push;

  admin.get<{ Params: { appid: string } }>('/apps/:appid/push', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const settings = await push.getSettings(app.appid);
    return { push: settings ? settingsView(settings) : null };
  });

  // Saves the message push settings; like the MP console, only after the URL echoes echostr.
  admin.put<{ Params: { appid: string } }>('/apps/:appid/push', async (request, reply) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const unknown = Object.keys(body).filter((key) => !SETTING_KEYS.includes(key));
    if (unknown.length > 0) throw new AdminError(400, 'unknown_setting', `Unknown push settings ${unknown.join(', ')}; valid: ${SETTING_KEYS.join(', ')}`);
    for (const key of ['url', 'token', 'encoding_aes_key', 'format', 'mode']) {
      if (body[key] !== undefined && typeof body[key] !== 'string') throw new AdminError(400, `invalid_${key}`, `${key} must be a string`);
    }
    if (body.skip_verify !== undefined && typeof body.skip_verify !== 'boolean') throw new AdminError(400, 'invalid_skip_verify', 'skip_verify must be a boolean');
    if (typeof body.url !== 'string' || typeof body.token !== 'string') throw new AdminError(400, 'missing_setting', 'url and token are required');
    const input: PushSettingsInput = {
      url: body.url,
      token: body.token,
      encoding_aes_key: (body.encoding_aes_key as string | undefined) ?? '',
      format: ((body.format as string | undefined) ?? 'json') as PushSettingsInput['format'],
      mode: ((body.mode as string | undefined) ?? 'plaintext') as PushSettingsInput['mode'],
    };
    try {
      const result = await push.setSettings(app.appid, input, body.skip_verify !== true);
      if (!result.settings) {
        return reply.code(422).send({
          error: { code: 'verification_failed', message: `The URL did not pass the echostr check: ${result.verification?.error}` },
          verification: result.verification,
        });
      }
      return { push: settingsView(result.settings), verification: result.verification ?? null };
    } catch (error) {
      if (error instanceof PushSettingsError) throw new AdminError(400, 'invalid_push_settings', error.message);
      throw error;
    }
  });

  admin.delete<{ Params: { appid: string } }>('/apps/:appid/push', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { deleted: await push.deleteSettings(app.appid) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/push/verify', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const result = await push.verify(app.appid);
    if (!result) throw new AdminError(409, 'push_not_configured', `App ${app.appid} has no push settings`);
    return { verification: result };
  });

  admin.get<{ Params: { appid: string }; Querystring: { state?: string; event?: string; limit?: string; before_id?: string } }>('/apps/:appid/push/events', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const { state, event } = request.query;
    if (state !== undefined && !EVENT_STATES.includes(state)) throw new AdminError(400, 'invalid_state', `state must be one of ${EVENT_STATES.join(', ')}`);
    const beforeId = request.query.before_id === undefined ? undefined : readEventId(request.query.before_id);
    const rows = await listEvents(services.storage.db, app.appid, { state, event, limit: readLimit(request.query.limit), beforeId });
    return { events: rows.map(eventView) };
  });

  // Enqueues an event of any catalogued type, as a test push of the merchant's handler.
  admin.post<{ Params: { appid: string } }>('/apps/:appid/push/events', async (request, reply) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    if (typeof body.event !== 'string' || body.event === '') throw new AdminError(400, 'invalid_event', 'event must be an event name');
    const spec = eventSpec(body.event);
    const element = body.element === undefined ? spec?.element : body.element;
    if (element === undefined) throw new AdminError(400, 'unknown_event', `Unknown event ${body.event}; give "element" too, or use one of ${Object.keys(EVENT_SPECS).join(', ')}`);
    if (element !== null && typeof element !== 'string') throw new AdminError(400, 'invalid_element', 'element must be a string or null');
    const fields = body.fields ?? {};
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new AdminError(400, 'invalid_fields', 'fields must be an object');
    const badName = badFieldName(fields) ?? (typeof element === 'string' && !FIELD_NAME.test(element) ? element : undefined);
    if (badName !== undefined) throw new AdminError(400, 'invalid_fields', `"${badName}" cannot be an XML element name: use letters, digits, _, . and -`);
    if (body.from_user_name !== undefined && typeof body.from_user_name !== 'string') throw new AdminError(400, 'invalid_from_user_name', 'from_user_name must be a string');
    const now = services.clock.now();
    const id = await enqueueEvent(services.storage.db, app, body.event, element, fields as Record<string, unknown>, now, {
      fromUserName: body.from_user_name as string | undefined,
    });
    const row = await findEvent(services.storage.db, app.appid, id);
    return reply.code(201).send({ event: eventView(row!) });
  });

  admin.get<{ Params: { appid: string; id: string } }>('/apps/:appid/push/events/:id', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const id = readEventId(request.params.id);
    const row = await findEvent(services.storage.db, app.appid, id);
    if (!row) throw new AdminError(404, 'event_not_found', `No event ${id} for app ${app.appid}`);
    const deliveries = await listDeliveries(services.storage.db, app.appid, { eventId: id, limit: 1000 });
    return { event: eventView(row), deliveries: deliveries.reverse().map(deliveryView) };
  });

  // Sends an event again, with a fresh round of attempts, and returns once they are made.
  admin.post<{ Params: { appid: string; id: string } }>('/apps/:appid/push/events/:id/redeliver', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const id = readEventId(request.params.id);
    if (!(await findEvent(services.storage.db, app.appid, id))) throw new AdminError(404, 'event_not_found', `No event ${id} for app ${app.appid}`);
    if (!(await push.getSettings(app.appid))) throw new AdminError(409, 'push_not_configured', `App ${app.appid} has no push settings`);
    if (!(await requeueEvent(services.storage.db, app.appid, id, Date.now()))) {
      throw new AdminError(409, 'event_delivering', 'The event is being delivered right now; try again when the attempts end');
    }
    await push.deliverOne(id);
    const row = await findEvent(services.storage.db, app.appid, id);
    const deliveries = await listDeliveries(services.storage.db, app.appid, { eventId: id, limit: 1000 });
    return { event: eventView(row!), deliveries: deliveries.reverse().map(deliveryView) };
  });

  admin.get<{ Params: { appid: string }; Querystring: { limit?: string; event_id?: string } }>('/apps/:appid/push/deliveries', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const eventId = request.query.event_id === undefined ? undefined : readEventId(request.query.event_id);
    const rows = await listDeliveries(services.storage.db, app.appid, { eventId, limit: readLimit(request.query.limit) });
    return { deliveries: rows.map(deliveryView) };
  });

  // Delivers every pending event now instead of at the next tick, and returns when done.
  admin.post('/push/run', async () => ({ events_handled: await push.drain() }));

  admin.get('/content-security/words', async () => ({ words: builtInWords() }));

  admin.get<{ Params: { appid: string } }>('/apps/:appid/content-security/words', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { words: await listAppWords(services.storage.db, app.appid) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/content-security/words', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const words = readWords(adminBody(request));
    const existing = await listAppWords(services.storage.db, app.appid);
    if (new Set([...existing, ...words]).size > MAX_APP_WORDS) throw new AdminError(400, 'too_many_words', `An app may add at most ${MAX_APP_WORDS} words`);
    await addAppWords(services.storage.db, app.appid, words, services.clock.now());
    return { words: await listAppWords(services.storage.db, app.appid) };
  });

  admin.delete<{ Params: { appid: string } }>('/apps/:appid/content-security/words', async (request) => {
    const app = await requireApp(services, request.params.appid);
    await removeAppWords(services.storage.db, app.appid, readWords(adminBody(request)));
    return { words: await listAppWords(services.storage.db, app.appid) };
  });
}
