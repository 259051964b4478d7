import type { Kysely, Migration } from 'kysely';

/**
 * Funds (settlement bank account, withdrawals, identity-check QR tickets), the payment service's
 * trades and buyer disputes. Times are unix milliseconds of the sandbox clock; nested lists
 * (refunds, profit sharing, dispute history) are JSON text.
 */
export const fundsPayComplaints: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('funds_accounts')
      .addColumn('appid', 'text', (c) => c.primaryKey())
      .addColumn('account', 'text', (c) => c.notNull())
      .addColumn('change_day', 'text', (c) => c.notNull())
      .addColumn('changes', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('funds_withdrawals')
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('out_request_no', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addColumn('update_time', 'bigint', (c) => c.notNull())
      .addColumn('due_at', 'bigint')
      .addPrimaryKeyConstraint('funds_withdrawals_pk', ['appid', 'out_request_no'])
      .execute();
    await db.schema.createIndex('funds_withdrawals_by_due').on('funds_withdrawals').column('due_at').execute();

    await db.schema
      .createTable('funds_qrcodes')
      .addColumn('ticket', 'text', (c) => c.primaryKey())
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('scan_user_type', 'integer', (c) => c.notNull())
      .addColumn('out_request_no', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('pay_trades')
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('trade_no', 'text', (c) => c.notNull())
      .addColumn('combine_trade_no', 'text', (c) => c.notNull())
      .addColumn('mchid', 'text', (c) => c.notNull())
      .addColumn('openid', 'text', (c) => c.notNull())
      .addColumn('state', 'integer', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addColumn('update_time', 'bigint', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('pay_trades_pk', ['appid', 'trade_no'])
      .execute();
    await db.schema.createIndex('pay_trades_by_combine').on('pay_trades').columns(['appid', 'combine_trade_no']).execute();
    await db.schema.createIndex('pay_trades_by_create').on('pay_trades').columns(['appid', 'mchid', 'create_time', 'trade_no']).execute();

    await db.schema
      .createTable('complaints')
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('complaint_order_id', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('after_sale_order_id', 'text', (c) => c.notNull())
      .addColumn('state', 'integer', (c) => c.notNull())
      .addColumn('type', 'integer', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addColumn('update_time', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('complaints_pk', ['appid', 'complaint_order_id'])
      .execute();
    await db.schema.createIndex('complaints_by_create').on('complaints').columns(['appid', 'create_time']).execute();
  },
};
