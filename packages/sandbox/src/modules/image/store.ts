import type { Executor } from '../app/store.js';

export interface ImageRecord {
  media_id: string;
  appid: string;
  url_key: string;
  content_type: string;
  bytes: Buffer;
  source_url: string | null;
  created_at: number;
}

export async function insertImage(db: Executor, image: ImageRecord): Promise<void> {
  await db.insertInto('images').values(image).execute();
}

export async function findImageByKey(db: Executor, appid: string, urlKey: string): Promise<ImageRecord | undefined> {
  const row = await db.selectFrom('images').selectAll().where('url_key', '=', urlKey).where('appid', '=', appid).executeTakeFirst();
  return row ? { ...row, created_at: Number(row.created_at) } : undefined;
}

export async function imageKeyExists(db: Executor, appid: string, urlKey: string): Promise<boolean> {
  const row = await db.selectFrom('images').select('url_key').where('url_key', '=', urlKey).where('appid', '=', appid).executeTakeFirst();
  return row !== undefined;
}
