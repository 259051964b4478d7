import { stringifyJson } from '@wxshop/api';
import type { Executor } from '../modules/app/store.js';
import type { AppRecord } from '../modules/app/store.js';

/** The fixed sender of component events, in place of the WeChat team's account. */
export const EVENT_SENDER = 'o7esq5Oy9ezbsY-shop-platform';

export interface EnqueueOptions {
  /** Sender of the event when it is a buyer (the receive-coupon claim), in place of EVENT_SENDER. */
  fromUserName?: string;
}

/** Builds the stored form of an event message: the common fields, then the body, as JSON text. */
export function eventPayload(
  app: Pick<AppRecord, 'username'>,
  event: string,
  element: string | null,
  fields: Record<string, unknown>,
  now: number,
  options: EnqueueOptions = {},
): string {
  return stringifyJson({
    ToUserName: app.username,
    FromUserName: options.fromUserName ?? EVENT_SENDER,
    CreateTime: Math.floor(now / 1000),
    MsgType: 'event',
    Event: event,
    ...(element === null ? fields : { [element]: fields }),
  });
}

type EnqueueListener = () => void;
const listeners = new Set<EnqueueListener>();

/**
 * Calls `listener` whenever an event is enqueued, so a push worker can start delivering without
 * waiting for its timer. It runs before the caller's transaction commits: the worker has to
 * allow for the row not being visible yet. Returns a function that removes the listener.
 */
export function onEnqueue(listener: EnqueueListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the push workers that an event was enqueued. */
export function notifyEnqueued(): void {
  for (const listener of listeners) listener();
}

/**
 * Adds an event to the outbox inside the caller's transaction, so that the event exists exactly
 * when the state change that caused it is committed. Delivery to the merchant's push URL is the
 * push worker's job. `element` is the event's own body element, e.g. `OpenProductSpuAudit`, or
 * null for events whose fields sit beside the common ones (coupon claims, sharer events). Field
 * values may be bigints or decimal strings for int64 ids: the renderer writes them exactly, with
 * the types listed in `push/events.ts`. Returns the event's id, which the admin API and the
 * delivery log use.
 */
export async function enqueueEvent(
  db: Executor,
  app: Pick<AppRecord, 'appid' | 'username'>,
  event: string,
  element: string | null,
  fields: Record<string, unknown>,
  now: number,
  options: EnqueueOptions = {},
): Promise<number> {
  const row = await db
    .insertInto('outbox')
    .values({ appid: app.appid, event, payload: eventPayload(app, event, element, fields, now, options), created_at: now, state: 'pending' })
    .returning('id')
    .executeTakeFirstOrThrow();
  notifyEnqueued();
  return Number(row.id);
}
