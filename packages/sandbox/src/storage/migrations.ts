import type Sqlite from 'better-sqlite3';
import type { Dialect } from './database.js';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { migrations } from './migrations/index.js';

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/**
 * Returns true when a SQLite file has run every migration, read without taking a lock. A file in
 * use by another sandbox then opens without waiting for that sandbox's writes.
 */
export function sqliteUpToDate(database: Sqlite.Database): boolean {
  let applied: Set<unknown>;
  try {
    applied = new Set(database.prepare('select name from kysely_migration').pluck().all());
  } catch {
    // No migration table yet: a new file.
    return false;
  }
  // A migration the file has but this version lacks goes to the migrator too, which rejects it.
  const names = Object.keys(migrations('sqlite'));
  return applied.size === names.length && names.every((name) => applied.has(name));
}

/** Brings the schema up to the newest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, schema?: string): Promise<void> {
  // Naming the schema keeps Kysely from taking another schema's migration tables for its own.
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(dialect),
    // Kysely's default comparator is localeCompare, which pages in about 3 MB of ICU collation data.
    // Migration names are ASCII, so code-unit order gives the same order without it.
    nameComparator: compareCodeUnits,
    ...(dialect === 'postgres' ? { migrationTableSchema: schema ?? 'public' } : {}),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely's table check reads the catalogue of every schema and calls pg_get_serial_sequence on
  // each column it finds. When another sandbox sharing the database drops its schema at that
  // moment, PostgreSQL reports that schema, one of its tables or a column of one missing.
  // Retrying reads the catalogue again without it.
  for (let attempt = 1; error && attempt <= 3 && isOtherSchemaGone(error, schema); attempt++) {
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`);
  }
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Returns true for the errors of a catalogue read that met a schema another sandbox was dropping. */
export function isOtherSchemaGone(error: unknown, own: string | undefined): boolean {
  const message = String((error as Error)?.message ?? error);
  const schema = /schema "([^"]+)" does not exist/.exec(message);
  if (schema !== null) return schema[1] !== own;
  const relation = /relation "([^".]+)\.[^"]+" does not exist/.exec(message);
  if (relation !== null) return relation[1] !== own;
  // The column form names no schema. A column missing in this sandbox's own schema would fail
  // the same way on every attempt, so the retries end and the error is raised.
  return /column "[^"]+" of relation "[^"]+" does not exist/.test(message);
}
