import { type Kysely, type Migration, sql } from 'kysely';

/**
 * A count of orders per app, kept with every order/add, so that `total_num` of order/get_list
 * needs no scan of a million orders. Orders are never deleted one by one; a reset or a snapshot
 * import replaces every table, and a snapshot import counts again.
 */
export const orderCounts: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('order_counts')
      .addColumn('appid', 'text', (c) => c.primaryKey())
      .addColumn('total', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into order_counts (appid, total) select appid, count(*) from orders group by appid`.execute(db);
  },
};
