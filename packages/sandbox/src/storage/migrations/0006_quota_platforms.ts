import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';

/** Quota and rate counters, quota settings, fault rules and the third-party platform tables. */
export function quotaPlatforms(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      // One row per counted thing: `scope` groups what one reset clears (an app's day), `name` is the counted path.
      await db.schema
        .createTable('counters')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('counters_pk', ['scope', 'name'])
        .execute();
      await db.schema.createIndex('counters_by_expiry').on('counters').column('expires_at').execute();

      await db.schema
        .createTable('quota_settings')
        .addColumn('appid', 'text', (c) => c.primaryKey())
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('fault_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('remaining', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('component_platforms')
        .addColumn('component_appid', 'text', (c) => c.primaryKey())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('ip_whitelist', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      // Verify tickets, pre-auth codes, authorization codes and the three token kinds share one table.
      await db.schema
        .createTable('component_credentials')
        .addColumn('value', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('component_appid', 'text', (c) => c.notNull())
        .addColumn('authorizer_appid', 'text')
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('component_credentials_by_owner')
        .on('component_credentials')
        .columns(['component_appid', 'kind', 'issued_at'])
        .execute();

      await db.schema
        .createTable('component_authorizations')
        .addColumn('component_appid', 'text', (c) => c.notNull())
        .addColumn('authorizer_appid', 'text', (c) => c.notNull())
        .addColumn('func_info', 'text', (c) => c.notNull())
        .addColumn('refresh_token', 'text', (c) => c.notNull())
        .addColumn('authorized_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('component_authorizations_pk', ['component_appid', 'authorizer_appid'])
        .execute();
    },
  };
}
