import type { Executor } from '../app/store.js';

/**
 * Answers "is this openid a user of this appid", the test behind 1090039 on user coupons and
 * reason 201 on sharer invitations. The sandbox wires it to the buyer registry, so an openid
 * counts only when the platform issued it for this app: a built-in buyer or one created through
 * the admin API. `db` is the caller's transaction when there is one.
 */
export type UserOfApp = (db: Executor | undefined, appid: string, openid: string) => Promise<boolean>;
