import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Location of the data for logs, with any password removed. */
  description: string;
  /** The raw SQLite handle, for the few write paths that bypass the query builder for speed. */
  sqlite?: Sqlite.Database;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** A file path, `:memory:`, or a `postgres://` URL. */
  url: string;
  /** PostgreSQL schema to use (created when missing); tests give each server its own. */
  schema?: string;
}

// PostgreSQL type oid of int8. Every BIGINT column contains unix milliseconds or a small id, all
// below 2^53, so reading them as numbers is exact. 19-digit ids are stored as text.
const INT8_OID = 20;

/** Opens the database named by `url`, applies pending migrations and returns the handle. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (/^postgres(ql)?:\/\//.test(options.url)) return openPostgres(options);
  return openSqlite(options.url);
}

async function openSqlite(file: string): Promise<Storage> {
  const database = new Sqlite(file);
  database.pragma('journal_mode = WAL');
  // NORMAL keeps WAL databases consistent after a crash; the last commits may be lost on power failure only.
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  await migrateToLatest(db, 'sqlite');
  return {
    db,
    dialect: 'sqlite',
    description: file === ':memory:' ? 'SQLite in memory' : `SQLite ${file}`,
    sqlite: database,
    close: () => db.destroy(),
  };
}

// Kysely prepares every query anew; reusing prepared statements saves that work on the hot path.
// Query shapes are few (values are bound parameters), so the cache stays small; it is cleared
// if it ever grows past the bound.
const STATEMENT_CACHE_MAX = 1000;

function withStatementCache(database: Sqlite.Database) {
  const statements = new Map<string, Sqlite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_MAX) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

async function openPostgres(options: StorageOptions): Promise<Storage> {
  // Loaded on demand: an embedded SQLite sandbox starts faster without the PostgreSQL driver.
  const { default: pg } = await import('pg');
  // A `schema` query parameter picks the schema, so several sandboxes can share one database.
  const url = new URL(options.url);
  const schema = options.schema ?? (url.searchParams.get('schema') || undefined);
  url.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  }
  const types = {
    getTypeParser(oid: number, format?: string) {
      if (oid === INT8_OID) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 10,
    types,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  if (schema) {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      client.release();
    }
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db, 'postgres', schema);
  url.password = '';
  return {
    db,
    dialect: 'postgres',
    description: `PostgreSQL ${url.host}${url.pathname}${schema ? ` schema ${schema}` : ''}`,
    close: () => db.destroy(),
  };
}

/** Drops a PostgreSQL schema and everything in it; used by tests to clean up after themselves. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export { sql };
