import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Lists that stay fast with a million rows. A count of orders per app is kept with every
 * order/add, so that `total_num` of order/get_list needs no scan. Orders are never deleted one by
 * one: a reset or a snapshot import replaces every table, and a snapshot import counts again.
 * ecaftersale/get_list reads its page from an index in list order instead of sorting every
 * after-sale of the app.
 */
export const listScale: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('order_counts')
      .addColumn('appid', 'text', (c) => c.primaryKey())
      .addColumn('total', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into order_counts (appid, total) select appid, count(*) from orders group by appid`.execute(db);

    await db.schema.createIndex('aftersales_list').on('aftersales').columns(['appid', 'generation', 'created_at', 'aftersale_id']).execute();
  },
};
