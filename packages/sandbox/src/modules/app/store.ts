import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { AppSettings } from './settings.js';

export type Executor = Kysely<Database> | Transaction<Database>;

export interface AppRecord {
  appid: string;
  secret: string;
  name: string;
  username: string;
  access_state: AccessState;
  settings: AppSettings;
  created_at: number;
}

export type AccessState = 'not_applied' | 'pending_agreement' | 'accessed' | 'banned';

function toRecord(row: Database['apps'] extends infer T ? { [K in keyof T]: any } : never): AppRecord {
  return { ...row, settings: JSON.parse(row.settings) as AppSettings, created_at: Number(row.created_at) };
}

export async function findApp(db: Executor, appid: string): Promise<AppRecord | undefined> {
  const row = await db.selectFrom('apps').selectAll().where('appid', '=', appid).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function listApps(db: Executor): Promise<AppRecord[]> {
  const rows = await db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('appid').execute();
  return rows.map(toRecord);
}

export async function insertApp(db: Executor, app: AppRecord): Promise<void> {
  await db
    .insertInto('apps')
    .values({ ...app, settings: JSON.stringify(app.settings) })
    .execute();
}

export async function updateSettings(db: Executor, appid: string, settings: AppSettings): Promise<void> {
  await db.updateTable('apps').set({ settings: JSON.stringify(settings) }).where('appid', '=', appid).execute();
}

export async function updateAccessState(db: Executor, appid: string, state: AccessState): Promise<void> {
  await db.updateTable('apps').set({ access_state: state }).where('appid', '=', appid).execute();
}
