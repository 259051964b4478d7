import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

/** Apps, tokens, images, products, approvals, the outbox, the request log, state and id blocks. */
export function foundation(dialect: Dialect): Migration {
  const blob = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('apps')
        .addColumn('appid', 'text', (c) => c.primaryKey())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('access_state', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tokens')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('superseded_at', 'bigint')
        .addColumn('valid_until', 'bigint')
        .addColumn('forced', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('tokens_by_app').on('tokens').columns(['appid', 'kind', 'issued_at']).execute();

      await db.schema
        .createTable('images')
        .addColumn('media_id', 'text', (c) => c.primaryKey())
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('url_key', 'text', (c) => c.notNull().unique())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('bytes', blob, (c) => c.notNull())
        .addColumn('source_url', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('products')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('out_product_id', 'text', (c) => c.notNull())
        .addColumn('draft', 'text', (c) => c.notNull())
        .addColumn('online', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('edit_status', 'integer', (c) => c.notNull())
        .addColumn('audit_info', 'text', (c) => c.notNull())
        .addColumn('audit_due_at', 'bigint')
        .addColumn('recent_submissions', 'text', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('update_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('products_pk', ['appid', 'product_id'])
        .addUniqueConstraint('products_out_id', ['appid', 'out_product_id'])
        .execute();
      await db.schema.createIndex('products_by_create').on('products').columns(['appid', 'create_time']).execute();
      await db.schema.createIndex('products_by_audit_due').on('products').column('audit_due_at').execute();

      await db.schema
        .createTable('approved_categories')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('third_cat_id', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('approved_categories_pk', ['appid', 'third_cat_id'])
        .execute();

      await db.schema
        .createTable('approved_brands')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('brand_id', 'bigint', (c) => c.notNull())
        .addColumn('brand_wording', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('approved_brands_pk', ['appid', 'brand_id'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_by_app').on('outbox').columns(['appid', 'id']).execute();

      await db.schema
        .createTable('request_log')
        .addColumn('rid', 'text', (c) => c.primaryKey())
        .addColumn('appid', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('query', 'text', (c) => c.notNull())
        .addColumn('request_body', 'text', (c) => c.notNull())
        .addColumn('response_body', 'text', (c) => c.notNull())
        .addColumn('errcode', 'integer', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('client_ip', 'text', (c) => c.notNull())
        .addColumn('invoke_time', 'bigint', (c) => c.notNull())
        .addColumn('cost_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_log_by_app').on('request_log').columns(['appid', 'invoke_time']).execute();

      await db.schema
        .createTable('sandbox_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('id_sequences')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('next_value', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
