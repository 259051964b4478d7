import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Onboarding: the per-app register record (apply generation, agreement, task flags, scene review,
 * refusal conditions), qualification audits of brands and categories, the mini program's own
 * qualifications, and the payment (进件) application.
 */
export function onboarding(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('register_records')
        .addColumn('appid', 'text', (c) => c.primaryKey())
        .addColumn('apply_generation', 'text', (c) => c.notNull())
        .addColumn('agreement_due_at', 'bigint')
        .addColumn('access_info', 'text', (c) => c.notNull())
        .addColumn('scene_status', 'integer', (c) => c.notNull())
        .addColumn('scene_reason', 'text', (c) => c.notNull())
        .addColumn('scene_due_at', 'bigint')
        .addColumn('profile', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('register_by_agreement_due').on('register_records').column('agreement_due_at').execute();
      await db.schema.createIndex('register_by_scene_due').on('register_records').column('scene_due_at').execute();

      await db.schema
        .createTable('qualification_audits')
        .addColumn('audit_id', 'text', (c) => c.primaryKey())
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('audit_type', 'integer', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('brand_id', 'bigint', (c) => c.notNull())
        .addColumn('reject_reason', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint')
        .addColumn('decided_at', 'bigint')
        .execute();
      await db.schema.createIndex('qualification_audits_by_subject').on('qualification_audits').columns(['appid', 'subject', 'status']).execute();
      // At most one audit of a brand or category under review, even for concurrent submissions.
      await db.schema
        .createIndex('qualification_audits_one_pending')
        .on('qualification_audits')
        .columns(['appid', 'subject'])
        .unique()
        .where(sql.ref('status'), '=', sql.lit(0))
        .execute();
      await db.schema.createIndex('qualification_audits_by_due').on('qualification_audits').column('due_at').execute();

      await db.schema
        .createTable('miniapp_certificates')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('req_type', 'integer', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('miniapp_certificates_pk', ['appid', 'req_type'])
        .execute();

      await db.schema
        .createTable('wxpay_applications')
        .addColumn('appid', 'text', (c) => c.primaryKey())
        .addColumn('state', 'integer', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('applyment_id', 'text', (c) => c.notNull())
        .addColumn('out_request_no', 'text', (c) => c.notNull())
        .addColumn('sub_mchid', 'text', (c) => c.notNull())
        .addColumn('audit_detail', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint')
        .addColumn('decided_at', 'bigint')
        .execute();
      await db.schema.createIndex('wxpay_applications_by_due').on('wxpay_applications').column('due_at').execute();
    },
  };
}
