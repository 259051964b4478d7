import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Product lists that stay fast with a million products: indexes in the list order, and a count of
 * live products per app and status, so `total_num` needs no scan.
 */
export const productLists: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('products_list').on('products').columns(['appid', 'deleted', 'create_time', 'product_id']).execute();
    await db.schema
      .createIndex('products_list_by_status')
      .on('products')
      .columns(['appid', 'deleted', 'status', 'create_time', 'product_id'])
      .execute();

    await db.schema
      .createTable('product_counts')
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('live', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('product_counts_pk', ['appid', 'status'])
      .execute();
    await sql`insert into product_counts (appid, status, live)
      select appid, status, count(*) from products where deleted = 0 group by appid, status`.execute(db);
  },
};
