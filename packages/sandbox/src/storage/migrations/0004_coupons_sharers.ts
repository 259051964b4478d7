import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Coupons, user coupons, the coupon callback handshake per app, sharers, the share mode and the
 * Channels promoters of an app. Times are unix milliseconds of the sandbox clock.
 */
export function couponsSharers(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('coupon_settings')
        .addColumn('appid', 'text', (c) => c.primaryKey())
        .addColumn('callback_url', 'text')
        .addColumn('callback_timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        .execute();

      await db.schema
        .createTable('coupons')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('out_coupon_id', 'text', (c) => c.notNull())
        .addColumn('type', 'integer', (c) => c.notNull())
        .addColumn('promote_type', 'integer', (c) => c.notNull())
        .addColumn('coupon_info', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('valid_time', 'bigint')
        .addColumn('stock_issued', 'integer')
        .addColumn('stock_receive', 'integer')
        .addColumn('stock_create_time', 'bigint')
        .addColumn('stock_update_time', 'bigint')
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('update_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('coupons_pk', ['appid', 'out_coupon_id'])
        .execute();
      await db.schema.createIndex('coupons_by_create').on('coupons').columns(['appid', 'create_time']).execute();

      await db.schema
        .createTable('user_coupons')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('out_coupon_id', 'text', (c) => c.notNull())
        .addColumn('out_user_coupon_id', 'text', (c) => c.notNull())
        .addColumn('openid', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('recv_time', 'bigint', (c) => c.notNull())
        .addColumn('start_time', 'bigint', (c) => c.notNull())
        .addColumn('end_time', 'bigint', (c) => c.notNull())
        .addColumn('use_time', 'bigint')
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('update_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_coupons_pk', ['appid', 'out_coupon_id', 'out_user_coupon_id'])
        .execute();
      await db.schema.createIndex('user_coupons_by_openid').on('user_coupons').columns(['appid', 'openid', 'create_time']).execute();
      await db.schema.createIndex('user_coupons_by_end').on('user_coupons').columns(['status', 'end_time']).execute();

      await db.schema
        .createTable('sharers')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('openid', 'text', (c) => c.notNull())
        .addColumn('bind_status', 'integer', (c) => c.notNull())
        .addColumn('nickname', 'text', (c) => c.notNull())
        .addColumn('invited_time', 'bigint', (c) => c.notNull())
        .addColumn('bind_time', 'bigint', (c) => c.notNull())
        .addColumn('invite_times', 'text', (c) => c.notNull())
        .addColumn('refuses_invites', 'integer', (c) => c.notNull())
        .addColumn('update_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sharers_pk', ['appid', 'openid'])
        .execute();
      await db.schema.createIndex('sharers_by_status').on('sharers').columns(['appid', 'bind_status', 'bind_time']).execute();

      await db.schema
        .createTable('sharer_settings')
        .addColumn('appid', 'text', (c) => c.primaryKey())
        .addColumn('share_mode', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('promoters')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('promoter_id', 'text', (c) => c.notNull())
        .addColumn('finder_nickname', 'text', (c) => c.notNull())
        .addColumn('promoter_openid', 'text', (c) => c.notNull())
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('promoters_pk', ['appid', 'promoter_id'])
        .execute();
    },
  };
}
