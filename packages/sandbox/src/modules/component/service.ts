import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../storage/schema.js';
import { enqueueComponentInfo, findComponentSettings } from '../../push/component.js';
import { hasNul } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';
import {
  deleteExpiredCredentials,
  findAuthorization,
  findCredential,
  findPlatform,
  insertCredential,
  insertPlatform,
  latestCredential,
  listAuthorizations,
  listPlatforms,
  moveTicketDue,
  saveAuthorization,
  setTicketDue,
  updateWhitelist,
  useCredential,
  voidCredentials,
  type AuthorizationRecord,
  type CredentialKind,
  type CredentialRecord,
  type PlatformRecord,
} from './store.js';

/** The permission set of the custom transaction component; `/shop/*` calls need it (else 61007). */
export const TRANSACTION_COMPONENT_SET = 85;
/** component_verify_ticket: pushed every 10 minutes, valid 12 hours. */
export const TICKET_PUSH_INTERVAL_MS = 10 * 60 * 1000;
export const TICKET_LIFETIME_MS = 12 * 3600 * 1000;
/** component_access_token and authorizer_access_token: 7200 s. */
export const TOKEN_LIFETIME_MS = 7200 * 1000;
/** pre_auth_code: the doc text says 1800 s (its sample shows 600). */
export const PRE_AUTH_CODE_LIFETIME_MS = 1800 * 1000;
/** authorization_code handed to the redirect page after the merchant consents: 3600 s. */
export const AUTH_CODE_LIFETIME_MS = 3600 * 1000;
/** IPs allowed by default to call with a platform's tokens: loopback only. */
export const DEFAULT_IP_WHITELIST: readonly string[] = ['127.0.0.1', '::1'];

export class ComponentInputError extends Error {}

/** A ticket just issued, with the id of its push in the outbox (null when the platform has no push URL). */
export interface IssuedTicket extends CredentialRecord {
  event_id: number | null;
}

/** InfoType of an authorization change notice. */
export type AuthorizationInfoType = 'authorized' | 'updateauthorized' | 'unauthorized';

/** A consent just stored: its authorization_code, and the notice pushed for it. */
export interface AuthorizationChange {
  info_type: 'authorized' | 'updateauthorized';
  code: CredentialRecord;
  /** The notice's id in the outbox, or null when the platform has no authorization-event URL. */
  event_id: number | null;
}

function randomToken(): string {
  return `88_${randomBytes(102).toString('base64url')}`.slice(0, 139);
}

/** Drops the IPv4-mapped IPv6 prefix so that `::ffff:127.0.0.1` matches `127.0.0.1`. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export interface ComponentTokenRequest {
  component_appid: unknown;
  component_appsecret: unknown;
  component_verify_ticket: unknown;
}

/** Third-party platforms: verify tickets, component tokens, merchant authorizations and authorizer tokens. */
export class ComponentService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
  ) {}

  async createPlatform(input: { component_appid?: string; secret?: string; name?: string; ip_whitelist?: string[] }, now: number): Promise<PlatformRecord> {
    const componentAppid = input.component_appid ?? `wx${randomBytes(8).toString('hex')}`;
    if (!/^wx[0-9a-zA-Z]{16}$/.test(componentAppid)) throw new ComponentInputError(`Invalid component_appid "${componentAppid}": expected "wx" followed by 16 letters or digits`);
    const secret = input.secret ?? randomBytes(16).toString('hex');
    if (!/^[0-9a-zA-Z]{32}$/.test(secret)) throw new ComponentInputError('Invalid secret: expected 32 letters or digits');
    if (await findPlatform(this.db, componentAppid)) throw new ComponentInputError(`Third-party platform ${componentAppid} already exists`);
    const platform: PlatformRecord = {
      component_appid: componentAppid,
      secret,
      name: input.name ?? `沙箱第三方平台 ${componentAppid.slice(-4)}`,
      ip_whitelist: input.ip_whitelist ?? [...DEFAULT_IP_WHITELIST],
      created_at: now,
      ticket_due_at: null,
    };
    await insertPlatform(this.db, platform);
    // The platform pushes the first ticket as soon as the platform exists.
    await this.issueTicket(componentAppid, now);
    return platform;
  }

  getPlatform(componentAppid: string): Promise<PlatformRecord | undefined> {
    return findPlatform(this.db, componentAppid);
  }

  listPlatforms(): Promise<PlatformRecord[]> {
    return listPlatforms(this.db);
  }

  async setWhitelist(componentAppid: string, whitelist: string[]): Promise<void> {
    await updateWhitelist(this.db, componentAppid, whitelist);
  }

  /**
   * Pushes a component_verify_ticket now (on creation, `api_start_push_ticket`, the admin API) and
   * moves the next scheduled one to 10 minutes later.
   */
  async issueTicket(componentAppid: string, now: number): Promise<IssuedTicket> {
    await setTicketDue(this.db, componentAppid, now + TICKET_PUSH_INTERVAL_MS);
    return this.recordTicket(componentAppid, now);
  }

  /**
   * Stores a new ticket. When the platform has an authorization-event URL, the same transaction
   * puts its push in the outbox, which the push worker then posts. Without a URL the ticket is
   * only stored, and the admin API shows it.
   */
  private async recordTicket(componentAppid: string, now: number): Promise<IssuedTicket> {
    const ticket = this.credential('verify_ticket', componentAppid, null, now, TICKET_LIFETIME_MS, `ticket@@@${randomBytes(48).toString('base64url')}`);
    const eventId = await this.db.transaction().execute(async (trx) => {
      await insertCredential(trx, ticket);
      if (!(await findComponentSettings(trx, componentAppid))) return null;
      return enqueueComponentInfo(trx, componentAppid, 'component_verify_ticket', { ComponentVerifyTicket: ticket.value }, now);
    });
    this.logger.info({ component_appid: componentAppid, event_id: eventId }, eventId === null ? 'component_verify_ticket stored; the platform has no push URL' : 'component_verify_ticket queued for push');
    return { ...ticket, event_id: eventId };
  }

  latestTicket(componentAppid: string): Promise<CredentialRecord | undefined> {
    return latestCredential(this.db, componentAppid, 'verify_ticket');
  }

  /**
   * Timed work: a new ticket for each platform whose next one is due, 10 minutes after the last.
   * The due time moves by compare-and-set, so with several instances only one pushes each ticket.
   */
  async pushDueTickets(now: number): Promise<number> {
    let pushed = 0;
    for (const platform of await listPlatforms(this.db)) {
      let due = platform.ticket_due_at;
      if (due === null) {
        // A platform from before the schedule was stored: due 10 minutes after its latest ticket.
        const latest = await this.latestTicket(platform.component_appid);
        due = latest ? latest.issued_at + TICKET_PUSH_INTERVAL_MS : now;
      }
      if (now < due) continue;
      if (!(await moveTicketDue(this.db, platform.component_appid, platform.ticket_due_at, now + TICKET_PUSH_INTERVAL_MS))) continue;
      await this.recordTicket(platform.component_appid, now);
      pushed++;
    }
    await deleteExpiredCredentials(this.db, now - 24 * 3600 * 1000);
    return pushed;
  }

  /** `api_start_push_ticket`: checks the platform's credentials and pushes a ticket at once. */
  async startPush(componentAppid: unknown, secret: unknown, now: number): Promise<void> {
    const platform = await this.authenticate(componentAppid, secret);
    await this.issueTicket(platform.component_appid, now);
  }

  /** `api_component_token`: a component_access_token for a valid appid, secret and ticket. */
  async issueComponentToken(request: ComponentTokenRequest, ip: string, now: number): Promise<{ component_access_token: string; expires_in: number }> {
    const platform = await this.authenticate(request.component_appid, request.component_appsecret);
    this.checkIp(platform, ip);
    const ticketValue = request.component_verify_ticket;
    if (typeof ticketValue !== 'string' || ticketValue === '' || hasNul(ticketValue)) throw new WireError(61006, 'component.ticket.invalid');
    const ticket = await findCredential(this.db, ticketValue, 'verify_ticket');
    if (!ticket || ticket.component_appid !== platform.component_appid) throw new WireError(61006, 'component.ticket.invalid');
    if (now >= ticket.expires_at) throw new WireError(61005, 'component.ticket.expired');
    const token = this.credential('component_token', platform.component_appid, null, now, TOKEN_LIFETIME_MS, randomToken());
    await insertCredential(this.db, token);
    return { component_access_token: token.value, expires_in: TOKEN_LIFETIME_MS / 1000 };
  }

  /** Resolves a component_access_token to its platform: 40001 unknown, 42001 expired, 61004 IP not allowed. */
  async resolveComponentToken(token: string, ip: string, now: number): Promise<PlatformRecord> {
    const credential = token.length > 512 || hasNul(token) ? undefined : await findCredential(this.db, token, 'component_token');
    if (!credential) throw new WireError(40001, 'component.token.unknown');
    if (now >= credential.expires_at) throw new WireError(42001, 'component.token.expired');
    const platform = await findPlatform(this.db, credential.component_appid);
    if (!platform) throw new WireError(40001, 'component.platform_deleted');
    this.checkIp(platform, ip);
    return platform;
  }

  /**
   * Resolves an authorizer_access_token to the authorized app, or returns undefined when the token
   * is not one. Throws 42001 when expired, 40001 after the authorization was cancelled, 61004 for a
   * caller IP off the platform's whitelist and 61007 on `/shop/*` without permission set 85.
   */
  async resolveAuthorizerToken(token: string, ip: string, path: string, now: number): Promise<string | undefined> {
    if (token.length > 512 || hasNul(token)) return undefined;
    const credential = await findCredential(this.db, token, 'authorizer_token');
    if (!credential || credential.authorizer_appid === null) return undefined;
    if (now >= credential.expires_at) throw new WireError(42001, 'authorizer.token.expired');
    const [platform, authorization] = await Promise.all([
      findPlatform(this.db, credential.component_appid),
      findAuthorization(this.db, credential.component_appid, credential.authorizer_appid),
    ]);
    if (!platform || !authorization || authorization.revoked || credential.used) throw new WireError(40001, 'authorizer.authorization_cancelled');
    this.checkIp(platform, ip);
    if (path.startsWith('/shop/') && !authorization.func_info.includes(TRANSACTION_COMPONENT_SET)) {
      throw new WireError(61007, 'authorizer.permission_set_85_missing');
    }
    return credential.authorizer_appid;
  }

  /**
   * `/cgi-bin/component/clear_quota/v2`: checks the platform's own appid and secret, and the
   * authorization of `appid` when one is named. Returns the appid whose counts to reset, or
   * undefined for the platform's own counts, which the sandbox does not keep.
   */
  async authenticateQuotaReset(componentAppid: unknown, secret: unknown, appid: unknown): Promise<string | undefined> {
    const platform = await this.authenticate(componentAppid, secret);
    if (appid === undefined || appid === '') return undefined;
    if (typeof appid !== 'string' || hasNul(appid)) throw new WireError(40013, 'component.clear_quota.appid.invalid');
    const authorization = await findAuthorization(this.db, platform.component_appid, appid);
    if (!authorization || authorization.revoked) throw new WireError(40013, 'component.clear_quota.appid.not_authorized');
    return appid;
  }

  /** `api_create_preauthcode`. */
  async createPreAuthCode(platform: PlatformRecord, componentAppid: unknown, now: number): Promise<{ pre_auth_code: string; expires_in: number }> {
    this.checkAppid(platform, componentAppid);
    const code = this.credential('pre_auth_code', platform.component_appid, null, now, PRE_AUTH_CODE_LIFETIME_MS, `preauthcode@@@${randomBytes(36).toString('base64url')}`);
    await insertCredential(this.db, code);
    return { pre_auth_code: code.value, expires_in: PRE_AUTH_CODE_LIFETIME_MS / 1000 };
  }

  /**
   * The merchant's side of the consent page (admin API): the mini program authorizes the
   * platform with the chosen permission sets. A first authorization, or one after a cancellation,
   * is `authorized`; consenting again while authorized replaces the sets and is `updateauthorized`.
   * Returns the authorization_code the redirect carries, and the id of the notice pushed to the
   * authorization-event URL (null without a URL).
   */
  authorize(componentAppid: string, authorizerAppid: string, funcInfo: number[], preAuthCode: string | undefined, now: number): Promise<AuthorizationChange> {
    return this.grant(componentAppid, authorizerAppid, funcInfo, preAuthCode, now, false) as Promise<AuthorizationChange>;
  }

  /**
   * Replaces the permission sets of an authorization in force, as the merchant does by consenting
   * again (`updateauthorized`). Returns undefined when the mini program has not authorized the
   * platform, or cancelled it.
   */
  updateAuthorization(componentAppid: string, authorizerAppid: string, funcInfo: number[], preAuthCode: string | undefined, now: number): Promise<AuthorizationChange | undefined> {
    return this.grant(componentAppid, authorizerAppid, funcInfo, preAuthCode, now, true);
  }

  /**
   * Stores the authorization, its one-time authorization_code and the notice in one transaction,
   * so a rejected consent stores nothing and leaves its pre_auth_code unused.
   */
  private async grant(
    componentAppid: string,
    authorizerAppid: string,
    funcInfo: number[],
    preAuthCode: string | undefined,
    now: number,
    updateOnly: boolean,
  ): Promise<AuthorizationChange | undefined> {
    const platform = await findPlatform(this.db, componentAppid);
    if (!platform) throw new ComponentInputError(`No third-party platform ${componentAppid}`);
    const code = this.credential('auth_code', componentAppid, authorizerAppid, now, AUTH_CODE_LIFETIME_MS, `queryauthcode@@@${randomBytes(40).toString('base64url')}`);
    const change = await this.db.transaction().execute(async (trx): Promise<AuthorizationChange | undefined> => {
      const existing = await findAuthorization(trx, componentAppid, authorizerAppid);
      const inForce = existing !== undefined && !existing.revoked;
      if (updateOnly && !inForce) return undefined;
      if (preAuthCode !== undefined) {
        const preAuth = await findCredential(trx, preAuthCode, 'pre_auth_code');
        if (!preAuth || preAuth.component_appid !== componentAppid) throw new ComponentInputError('pre_auth_code was not issued to this platform');
        if (now >= preAuth.expires_at) throw new ComponentInputError('pre_auth_code has expired');
        if (!(await useCredential(trx, preAuthCode))) throw new ComponentInputError('pre_auth_code was already used');
      }
      await saveAuthorization(trx, {
        component_appid: componentAppid,
        authorizer_appid: authorizerAppid,
        func_info: [...new Set(funcInfo)].sort((a, b) => a - b),
        refresh_token: inForce ? existing.refresh_token : `refreshtoken@@@${randomBytes(32).toString('base64url')}`,
        authorized_at: now,
        revoked: false,
      });
      await insertCredential(trx, code);
      const infoType: AuthorizationInfoType = inForce ? 'updateauthorized' : 'authorized';
      const fields: Record<string, string | number> = {
        AuthorizerAppid: authorizerAppid,
        AuthorizationCode: code.value,
        // NOTE: the doc only says "seconds"; the sandbox sends the Unix time the code expires at.
        AuthorizationCodeExpiredTime: Math.floor(code.expires_at / 1000),
      };
      if (preAuthCode !== undefined) fields.PreAuthCode = preAuthCode;
      const eventId = (await findComponentSettings(trx, componentAppid)) ? await enqueueComponentInfo(trx, componentAppid, infoType, fields, now) : null;
      return { info_type: infoType, code, event_id: eventId };
    });
    if (change) {
      this.logger.info(
        { component_appid: componentAppid, authorizer_appid: authorizerAppid, func_info: funcInfo, info_type: change.info_type, event_id: change.event_id },
        change.info_type === 'authorized' ? 'mini program authorized a third-party platform' : 'mini program updated its authorization of a third-party platform',
      );
    }
    return change;
  }

  /**
   * Cancels an authorization (the merchant unbinds the platform); its authorizer tokens stop
   * working, and an `unauthorized` notice goes to the authorization-event URL. Returns the id of
   * the notice (null without a URL), or undefined when there was no authorization in force.
   */
  async revoke(componentAppid: string, authorizerAppid: string, now: number): Promise<{ event_id: number | null } | undefined> {
    const result = await this.db.transaction().execute(async (trx) => {
      const existing = await findAuthorization(trx, componentAppid, authorizerAppid);
      if (!existing || existing.revoked) return undefined;
      await saveAuthorization(trx, { ...existing, revoked: true });
      // Codes and tokens handed out before the cancellation must not revive after a later consent.
      await voidCredentials(trx, componentAppid, authorizerAppid, 'auth_code');
      await voidCredentials(trx, componentAppid, authorizerAppid, 'authorizer_token');
      if (!(await findComponentSettings(trx, componentAppid))) return { event_id: null };
      return { event_id: await enqueueComponentInfo(trx, componentAppid, 'unauthorized', { AuthorizerAppid: authorizerAppid }, now) };
    });
    if (result) this.logger.info({ component_appid: componentAppid, authorizer_appid: authorizerAppid, event_id: result.event_id }, 'mini program cancelled its authorization of a third-party platform');
    return result;
  }

  listAuthorizations(componentAppid: string): Promise<AuthorizationRecord[]> {
    return listAuthorizations(this.db, componentAppid);
  }

  /** `api_query_auth`: exchanges an authorization_code for the authorizer's tokens. */
  async queryAuth(platform: PlatformRecord, componentAppid: unknown, authorizationCode: unknown, now: number) {
    this.checkAppid(platform, componentAppid);
    if (typeof authorizationCode !== 'string' || authorizationCode === '' || hasNul(authorizationCode)) throw new WireError(61009, 'component.auth_code.invalid');
    const code = await findCredential(this.db, authorizationCode, 'auth_code');
    if (!code || code.component_appid !== platform.component_appid || code.authorizer_appid === null) throw new WireError(61009, 'component.auth_code.invalid');
    if (now >= code.expires_at) throw new WireError(61010, 'component.auth_code.expired');
    if (!(await useCredential(this.db, code.value))) throw new WireError(61009, 'component.auth_code.used');
    const authorization = await findAuthorization(this.db, platform.component_appid, code.authorizer_appid);
    if (!authorization || authorization.revoked) throw new WireError(61009, 'component.auth_code.authorization_cancelled');
    const token = await this.issueAuthorizerToken(platform.component_appid, code.authorizer_appid, now);
    return {
      authorizer_appid: code.authorizer_appid,
      authorizer_access_token: token,
      expires_in: TOKEN_LIFETIME_MS / 1000,
      authorizer_refresh_token: authorization.refresh_token,
      func_info: funcInfoView(authorization.func_info),
    };
  }

  /** `api_authorizer_token`: a new authorizer_access_token from the refresh token. */
  async refreshAuthorizerToken(platform: PlatformRecord, body: { component_appid: unknown; authorizer_appid: unknown; authorizer_refresh_token: unknown }, now: number) {
    this.checkAppid(platform, body.component_appid);
    const authorizerAppid = body.authorizer_appid;
    if (typeof authorizerAppid !== 'string' || authorizerAppid === '' || hasNul(authorizerAppid)) throw new WireError(40013, 'authorizer.appid.invalid');
    const authorization = await findAuthorization(this.db, platform.component_appid, authorizerAppid);
    if (!authorization || authorization.revoked) throw new WireError(61023, 'authorizer.refresh_token.no_authorization');
    if (body.authorizer_refresh_token !== authorization.refresh_token) throw new WireError(61023, 'authorizer.refresh_token.wrong');
    const token = await this.issueAuthorizerToken(platform.component_appid, authorizerAppid, now);
    return { authorizer_access_token: token, expires_in: TOKEN_LIFETIME_MS / 1000, authorizer_refresh_token: authorization.refresh_token };
  }

  /** `api_get_authorizer_info`: the granted permission sets (the profile fields are placeholders). */
  async authorizerInfo(platform: PlatformRecord, componentAppid: unknown, authorizerAppid: unknown, name: string | undefined, username: string | undefined) {
    this.checkAppid(platform, componentAppid);
    if (typeof authorizerAppid !== 'string' || authorizerAppid === '' || hasNul(authorizerAppid)) throw new WireError(40013, 'authorizer.appid.invalid');
    const authorization = await findAuthorization(this.db, platform.component_appid, authorizerAppid);
    if (!authorization || authorization.revoked) throw new WireError(40013, 'authorizer.not_authorized');
    return {
      authorizer_info: {
        nick_name: name ?? '',
        head_img: '',
        service_type_info: { id: 0 },
        verify_type_info: { id: 0 },
        user_name: username ?? '',
        principal_name: '',
        alias: '',
        qrcode_url: '',
        signature: '',
      },
      authorization_info: {
        authorizer_appid: authorizerAppid,
        authorizer_refresh_token: authorization.refresh_token,
        func_info: funcInfoView(authorization.func_info),
      },
    };
  }

  private async issueAuthorizerToken(componentAppid: string, authorizerAppid: string, now: number): Promise<string> {
    const token = this.credential('authorizer_token', componentAppid, authorizerAppid, now, TOKEN_LIFETIME_MS, randomToken());
    await insertCredential(this.db, token);
    return token.value;
  }

  private async authenticate(componentAppid: unknown, secret: unknown): Promise<PlatformRecord> {
    if (typeof componentAppid !== 'string' || componentAppid === '' || hasNul(componentAppid)) throw new WireError(61011, 'component.appid.invalid');
    const platform = await findPlatform(this.db, componentAppid);
    if (!platform) throw new WireError(61011, 'component.appid.unknown');
    if (typeof secret !== 'string' || secret === '') throw new WireError(41004, 'component.secret.missing');
    if (secret !== platform.secret) throw new WireError(40125, 'component.secret.wrong');
    return platform;
  }

  /** The body's component_appid must name the platform that owns the token. */
  private checkAppid(platform: PlatformRecord, componentAppid: unknown): void {
    if (componentAppid !== platform.component_appid) throw new WireError(40013, 'component.appid.not_token_owner');
  }

  private checkIp(platform: PlatformRecord, ip: string): void {
    const caller = plainIp(ip);
    if (platform.ip_whitelist.includes('*') || platform.ip_whitelist.some((allowed) => plainIp(allowed) === caller)) return;
    throw new WireError(61004, 'component.ip_not_whitelisted');
  }

  private credential(kind: CredentialKind, componentAppid: string, authorizerAppid: string | null, now: number, lifetimeMs: number, value: string): CredentialRecord {
    return { value, kind, component_appid: componentAppid, authorizer_appid: authorizerAppid, issued_at: now, expires_at: now + lifetimeMs, used: false };
  }
}

/** Permission sets as the platform lists them: `[{funcscope_category: {id}}]`. */
function funcInfoView(sets: number[]) {
  return sets.map((id) => ({ funcscope_category: { id } }));
}
