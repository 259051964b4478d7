import { type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Message push: per-app push settings, the outbox's delivery bookkeeping (claims and attempts),
 * the log of every delivery attempt, and per-app additions to the sensitive-word list.
 */
export function push(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('push_settings')
        .addColumn('appid', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('encoding_aes_key', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('verified_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      // Delivery state of each outbox event: attempts made so far and the instance holding it.
      await db.schema.alterTable('outbox').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('claimed_until', 'bigint').execute();
      await db.schema.alterTable('outbox').addColumn('delivered_at', 'bigint').execute();
      await db.schema.createIndex('outbox_by_state').on('outbox').columns(['state', 'id']).execute();

      await db.schema
        .createTable('push_deliveries')
        .addColumn('id', 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn('event_id', 'bigint', (c) => c.notNull())
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('request_body', 'text', (c) => c.notNull())
        .addColumn('http_status', 'integer')
        .addColumn('response_body', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('push_deliveries_by_event').on('push_deliveries').columns(['event_id', 'id']).execute();
      await db.schema.createIndex('push_deliveries_by_app').on('push_deliveries').columns(['appid', 'id']).execute();

      await db.schema
        .createTable('content_words')
        .addColumn('appid', 'text', (c) => c.notNull())
        .addColumn('word', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('content_words_pk', ['appid', 'word'])
        .execute();
    },
  };
}
