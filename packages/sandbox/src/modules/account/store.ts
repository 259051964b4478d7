import type { Executor } from '../app/store.js';

/** Approved level-3 categories and brands of each account (the merchant's qualifications). */

export async function approveCategories(db: Executor, appid: string, categoryIds: number[]): Promise<void> {
  // Batches keep each statement under SQLite's bound-parameter limit.
  for (let start = 0; start < categoryIds.length; start += 200) {
    const rows = categoryIds.slice(start, start + 200).map((third_cat_id) => ({ appid, third_cat_id }));
    await db.insertInto('approved_categories').values(rows).onConflict((c) => c.doNothing()).execute();
  }
}

export async function listApprovedCategories(db: Executor, appid: string): Promise<number[]> {
  const rows = await db.selectFrom('approved_categories').select('third_cat_id').where('appid', '=', appid).orderBy('third_cat_id').execute();
  return rows.map((row) => Number(row.third_cat_id));
}

export async function approveBrand(db: Executor, appid: string, brandId: number, brandWording: string): Promise<void> {
  await db.insertInto('approved_brands').values({ appid, brand_id: brandId, brand_wording: brandWording }).onConflict((c) => c.doNothing()).execute();
}

export async function listApprovedBrands(db: Executor, appid: string): Promise<{ brand_id: number; brand_wording: string }[]> {
  const rows = await db.selectFrom('approved_brands').select(['brand_id', 'brand_wording']).where('appid', '=', appid).orderBy('brand_id').execute();
  return rows.map((row) => ({ brand_id: Number(row.brand_id), brand_wording: row.brand_wording }));
}

export async function isBrandApproved(db: Executor, appid: string, brandId: number): Promise<boolean> {
  const row = await db
    .selectFrom('approved_brands')
    .select('brand_id')
    .where('appid', '=', appid)
    .where('brand_id', '=', brandId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function findBrandByWording(db: Executor, appid: string, brandWording: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('approved_brands')
    .select('brand_id')
    .where('appid', '=', appid)
    .where('brand_wording', '=', brandWording)
    .executeTakeFirst();
  return row ? Number(row.brand_id) : undefined;
}

/** Empties both lists, as cancelling access does. */
export async function clearApprovals(db: Executor, appid: string): Promise<void> {
  await db.deleteFrom('approved_categories').where('appid', '=', appid).execute();
  await db.deleteFrom('approved_brands').where('appid', '=', appid).execute();
}
