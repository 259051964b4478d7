import { isObject, type JsonObject } from '../../server/fields.js';

/** Event name of the receive-coupon callback, also used by the confirm test call. */
export const RECEIVE_COUPON_EVENT = 'open_product_receive_coupon';

/** Fixed values of the confirm test call, which the merchant must echo (docs, coupon/confirm). */
export const CONFIRM_TEST = {
  out_coupon_id: 'test_coupon',
  request_id: 'test_coupon_request_id',
  out_user_coupon_id: 'test_coupon_user_coupon_id',
} as const;

export type CallbackOutcome =
  | { kind: 'answered'; reply: JsonObject }
  | { kind: 'unreachable'; detail: string }
  | { kind: 'timeout' }
  | { kind: 'unparsable' };

/**
 * Posts a coupon callback to the merchant and waits for its JSON answer. These callbacks are
 * request and answer (the platform needs the merchant's out_user_coupon_id), so they are sent
 * here directly rather than through the outbox.
 *
 * NOTE: sent as plain JSON without the push signature or AES encryption; once the push module
 * offers a synchronous signed call, this function should use it.
 */
export async function callMerchant(url: string, timeoutMs: number, payload: Record<string, unknown>): Promise<CallbackOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const name = (error as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout' };
    return { kind: 'unreachable', detail: String((error as Error)?.message ?? error) };
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    return { kind: 'timeout' };
  }
  if (response.status !== 200) return { kind: 'unreachable', detail: `HTTP ${response.status}` };
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? { kind: 'answered', reply: parsed } : { kind: 'unparsable' };
  } catch {
    return { kind: 'unparsable' };
  }
}
