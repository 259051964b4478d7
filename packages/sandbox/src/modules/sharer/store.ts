import type { Executor } from '../app/store.js';
import type { BindStatus } from './states.js';

export interface SharerRecord {
  appid: string;
  openid: string;
  bind_status: BindStatus;
  nickname: string;
  invited_time: number;
  bind_time: number;
  /** Invitation times (ms) within the last day. */
  invite_times: number[];
  refuses_invites: boolean;
  update_time: number;
}

export interface PromoterRecord {
  appid: string;
  promoter_id: string;
  finder_nickname: string;
  promoter_openid: string;
  create_time: number;
}

function toSharer(row: Record<string, unknown>): SharerRecord {
  return {
    appid: row.appid as string,
    openid: row.openid as string,
    bind_status: Number(row.bind_status) as BindStatus,
    nickname: row.nickname as string,
    invited_time: Number(row.invited_time),
    bind_time: Number(row.bind_time),
    invite_times: JSON.parse(row.invite_times as string) as number[],
    refuses_invites: Number(row.refuses_invites) === 1,
    update_time: Number(row.update_time),
  };
}

function toRow(record: SharerRecord) {
  return { ...record, invite_times: JSON.stringify(record.invite_times), refuses_invites: record.refuses_invites ? 1 : 0 };
}

export async function findSharer(db: Executor, appid: string, openid: string): Promise<SharerRecord | undefined> {
  const row = await db.selectFrom('sharers').selectAll().where('appid', '=', appid).where('openid', '=', openid).executeTakeFirst();
  return row ? toSharer(row) : undefined;
}

/** Inserts a new sharer row; false when one exists for the openid (a concurrent first invite). */
export async function insertSharer(db: Executor, record: SharerRecord): Promise<boolean> {
  const result = await db
    .insertInto('sharers')
    .values(toRow(record))
    .onConflict((conflict) => conflict.columns(['appid', 'openid']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Saves a changed sharer if it is still as `previous` left it; false on a lost race. */
export async function saveSharer(db: Executor, record: SharerRecord, previous: SharerRecord): Promise<boolean> {
  const { appid, openid, ...changes } = toRow(record);
  const result = await db
    .updateTable('sharers')
    .set(changes)
    .where('appid', '=', appid)
    .where('openid', '=', openid)
    .where('bind_status', '=', previous.bind_status)
    .where('update_time', '=', previous.update_time)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countByStatus(db: Executor, appid: string, statuses: BindStatus[]): Promise<number> {
  const row = await db
    .selectFrom('sharers')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('appid', '=', appid)
    .where('bind_status', 'in', statuses)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function listSharers(
  db: Executor,
  appid: string,
  statuses: BindStatus[] | undefined,
  offset: number,
  limit: number,
): Promise<{ total: number; items: SharerRecord[] }> {
  let query = db.selectFrom('sharers').where('appid', '=', appid);
  if (statuses) query = query.where('bind_status', 'in', statuses);
  const count = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('bind_time').orderBy('invited_time').orderBy('openid').offset(offset).limit(limit).execute();
  return { total: Number(count.count), items: rows.map(toSharer) };
}

export async function findShareMode(db: Executor, appid: string): Promise<number | undefined> {
  const row = await db.selectFrom('sharer_settings').select('share_mode').where('appid', '=', appid).executeTakeFirst();
  return row ? Number(row.share_mode) : undefined;
}

export async function saveShareMode(db: Executor, appid: string, shareMode: number): Promise<void> {
  await db
    .insertInto('sharer_settings')
    .values({ appid, share_mode: shareMode })
    .onConflict((conflict) => conflict.column('appid').doUpdateSet({ share_mode: shareMode }))
    .execute();
}

export async function insertPromoter(db: Executor, record: PromoterRecord): Promise<boolean> {
  const result = await db
    .insertInto('promoters')
    .values(record)
    .onConflict((conflict) => conflict.columns(['appid', 'promoter_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findPromoter(db: Executor, appid: string, promoterId: string): Promise<PromoterRecord | undefined> {
  const row = await db.selectFrom('promoters').selectAll().where('appid', '=', appid).where('promoter_id', '=', promoterId).executeTakeFirst();
  return row ? { ...row, create_time: Number(row.create_time) } : undefined;
}

export async function listPromoters(db: Executor, appid: string, offset: number, limit: number): Promise<{ total: number; items: PromoterRecord[] }> {
  const count = await db
    .selectFrom('promoters')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('appid', '=', appid)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('promoters')
    .selectAll()
    .where('appid', '=', appid)
    .orderBy('create_time')
    .orderBy('promoter_id')
    .offset(offset)
    .limit(limit)
    .execute();
  return { total: Number(count.count), items: rows.map((row) => ({ ...row, create_time: Number(row.create_time) })) };
}
