import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseJson, type JsonValue } from '@wxshop/api';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SandboxClock } from '../platform/clock.js';
import type { Dialect } from '../storage/database.js';
import type { Database } from '../storage/schema.js';
import { createNonce, decrypt, isEncodingAesKey, sign } from './crypto.js';
import { eventSpec } from './events.js';
import {
  checkComponentSettings,
  componentOfKey,
  deleteComponentSettings,
  findComponentSettings,
  renderComponentPush,
  saveComponentSettings,
  type ComponentPushInput,
  type ComponentPushSettings,
} from './component.js';
import { eventPayload, onEnqueue } from './outbox.js';
import { renderPush, type PushFormat, type PushMode, type PushTarget, type RenderedPush } from './render.js';
import {
  claimEvents,
  deleteSettings,
  findSettings,
  insertClaimedEvent,
  recordDelivery,
  releaseEvent,
  saveSettings,
  skipWaitingEvents,
  takeAttempt,
  type OutboxRow,
  type PushSettings,
} from './store.js';

/**
 * Attempts per event: the first delivery and two retries (WeChat message push rule).
 * NOTE: retries follow a failed attempt at once; the platform's pause between them is not documented.
 */
export const MAX_ATTEMPTS = 3;
/** The platform waits 5 s for the merchant's reply before it gives up on an attempt. */
export const ATTEMPT_TIMEOUT_MS = 5000;
/** How long a claim lasts: every attempt of the event plus a margin, in wall-clock ms. */
const LEASE_MS = MAX_ATTEMPTS * ATTEMPT_TIMEOUT_MS + 15_000;
/** Events one instance delivers at the same time. */
const BATCH_SIZE = 16;
/** Deliveries of one outbox key (an app or a third-party platform) running at once. */
const PER_KEY_IN_FLIGHT = 4;
/** Reply bodies are kept up to this many characters in the delivery log. */
const MAX_LOGGED_REPLY = 4096;

export const PUSH_FORMATS: readonly PushFormat[] = ['json', 'xml'];
export const PUSH_MODES: readonly PushMode[] = ['plaintext', 'compatible', 'secure'];

export interface PushSettingsInput {
  url: string;
  token: string;
  encoding_aes_key?: string;
  format: PushFormat;
  mode: PushMode;
}

export class PushSettingsError extends Error {}

/** The outcome of one HTTP attempt. */
export interface AttemptResult {
  delivered: boolean;
  http_status: number | null;
  response_body: string;
  error: string;
}

/** A reply the caller reads: `reply` is the merchant's answer, decrypted when it was encrypted. */
export interface ReplyResult extends AttemptResult {
  reply: string;
}

/** Result of the URL verification handshake. */
export interface VerifyResult extends AttemptResult {
  url: string;
}

type JsonObject = { [key: string]: JsonValue };

/** The destination of one outbox event: a mini program's message push URL or a platform's authorization-event URL. */
interface DeliveryTarget {
  mode: PushMode;
  format: PushFormat;
  /** True when an empty reply counts as `success` (message push). The authorization-event URL must reply `success`. */
  acceptsEmpty: boolean;
  render(payload: string, timestamp: string, nonce: string): RenderedPush;
}

function appTarget(settings: PushSettings): DeliveryTarget {
  return {
    mode: settings.mode,
    format: settings.format,
    acceptsEmpty: true,
    render: (payload, timestamp, nonce) => renderPush(settings, parseJson(payload) as JsonObject, timestamp, nonce),
  };
}

function componentTarget(settings: ComponentPushSettings): DeliveryTarget {
  return { mode: 'secure', format: 'xml', acceptsEmpty: false, render: (payload, timestamp, nonce) => renderComponentPush(settings, payload, timestamp, nonce) };
}

/** Checks push settings the way the MP console does before it saves them. */
export function checkSettings(input: PushSettingsInput): void {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new PushSettingsError(`url "${input.url}" is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PushSettingsError('url must start with http:// or https://');
  // The MP console requires 3 to 32 letters or digits.
  if (!/^[A-Za-z0-9]{3,32}$/.test(input.token)) throw new PushSettingsError('token must be 3 to 32 letters or digits');
  if (!PUSH_FORMATS.includes(input.format)) throw new PushSettingsError(`format must be one of ${PUSH_FORMATS.join(', ')}`);
  if (!PUSH_MODES.includes(input.mode)) throw new PushSettingsError(`mode must be one of ${PUSH_MODES.join(', ')}`);
  const key = input.encoding_aes_key ?? '';
  if (input.mode !== 'plaintext' || key !== '') {
    if (!isEncodingAesKey(key)) throw new PushSettingsError('encoding_aes_key must be 43 letters or digits (base64 of a 32-byte key)');
  }
}

/**
 * The push worker: delivers outbox events to each app's message push URL, signed and encrypted
 * as the app's settings specify, and to third-party platforms' authorization-event URLs, with
 * the platform's three attempts, and logs every attempt.
 * Several instances on one database share the work: an event is claimed before delivery and
 * each attempt number is taken atomically, so every attempt is made by exactly one instance.
 */
export class PushService {
  readonly instance = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private draining: Promise<number> | undefined;
  private again = false;
  // Wakes a drain that waits for a running delivery, so it claims events enqueued meanwhile.
  private wake: (() => void) | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly clock: SandboxClock,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = onEnqueue(() => this.kick());
  }

  getSettings(appid: string): Promise<PushSettings | undefined> {
    return findSettings(this.db, appid);
  }

  /** Saves the settings; with `verify`, only after the URL passes the echostr handshake. */
  async setSettings(appid: string, input: PushSettingsInput, verify: boolean): Promise<{ settings?: PushSettings; verification?: VerifyResult }> {
    checkSettings(input);
    const target: PushTarget = { appid, ...input, encoding_aes_key: input.encoding_aes_key ?? '' };
    let verification: VerifyResult | undefined;
    if (verify) {
      verification = await this.handshake(target);
      if (!verification.delivered) return { verification };
    }
    const now = this.clock.now();
    const settings: PushSettings = { ...target, verified_at: verification ? now : null, updated_at: now };
    if (!(await findSettings(this.db, appid))) await skipWaitingEvents(this.db, appid);
    await saveSettings(this.db, settings);
    this.logger.info({ appid, format: input.format, mode: input.mode, verified: verify }, 'push settings saved');
    return { settings, verification };
  }

  deleteSettings(appid: string): Promise<boolean> {
    return deleteSettings(this.db, appid);
  }

  getComponentSettings(componentAppid: string): Promise<ComponentPushSettings | undefined> {
    return findComponentSettings(this.db, componentAppid);
  }

  /** Saves a third-party platform's authorization-event URL, token and EncodingAESKey. */
  async setComponentSettings(componentAppid: string, input: ComponentPushInput): Promise<ComponentPushSettings> {
    checkComponentSettings(input);
    const settings: ComponentPushSettings = { component_appid: componentAppid, ...input, updated_at: this.clock.now() };
    await saveComponentSettings(this.db, settings);
    this.logger.info({ component_appid: componentAppid }, 'third-party platform push settings saved');
    return settings;
  }

  deleteComponentSettings(componentAppid: string): Promise<boolean> {
    return deleteComponentSettings(this.db, componentAppid);
  }

  /** Finds where an outbox key's events go: a platform's URL for `component:<appid>`, else the app's. */
  private async targetOf(key: string): Promise<DeliveryTarget | undefined> {
    const componentAppid = componentOfKey(key);
    if (componentAppid !== undefined) {
      const settings = await findComponentSettings(this.db, componentAppid);
      return settings ? componentTarget(settings) : undefined;
    }
    const settings = await findSettings(this.db, key);
    return settings ? appTarget(settings) : undefined;
  }

  /** Runs the echostr handshake against the app's saved URL and records a success. */
  async verify(appid: string): Promise<VerifyResult | undefined> {
    const settings = await findSettings(this.db, appid);
    if (!settings) return undefined;
    const result = await this.handshake(settings);
    if (result.delivered) await saveSettings(this.db, { ...settings, verified_at: this.clock.now() });
    return result;
  }

  /**
   * The URL verification of the MP console: GET with signature, timestamp, nonce and echostr;
   * the merchant proves it has the token by echoing echostr unchanged.
   */
  private async handshake(target: PushTarget): Promise<VerifyResult> {
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    const nonce = createNonce();
    const echostr = `${BigInt(`0x${randomBytes(8).toString('hex')}`)}`;
    const url = new URL(target.url);
    url.searchParams.set('signature', sign(target.token, timestamp, nonce));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('echostr', echostr);
    const reply = await this.send(url.toString(), 'GET');
    let error = reply.error;
    if (!error && reply.http_status !== 200) error = `HTTP ${reply.http_status}`;
    if (!error && reply.response_body.trim() !== echostr) error = 'the reply is not the echostr that was sent';
    this.logger.info({ appid: target.appid, verified: !error, error }, 'push URL verification');
    return { ...reply, url: url.toString(), delivered: error === '', error };
  }

  /** Starts delivering soon; called on every enqueue, so events go out without waiting for the timer. */
  kick(): void {
    if (this.kickTimer || this.stopping.signal.aborted) return;
    // The enqueuing transaction commits after this call, so the drain starts a moment later.
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      void this.drain()
        .then((count) => {
          // A slow commit can hide the row from the first look; look once more.
          if (count === 0 && !this.stopping.signal.aborted) setTimeout(() => void this.drain().catch(() => undefined), 250).unref();
        })
        .catch((error) => this.logger.error({ err: error }, 'push delivery failed; will retry on the next tick'));
    }, 20);
    this.kickTimer.unref();
  }

  /**
   * Delivers every claimable event; returns how many events this call handled. Calls made while
   * a drain runs wait for it and then run once more, so a caller always sees its events handled.
   */
  drain(): Promise<number> {
    if (this.draining) {
      this.again = true;
      this.wake?.();
      return this.draining.then(() => (this.draining ? this.draining : this.drain()));
    }
    this.draining = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          total += await this.drainOnce();
        } while (this.again && !this.stopping.signal.aborted);
      } finally {
        this.draining = undefined;
      }
      return total;
    })();
    return this.draining;
  }

  /**
   * Keeps up to BATCH_SIZE deliveries running and claims more as each one ends. One outbox key
   * (an app, or a third-party platform) has at most PER_KEY_IN_FLIGHT of them, so a merchant URL
   * that hangs holds back only its own events.
   */
  private async drainOnce(): Promise<number> {
    let total = 0;
    const running = new Set<Promise<void>>();
    const perKey = new Map<string, number>();
    for (;;) {
      if (this.stopping.signal.aborted) break;
      let claimed: OutboxRow[] = [];
      if (running.size < BATCH_SIZE) {
        const busy = [...perKey].filter(([, count]) => count >= PER_KEY_IN_FLIGHT).map(([key]) => key);
        claimed = await claimEvents(this.db, this.dialect, this.instance, Date.now(), LEASE_MS, BATCH_SIZE - running.size, undefined, busy);
      }
      const handBack: OutboxRow[] = [];
      for (const event of claimed) {
        // One claim can bring more events of a key than it may run at once; those go back.
        if ((perKey.get(event.appid) ?? 0) >= PER_KEY_IN_FLIGHT) {
          handBack.push(event);
          continue;
        }
        perKey.set(event.appid, (perKey.get(event.appid) ?? 0) + 1);
        const delivery: Promise<void> = this.deliver(event).finally(() => {
          running.delete(delivery);
          const left = perKey.get(event.appid)! - 1;
          if (left === 0) perKey.delete(event.appid);
          else perKey.set(event.appid, left);
        });
        running.add(delivery);
        total++;
      }
      if (handBack.length > 0) {
        await Promise.all(handBack.map((event) => releaseEvent(this.db, event.id, this.instance, 'pending', null)));
        // The keys at their limit are skipped now, so the next claim reaches other keys' events.
        continue;
      }
      if (running.size === 0) break;
      // Claim again at once while slots are free and events came. Otherwise wait until a delivery
      // ends or another drain call announces new events.
      if (claimed.length === 0 || running.size >= BATCH_SIZE) {
        const woken = new Promise<void>((resolve) => (this.wake = resolve));
        await Promise.race([...running, woken]);
        this.wake = undefined;
      }
    }
    await Promise.all(running);
    return total;
  }

  /**
   * Claims one event now (if no other instance has it) and delivers it; used by redelivery. When
   * this instance's own drain claimed it a moment earlier, waits for that drain instead, so the
   * caller still sees the attempts made. Returns false when this call did not claim the event.
   */
  async deliverOne(id: number): Promise<boolean> {
    const [event] = await claimEvents(this.db, this.dialect, this.instance, Date.now(), LEASE_MS, 1, id);
    if (!event) {
      if (this.draining) await this.draining;
      return false;
    }
    await this.deliver(event);
    return true;
  }

  /**
   * Pushes an event and waits for the merchant's reply, in one attempt: for pushes whose reply
   * the platform reads at once (the coupon callback test of coupon/confirm). The event and its
   * attempt are logged like any other. Returns undefined when the app has no push URL.
   */
  async pushAndWait(app: { appid: string; username: string }, event: string, element: string | null, fields: Record<string, unknown>, fromUserName?: string): Promise<ReplyResult | undefined> {
    const settings = await findSettings(this.db, app.appid);
    if (!settings) return undefined;
    const now = this.clock.now();
    const payload = eventPayload(app, event, element, fields, now, { fromUserName });
    const row = await insertClaimedEvent(this.db, app.appid, event, payload, now, this.instance, Date.now(), LEASE_MS);
    if (!(await takeAttempt(this.db, row, this.instance, Date.now(), LEASE_MS))) return undefined;
    const result = await this.attempt(appTarget(settings), { ...row }, 1);
    await releaseEvent(this.db, row.id, this.instance, result.delivered ? 'delivered' : 'failed', result.delivered ? this.clock.now() : null);
    return { ...result, reply: openReply(settings, result.response_body) };
  }

  private async deliver(event: OutboxRow): Promise<void> {
    try {
      const target = await this.targetOf(event.appid);
      if (!target) {
        // The settings were removed after the claim.
        await releaseEvent(this.db, event.id, this.instance, 'pending', null);
        return;
      }
      let current = event;
      while (current.attempts < MAX_ATTEMPTS && !this.stopping.signal.aborted) {
        if (!(await takeAttempt(this.db, current, this.instance, Date.now(), LEASE_MS))) return;
        current = { ...current, attempts: current.attempts + 1 };
        const result = await this.attempt(target, current, current.attempts);
        if (result.delivered) {
          await releaseEvent(this.db, event.id, this.instance, 'delivered', this.clock.now());
          return;
        }
        this.logger.warn({ appid: event.appid, event_id: event.id, event: event.event, attempt: current.attempts, error: result.error }, 'push attempt failed');
      }
      if (this.stopping.signal.aborted) {
        // Stopping cut the delivery short. Handing the event back lets another instance, or this
        // one after a restart, go on with the attempts left instead of waiting for the lease.
        await releaseEvent(this.db, event.id, this.instance, 'pending', null);
        return;
      }
      await releaseEvent(this.db, event.id, this.instance, 'failed', null);
      this.logger.warn({ appid: event.appid, event_id: event.id, event: event.event }, `push failed after ${MAX_ATTEMPTS} attempts`);
    } catch (error) {
      this.logger.error({ err: error, event_id: event.id }, 'push delivery failed; the claim lapses and another run retries');
    }
  }

  /** Makes one attempt of an event and logs it. */
  private async attempt(target: DeliveryTarget, event: OutboxRow, attempt: number): Promise<AttemptResult> {
    const startedAt = this.clock.now();
    const wallStart = Date.now();
    const timestamp = String(Math.floor(startedAt / 1000));
    const rendered = target.render(event.payload, timestamp, createNonce());
    const reply = await this.send(rendered.url, 'POST', rendered.body, rendered.contentType);
    const expectsData = eventSpec(event.event)?.reply === 'data';
    let error = reply.error;
    if (!error && reply.http_status !== 200) error = `HTTP ${reply.http_status}`;
    const answer = reply.response_body.trim();
    if (!error && !expectsData && answer !== 'success' && !(answer === '' && target.acceptsEmpty)) {
      error = target.acceptsEmpty ? 'the reply is neither "success" nor empty' : 'the reply is not "success"';
    }
    await recordDelivery(this.db, {
      event_id: event.id,
      appid: event.appid,
      attempt,
      instance: this.instance,
      mode: target.mode,
      format: target.format,
      url: rendered.url,
      request_body: rendered.body,
      http_status: reply.http_status,
      response_body: reply.response_body,
      outcome: error ? 'failed' : 'delivered',
      error,
      started_at: startedAt,
      duration_ms: Date.now() - wallStart,
    });
    return { ...reply, delivered: error === '', error };
  }

  private async send(url: string, method: 'GET' | 'POST', body?: string, contentType?: string): Promise<AttemptResult> {
    try {
      const response = await fetch(url, {
        method,
        body,
        headers: contentType ? { 'content-type': `${contentType}; charset=utf-8` } : undefined,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(ATTEMPT_TIMEOUT_MS), this.stopping.signal]),
      });
      const text = await response.text();
      return { delivered: false, http_status: response.status, response_body: text.slice(0, MAX_LOGGED_REPLY), error: '' };
    } catch (error) {
      const name = (error as Error).name;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      let message = cause?.code ?? cause?.message ?? (error as Error).message;
      if (name === 'TimeoutError') message = `no reply within ${ATTEMPT_TIMEOUT_MS / 1000} s`;
      else if (name === 'AbortError') message = 'the sandbox stopped';
      return { delivered: false, http_status: null, response_body: '', error: message };
    }
  }

  /** Stops the worker; waits for the drain in progress, aborting its open requests. */
  async close(): Promise<void> {
    this.unsubscribe();
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.stopping.abort();
    await this.draining?.catch(() => undefined);
  }
}

function envelopeField(body: string, name: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value = (JSON.parse(trimmed) as Record<string, unknown>)[name];
      return value === undefined || value === null ? undefined : String(value);
    } catch {
      return undefined;
    }
  }
  const match = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(trimmed);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Opens a passive reply: in compatible and secure mode the merchant may answer with
 * `Encrypt`, `MsgSignature`, `TimeStamp` and `Nonce`. A reply whose signature matches and whose
 * appid is the app's is returned decrypted; any other reply is returned as it came.
 */
export function openReply(settings: PushTarget, body: string): string {
  if (settings.mode === 'plaintext') return body;
  const encrypted = envelopeField(body, 'Encrypt');
  const signature = envelopeField(body, 'MsgSignature');
  const timestamp = envelopeField(body, 'TimeStamp');
  const nonce = envelopeField(body, 'Nonce');
  if (!encrypted || !signature || timestamp === undefined || nonce === undefined) return body;
  if (sign(settings.token, timestamp, nonce, encrypted) !== signature) return body;
  try {
    const opened = decrypt(settings.encoding_aes_key, encrypted);
    return opened.appid === settings.appid ? opened.message : body;
  } catch {
    return body;
  }
}
