import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/** Buyers, orders, trace ids and after-sales (both generations). */
export function orders(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('buyers')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('openid', 'text', (c) => c.notNull())
        .addColumn('nickname', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('buyers_pk', ['appid', 'openid'])
        .execute();

      await db.schema
        .createTable('trace_ids')
        .addColumn('trace_id', 'text', (c) => c.primaryKey())
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('openid', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('orders')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('out_order_id', 'text', (c) => c.notNull())
        .addColumn('openid', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('fund_type', 'integer', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('expire_time', 'bigint')
        .addColumn('pay_time', 'bigint')
        .addColumn('settle_at', 'bigint')
        .addColumn('sharer_openid', 'text')
        .addColumn('promoter', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('orders_pk', ['appid', 'order_id'])
        .addUniqueConstraint('orders_out_id', ['appid', 'out_order_id'])
        .execute();
      await db.schema.createIndex('orders_by_create').on('orders').columns(['appid', 'create_time']).execute();
      await db.schema.createIndex('orders_by_expiry').on('orders').columns(['status', 'expire_time']).execute();
      await db.schema.createIndex('orders_by_settlement').on('orders').column('settle_at').execute();

      await db.schema
        .createTable('aftersales')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('aftersale_id', 'text', (c) => c.notNull())
        .addColumn('out_aftersale_id', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('openid', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('deadline_at', 'bigint')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('aftersales_pk', ['appid', 'aftersale_id'])
        .execute();
      await db.schema.createIndex('aftersales_by_order').on('aftersales').columns(['appid', 'order_id']).execute();
      await db.schema.createIndex('aftersales_by_out_id').on('aftersales').columns(['appid', 'out_aftersale_id']).execute();
      await db.schema.createIndex('aftersales_by_deadline').on('aftersales').column('deadline_at').execute();
    },
  };
}
