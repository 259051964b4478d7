import type { Selectable } from 'kysely';
import type { ComponentPlatformTable } from '../../storage/schema.js';
import type { Executor } from '../app/store.js';

export type CredentialKind = 'verify_ticket' | 'component_token' | 'pre_auth_code' | 'auth_code' | 'authorizer_token';

export interface PlatformRecord {
  component_appid: string;
  secret: string;
  name: string;
  ip_whitelist: string[];
  created_at: number;
  /** Sandbox time the next scheduled component_verify_ticket is due; null before the first. */
  ticket_due_at: number | null;
}

export interface CredentialRecord {
  value: string;
  kind: CredentialKind;
  component_appid: string;
  authorizer_appid: string | null;
  issued_at: number;
  expires_at: number;
  used: boolean;
}

export interface AuthorizationRecord {
  component_appid: string;
  authorizer_appid: string;
  func_info: number[];
  refresh_token: string;
  authorized_at: number;
  revoked: boolean;
}

function toPlatform(row: Selectable<ComponentPlatformTable>): PlatformRecord {
  return {
    component_appid: row.component_appid,
    secret: row.secret,
    name: row.name,
    ip_whitelist: JSON.parse(row.ip_whitelist) as string[],
    created_at: Number(row.created_at),
    ticket_due_at: row.ticket_due_at === null ? null : Number(row.ticket_due_at),
  };
}

export async function findPlatform(db: Executor, componentAppid: string): Promise<PlatformRecord | undefined> {
  const row = await db.selectFrom('component_platforms').selectAll().where('component_appid', '=', componentAppid).executeTakeFirst();
  return row ? toPlatform(row) : undefined;
}

export async function listPlatforms(db: Executor): Promise<PlatformRecord[]> {
  const rows = await db.selectFrom('component_platforms').selectAll().orderBy('created_at').execute();
  return rows.map(toPlatform);
}

/** Sets when the next scheduled ticket is due. */
export async function setTicketDue(db: Executor, componentAppid: string, dueAt: number): Promise<void> {
  await db.updateTable('component_platforms').set({ ticket_due_at: dueAt }).where('component_appid', '=', componentAppid).execute();
}

/** Moves the due time from `seen` to `next`; false when another instance moved it first. */
export async function moveTicketDue(db: Executor, componentAppid: string, seen: number | null, next: number): Promise<boolean> {
  const result = await db
    .updateTable('component_platforms')
    .set({ ticket_due_at: next })
    .where('component_appid', '=', componentAppid)
    .where((eb) => (seen === null ? eb('ticket_due_at', 'is', null) : eb('ticket_due_at', '=', seen)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertPlatform(db: Executor, platform: PlatformRecord): Promise<void> {
  await db.insertInto('component_platforms').values({ ...platform, ip_whitelist: JSON.stringify(platform.ip_whitelist) }).execute();
}

export async function updateWhitelist(db: Executor, componentAppid: string, whitelist: string[]): Promise<void> {
  await db.updateTable('component_platforms').set({ ip_whitelist: JSON.stringify(whitelist) }).where('component_appid', '=', componentAppid).execute();
}

export async function insertCredential(db: Executor, credential: CredentialRecord): Promise<void> {
  await db.insertInto('component_credentials').values({ ...credential, used: credential.used ? 1 : 0 }).execute();
}

export async function findCredential(db: Executor, value: string, kind: CredentialKind): Promise<CredentialRecord | undefined> {
  const row = await db.selectFrom('component_credentials').selectAll().where('value', '=', value).where('kind', '=', kind).executeTakeFirst();
  if (!row) return undefined;
  return { ...row, kind: row.kind as CredentialKind, issued_at: Number(row.issued_at), expires_at: Number(row.expires_at), used: Number(row.used) === 1 };
}

/** Marks a one-time credential used; returns false when another call used it first. */
export async function useCredential(db: Executor, value: string): Promise<boolean> {
  const result = await db.updateTable('component_credentials').set({ used: 1 }).where('value', '=', value).where('used', '=', 0).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks the authorization codes of a pair not yet exchanged as used, so a cancellation voids them. */
/** Marks every unused credential of one kind issued for an authorization as used, so it never works again. */
export async function voidCredentials(db: Executor, componentAppid: string, authorizerAppid: string, kind: CredentialKind): Promise<void> {
  await db
    .updateTable('component_credentials')
    .set({ used: 1 })
    .where('kind', '=', kind)
    .where('component_appid', '=', componentAppid)
    .where('authorizer_appid', '=', authorizerAppid)
    .where('used', '=', 0)
    .execute();
}

export async function latestCredential(db: Executor, componentAppid: string, kind: CredentialKind): Promise<CredentialRecord | undefined> {
  const row = await db
    .selectFrom('component_credentials')
    .selectAll()
    .where('component_appid', '=', componentAppid)
    .where('kind', '=', kind)
    .orderBy('issued_at', 'desc')
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...row, kind: row.kind as CredentialKind, issued_at: Number(row.issued_at), expires_at: Number(row.expires_at), used: Number(row.used) === 1 };
}

export async function deleteExpiredCredentials(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('component_credentials').where('expires_at', '<', before).execute();
}

function toAuthorization(row: Record<string, unknown>): AuthorizationRecord {
  return {
    component_appid: row.component_appid as string,
    authorizer_appid: row.authorizer_appid as string,
    func_info: JSON.parse(row.func_info as string) as number[],
    refresh_token: row.refresh_token as string,
    authorized_at: Number(row.authorized_at),
    revoked: Number(row.revoked) === 1,
  };
}

export async function findAuthorization(db: Executor, componentAppid: string, authorizerAppid: string): Promise<AuthorizationRecord | undefined> {
  const row = await db
    .selectFrom('component_authorizations')
    .selectAll()
    .where('component_appid', '=', componentAppid)
    .where('authorizer_appid', '=', authorizerAppid)
    .executeTakeFirst();
  return row ? toAuthorization(row) : undefined;
}

export async function listAuthorizations(db: Executor, componentAppid: string): Promise<AuthorizationRecord[]> {
  const rows = await db.selectFrom('component_authorizations').selectAll().where('component_appid', '=', componentAppid).orderBy('authorized_at').execute();
  return rows.map(toAuthorization);
}

/** Stores an authorization, replacing an earlier one of the same pair (a re-authorization). */
export async function saveAuthorization(db: Executor, record: AuthorizationRecord): Promise<void> {
  const values = { ...record, func_info: JSON.stringify(record.func_info), revoked: record.revoked ? 1 : 0 };
  await db
    .insertInto('component_authorizations')
    .values(values)
    .onConflict((conflict) =>
      conflict.columns(['component_appid', 'authorizer_appid']).doUpdateSet({
        func_info: values.func_info,
        refresh_token: values.refresh_token,
        authorized_at: values.authorized_at,
        revoked: values.revoked,
      }),
    )
    .execute();
}
