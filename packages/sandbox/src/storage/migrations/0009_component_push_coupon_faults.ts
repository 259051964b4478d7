import type { Kysely, Migration } from 'kysely';

/**
 * Pushes to third-party platforms (the authorization-event URL and its token and
 * EncodingAESKey), the schedule of component_verify_ticket pushes, and the coupon platform's
 * armed internal failures, stored so that every instance and a restart see them.
 */
export const componentPushCouponFaults: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('component_push_settings')
      .addColumn('component_appid', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('encoding_aes_key', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // Sandbox time at which the next scheduled ticket is due; instances move it with a
    // compare-and-set, so one ticket is pushed per 10 minutes however many instances run.
    await db.schema.alterTable('component_platforms').addColumn('ticket_due_at', 'bigint').execute();

    await db.schema
      .createTable('coupon_faults')
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('remaining', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('coupon_faults_pk', ['appid', 'step'])
      .execute();
  },
};
