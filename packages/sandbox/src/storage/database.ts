import Sqlite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type PostgresPool, type SqliteDialectConfig, type PostgresPoolClient, type Transaction } from 'kysely';
import type pg from 'pg';
import { migrateToLatest, sqliteUpToDate } from './migrations.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Location of the data for logs, with any password removed. */
  description: string;
  /**
   * The raw SQLite handle, for the few paths that bypass the query builder for speed. A write
   * through it to a business table must call `noteSqliteWrite` so read caches drop what they hold.
   */
  sqlite?: Sqlite.Database;
  /**
   * The request log's storage. A SQLite file database keeps the log in a file of its own, reached
   * through a connection of its own. Otherwise the log's query builder is `db`.
   */
  requestLog: RequestLogStorage;
  close(): Promise<void>;
}

/** The request log's table, with the query builder and raw handle to reach it. */
export interface RequestLogStorage {
  db: Kysely<Database>;
  /** The raw SQLite handle of the log's connection; undefined on PostgreSQL. */
  sqlite?: Sqlite.Database;
  /** The log's own file, when it has one (not for a database in memory). */
  file?: string;
}

// Schema name under which the log file is attached for a moment, to move rows an older version
// kept in the main file.
const OLD_LOG_SCHEMA = 'requests';

/** Suffix of the request log's file: `shop.db` keeps its log in `shop.db-requests`. */
export const REQUEST_LOG_FILE_SUFFIX = '-requests';

// Read versions and write counters of the SQLite databases opened here, keyed by their query builder.
const readVersions = new WeakMap<Kysely<Database>, () => number>();
const writeCounters = new WeakMap<Kysely<Database>, { count: number }>();
const handles = new WeakMap<Kysely<Database>, Sqlite.Database>();

/**
 * Returns a number that changes whenever data in the SQLite database may have changed. It moves
 * on every write statement this process runs and on every commit by another connection, such as
 * another process on the same file. A value read while the version stayed the same is still
 * current. Returns undefined on PostgreSQL, because other instances write there without notice.
 */
export function sqliteReadVersion(db: Kysely<Database>): number | undefined {
  return readVersions.get(db)?.();
}

/**
 * The raw SQLite handle behind a query builder, for the few writes that run as one synchronous
 * transaction; undefined on PostgreSQL. Such a write must check `inTransaction` first (another
 * request's transaction may be open on the one connection) and call `noteSqliteWrite`.
 */
export function sqliteHandle(db: Kysely<Database>): Sqlite.Database | undefined {
  return handles.get(db);
}

/**
 * Serialises transactions that name the same `key` on PostgreSQL, across every instance on the
 * database, until the calling transaction ends. The key includes the schema, so sandboxes sharing
 * a database do not wait on each other. On SQLite, where one write transaction runs at a time,
 * it does nothing; `db` is the query builder, which distinguishes the two.
 */
export async function lockForWrite(db: Kysely<Database>, trx: Transaction<Database>, key: string): Promise<void> {
  if (handles.has(db)) return;
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':' || ${key}))`.execute(trx);
}

/** Records a business-data write made through the raw SQLite handle, bypassing the query builder. */
export function noteSqliteWrite(db: Kysely<Database>): void {
  const writes = writeCounters.get(db);
  if (writes) writes.count++;
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

// A checkpoint copies the write-ahead log into the database file and syncs both, blocking the
// process for milliseconds. Every 10,000 pages (about 40 MB of log) instead of SQLite's 1,000 spreads
// those syncs ten times thinner. Durability is unchanged: a commit is in the log either way.
const WAL_CHECKPOINT_PAGES = 10_000;

async function openSqlite(file: string): Promise<Storage> {
  const database = new Sqlite(file);
  // The busy timeout comes first: switching to WAL needs a lock that another process starting on
  // the same file may hold for a moment.
  database.pragma('busy_timeout = 5000');
  database.pragma('journal_mode = WAL');
  // NORMAL keeps WAL databases consistent after a crash; the last commits may be lost on power failure only.
  database.pragma('synchronous = NORMAL');
  database.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  database.pragma('foreign_keys = ON');
  const writes = { count: 0 };
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(database, writes) }) });
  // Kysely takes no migration lock on SQLite, so two processes starting at once on a new file ran
  // the same migrations and one of them failed. Pending migrations run in one immediate
  // transaction: another process waits for it (up to the busy timeout) and then finds nothing
  // left to do. A file with nothing pending opens without the lock, so a sandbox already serving
  // it never holds up this one, nor this one's start its writes.
  if (!sqliteUpToDate(database)) {
    database.exec('begin immediate');
    try {
      await migrateToLatest(db, 'sqlite');
      database.exec('commit');
    } catch (error) {
      if (database.inTransaction) database.exec('rollback');
      database.close();
      throw error;
    }
  }
  const logFile = file !== ':memory:' && file !== '' ? `${file}${REQUEST_LOG_FILE_SUFFIX}` : undefined;
  const requestLog: RequestLogStorage = logFile === undefined ? { db, sqlite: database } : openRequestLog(database, logFile);

  // PRAGMA data_version changes when another connection commits. This process's writes are counted by the statement cache.
  const dataVersion = database.prepare('PRAGMA data_version').pluck();
  let lastDataVersion = dataVersion.get() as number;
  // The pragma costs a few microseconds, a large share of a cached read, so it runs at most once
  // per turn of the event loop. A commit by another process is therefore seen from the next turn
  // on, and requests handled later in the same turn may still read the older data.
  let checkedThisTurn = false;
  const endTurn = () => {
    checkedThisTurn = false;
  };
  writeCounters.set(db, writes);
  handles.set(db, database);
  readVersions.set(db, () => {
    if (checkedThisTurn) return writes.count;
    checkedThisTurn = true;
    setImmediate(endTurn);
    const current = dataVersion.get() as number;
    if (current !== lastDataVersion) {
      lastDataVersion = current;
      writes.count++;
    }
    return writes.count;
  });
  return {
    db,
    dialect: 'sqlite',
    description: file === ':memory:' ? 'SQLite in memory' : `SQLite ${file}`,
    sqlite: database,
    requestLog,
    close: async () => {
      if (requestLog.db !== db) await requestLog.db.destroy();
      await db.destroy();
    },
  };
}

/**
 * Query-builder transactions on SQLite begin with `begin immediate`, taking the write lock at once.
 * A plain `begin` reads first and requests the lock at its first write. When another process on
 * the same file committed in between, SQLite rejects that upgrade at once with SQLITE_BUSY,
 * without waiting for the busy timeout, and the call failed with -1. With the lock taken up front
 * the transaction waits its turn instead. Within one process nothing changes: Kysely runs one
 * SQLite transaction at a time anyway.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly driverConfig: SqliteDialectConfig) {
    super(driverConfig);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.driverConfig);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

// Kysely prepares every query anew; reusing prepared statements saves that work on the hot path.
// Query shapes are few (values are bound parameters), so the cache stays small; it is cleared
// if it ever grows past the bound.
const STATEMENT_CACHE_MAX = 1000;

// Every statement but a plain select counts as a write (begin, commit and rollback included), so
// read caches keyed on the write count never serve data a write may have changed.
function withStatementCache(database: Sqlite.Database, writes: { count: number }) {
  const statements = new Map<string, Sqlite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      if (!sql.startsWith('select ')) writes.count++;
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

/**
 * Opens the request log's own file with a connection of its own, `synchronous = OFF`. The log is
 * written in batches on every request, so in the main file its pages dominated the write-ahead log
 * and its checkpoints, each of which syncs the main file. A crash of the process loses nothing
 * written to the log file, because the operating system keeps the pages. A power failure or
 * kernel crash may lose its last rows or damage that file, but not the main file, which keeps
 * `synchronous = NORMAL`.
 *
 * The log file is not attached to the main connection: `begin immediate` takes the write lock of
 * every attached file, so each write transaction of a request would wait for a log batch being
 * written, and a log batch for it.
 */
function openRequestLog(main: Sqlite.Database, logFile: string): RequestLogStorage {
  const log = new Sqlite(logFile);
  log.pragma('busy_timeout = 5000');
  // Pages of 16 KiB instead of 4 KiB: every log row carries both bodies, and a batch of rows then
  // fills fewer pages, each written once to the write-ahead log and once at its checkpoint. The
  // size applies to a new file only; an existing file keeps the size it was made with.
  log.pragma('page_size = 16384');
  log.pragma('journal_mode = WAL');
  log.pragma('synchronous = OFF');
  // Same columns as the first migration creates in the main file.
  log.exec(`
    create table if not exists request_log (
      rid text primary key, appid text, method text not null, path text not null, query text not null,
      request_body text not null, response_body text not null, errcode integer not null, rule text not null,
      client_ip text not null, invoke_time bigint not null, cost_ms integer not null);
    create index if not exists request_log_by_app on request_log (appid, invoke_time);
  `);
  // The first migration creates the table in the main file too. Rows kept there by an older
  // version move to the log file once, and the main file's table is dropped. The move takes the
  // write lock first and looks for the table again, because another process starting on the
  // same file may have moved it in between.
  const findInMain = main.prepare(`select 1 from main.sqlite_master where type = 'table' and name = 'request_log'`);
  if (findInMain.get()) {
    const columns = 'rid, appid, method, path, query, request_body, response_body, errcode, rule, client_ip, invoke_time, cost_ms';
    main.prepare(`attach database ? as ${OLD_LOG_SCHEMA}`).run(logFile);
    try {
      main
        .transaction(() => {
          if (!findInMain.get()) return;
          main.exec(`insert or ignore into ${OLD_LOG_SCHEMA}.request_log (${columns}) select ${columns} from main.request_log; drop table main.request_log;`);
        })
        .immediate();
    } finally {
      main.exec(`detach database ${OLD_LOG_SCHEMA}`);
    }
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: log }) });
  return { db, sqlite: log, file: logFile };
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withoutNulParameters(pool) }) });
  await migrateToLatest(db, 'postgres', schema);
  url.password = '';
  return {
    db,
    requestLog: { db },
    dialect: 'postgres',
    description: `PostgreSQL ${url.host}${url.pathname}${schema ? ` schema ${schema}` : ''}`,
    close: () => db.destroy(),
  };
}

/**
 * PostgreSQL text cannot hold U+0000, and a bound string with it fails the whole statement. The
 * wire pipeline and the admin API already replace it in request bodies; this is the net under
 * every other path (ids from a URL path, query strings): each NUL in a bound string becomes
 * U+FFFD, the same replacement, so such a value matches nothing and is stored like on SQLite.
 */
function withoutNulParameters(pool: pg.Pool): PostgresPool {
  const clean = (value: unknown) => (typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value);
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query(query: unknown, parameters?: ReadonlyArray<unknown>) {
          if (typeof query !== 'string') return client.query(query as never);
          return client.query(query, parameters?.map(clean) as unknown[]);
        },
        release: (destroy?: boolean) => client.release(destroy),
      } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/** Drops a PostgreSQL schema and everything in it; used by tests to clean up after themselves. */
/**
 * Checks that a number can be compared with an `integer` column on both databases. PostgreSQL's
 * integer is 32-bit and fails the query on a larger parameter, where SQLite matches no row.
 */
export function fitsIntegerColumn(value: number): boolean {
  return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
}

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
