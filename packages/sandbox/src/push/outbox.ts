import { stringifyJson } from '@wxshop/api';
import type { Executor } from '../modules/app/store.js';
import type { AppRecord } from '../modules/app/store.js';

/** The fixed sender of component events, in place of the WeChat team's account. */
export const EVENT_SENDER = 'o7esq5Oy9ezbsY-shop-platform';

/**
 * Adds an event to the outbox inside the caller's transaction, so that the event exists exactly
 * when the state change that caused it is committed. Delivery to the merchant's push URL is the
 * push worker's job. `element` is the event's own body element, e.g. `OpenProductSpuAudit`.
 * 64-bit ids (bigint values) are stored as exact JSON numbers; read the payload with parseJson.
 */
export async function enqueueEvent(
  db: Executor,
  app: Pick<AppRecord, 'appid' | 'username'>,
  event: string,
  element: string,
  fields: Record<string, unknown>,
  now: number,
): Promise<void> {
  const payload = {
    ToUserName: app.username,
    FromUserName: EVENT_SENDER,
    CreateTime: Math.floor(now / 1000),
    MsgType: 'event',
    Event: event,
    [element]: fields,
  };
  await db
    .insertInto('outbox')
    .values({ appid: app.appid, event, payload: stringifyJson(payload), created_at: now, state: 'pending' })
    .execute();
}
