import { parseJson, stringifyJson, toWireInteger, type JsonValue } from '@wxshop/api';
import { sql, type Kysely } from 'kysely';
import type { Dialect, Storage } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * Snapshots: the whole sandbox state as one JSON document that either database can load.
 * Tables and columns come from introspection, so a module's new table is included without being
 * listed here. Column values are written by kind: integers as exact JSON numbers (beyond 2^53
 * too), binary data as base64 strings, everything else as it is stored.
 */

export const SNAPSHOT_FORMAT = 'wxshop-snapshot';
export const SNAPSHOT_VERSION = 1;

type ColumnKind = 'integer' | 'real' | 'blob' | 'text';

export interface SnapshotTable {
  columns: { name: string; kind: ColumnKind }[];
  rows: JsonValue[][];
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  /** Wall time of the export, ISO 8601. */
  exported_at: string;
  /** Database the snapshot came from; informational, any database can import it. */
  source: Dialect;
  /** Migrations the exporting database had run; the importing one must know each of them. */
  migrations: string[];
  tables: Record<string, SnapshotTable>;
}

export class SnapshotError extends Error {}

interface TableInfo {
  name: string;
  columns: { name: string; kind: ColumnKind }[];
}

function kindOf(dataType: string): ColumnKind {
  const type = dataType.toLowerCase();
  if (type === 'blob' || type === 'bytea') return 'blob';
  if (/^(int|integer|bigint|int2|int4|int8|smallint)$/.test(type)) return 'integer';
  if (/^(real|double precision|float4|float8|numeric|decimal|double)$/.test(type)) return 'real';
  return 'text';
}

/**
 * The request log is a record of calls, not shop state, and on SQLite it lives in a file of its
 * own, so snapshots leave it out (and ignore it in snapshots that have it).
 */
const LOG_TABLE = 'request_log';

/** Lists the sandbox's own tables (on PostgreSQL, those of the current schema only), by name. */
async function ownTables(db: Kysely<any>, dialect: Dialect): Promise<TableInfo[]> {
  if (dialect === 'postgres') {
    // Only this schema's catalogue is read: Kysely's introspector reads every schema and fails
    // when another sandbox on the same database drops its schema meanwhile.
    const rows = await sql<{ table_name: string; column_name: string; udt_name: string }>`
      select c.table_name, c.column_name, c.udt_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' and c.table_name not like 'kysely_migration%'
      order by c.table_name, c.ordinal_position`.execute(db);
    const byName = new Map<string, TableInfo>();
    for (const row of rows.rows) {
      if (row.table_name === LOG_TABLE) continue;
      let table = byName.get(row.table_name);
      if (!table) byName.set(row.table_name, (table = { name: row.table_name, columns: [] }));
      table.columns.push({ name: row.column_name, kind: kindOf(row.udt_name) });
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
  const tables = await db.introspection.getTables();
  return tables
    .filter((table) => !table.isView && table.name !== LOG_TABLE)
    .map((table) => ({ name: table.name, columns: table.columns.map((column) => ({ name: column.name, kind: kindOf(column.dataType) })) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function ranMigrations(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}

function exportValue(value: unknown, kind: ColumnKind): JsonValue {
  if (value === null || value === undefined) return null;
  if (kind === 'blob') return Buffer.from(value as Uint8Array).toString('base64');
  // Integers are read as text so that no driver rounds them through a double.
  if (kind === 'integer') return toWireInteger(String(value));
  if (kind === 'real') return Number(value);
  return value as JsonValue;
}

/** Reads every row of every table into a snapshot. */
export async function exportSnapshot(storage: Pick<Storage, 'db' | 'dialect'>): Promise<Snapshot> {
  const db = storage.db as Kysely<any>;
  const tables: Record<string, SnapshotTable> = {};
  for (const table of await ownTables(db, storage.dialect)) {
    const selections = table.columns.map((column) =>
      column.kind === 'integer' ? sql`cast(${sql.ref(column.name)} as text)`.as(column.name) : sql.ref(column.name).as(column.name),
    );
    const rows = await db.selectFrom(table.name).select(selections).execute();
    tables[table.name] = {
      columns: table.columns,
      rows: rows.map((row: Record<string, unknown>) => table.columns.map((column) => exportValue(row[column.name], column.kind))),
    };
  }
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    exported_at: new Date().toISOString(),
    source: storage.dialect,
    migrations: await ranMigrations(db),
    tables,
  };
}

/** Serializes the snapshot to JSON text, with exact integers. */
export function snapshotToJson(snapshot: Snapshot): string {
  return stringifyJson(snapshot);
}

/** Parses and checks a snapshot document; integers beyond 2^53 stay exact. */
export function parseSnapshot(text: string): Snapshot {
  let parsed: JsonValue;
  try {
    parsed = parseJson(text);
  } catch (error) {
    throw new SnapshotError(`The snapshot is not valid JSON: ${(error as Error).message}`);
  }
  const doc = parsed as Record<string, JsonValue>;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || doc.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`Not a wxshop snapshot: "format" must be "${SNAPSHOT_FORMAT}"`);
  }
  if (doc.version !== SNAPSHOT_VERSION) throw new SnapshotError(`Snapshot version ${String(doc.version)} is not supported; this wxshop reads version ${SNAPSHOT_VERSION}`);
  if (!Array.isArray(doc.migrations) || !doc.migrations.every((name) => typeof name === 'string')) throw new SnapshotError('"migrations" must be an array of names');
  const tables = doc.tables;
  if (typeof tables !== 'object' || tables === null || Array.isArray(tables)) throw new SnapshotError('"tables" must be an object');
  for (const [name, table] of Object.entries(tables)) {
    const t = table as Record<string, JsonValue>;
    const columns = t?.columns;
    if (!Array.isArray(columns) || !Array.isArray(t.rows)) throw new SnapshotError(`Table ${name} needs "columns" and "rows" arrays`);
    for (const column of columns) {
      const c = column as Record<string, JsonValue>;
      if (typeof c?.name !== 'string' || !['integer', 'real', 'blob', 'text'].includes(c.kind as string)) {
        throw new SnapshotError(`Table ${name} has a column without a name or with an unknown kind`);
      }
    }
    for (const row of t.rows) {
      if (!Array.isArray(row) || row.length !== columns.length) throw new SnapshotError(`A row of table ${name} does not have ${columns.length} values`);
    }
  }
  return doc as unknown as Snapshot;
}

/**
 * Text columns that hold JSON documents. A value there that does not parse would break every
 * later read of its row, so the import refuses it.
 */
const JSON_COLUMNS: ReadonlySet<string> = new Set([
  'apps.settings',
  'products.draft',
  'products.online',
  'products.audit_info',
  'products.recent_submissions',
  'outbox.payload',
  'register_records.access_info',
  'register_records.profile',
  'qualification_audits.request',
  'miniapp_certificates.payload',
  'wxpay_applications.request',
  'wxpay_applications.audit_detail',
  'coupons.coupon_info',
  'sharers.invite_times',
  'orders.detail',
  'aftersales.detail',
  'complaints.detail',
  'funds_accounts.account',
  'funds_withdrawals.detail',
  'pay_trades.detail',
  'quota_settings.settings',
  'fault_rules.rule',
  'component_platforms.ip_whitelist',
  'component_authorizations.func_info',
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Checks one value against the kind of the column it goes into (this database's kind, not the
 * one the snapshot claims) and converts it for the driver. SQLite would store a text in an
 * integer column as it is, so the check cannot be left to the database.
 */
function importValue(value: JsonValue, kind: ColumnKind, dialect: Dialect, where: string): unknown {
  if (value === null) return null;
  if (kind === 'blob') {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new SnapshotError(`${where} must be a base64 string`);
    return Buffer.from(value, 'base64');
  }
  if (kind === 'integer') {
    let integer: bigint;
    if (typeof value === 'bigint') integer = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    else throw new SnapshotError(`${where} must be an integer, not ${stringifyJson(value).slice(0, 40)}`);
    if (integer < INT64_MIN || integer > INT64_MAX) throw new SnapshotError(`${where} is beyond the 64-bit integer range`);
    // PostgreSQL takes an int8 parameter as text exactly; SQLite binds a bigint as a 64-bit integer.
    return dialect === 'postgres' ? integer.toString() : integer;
  }
  if (kind === 'real') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new SnapshotError(`${where} must be a finite number`);
    return value;
  }
  if (typeof value !== 'string') throw new SnapshotError(`${where} must be a string`);
  if (value.includes('\u0000')) throw new SnapshotError(`${where} contains U+0000, which PostgreSQL cannot store`);
  return value;
}

function checkJson(value: unknown, where: string): void {
  if (typeof value !== 'string') return;
  try {
    parseJson(value);
  } catch {
    throw new SnapshotError(`${where} is not valid JSON`);
  }
}

// Rows per INSERT, kept under SQLite's bound-parameter limit for the widest table.
const MAX_PARAMETERS = 900;

/**
 * Replaces the whole state with the snapshot, in one transaction: every table is emptied, then
 * filled from the snapshot. A table or column the snapshot names that this database lacks, or a
 * migration it does not know, stops the import before anything changes.
 */
export async function importSnapshot(storage: Pick<Storage, 'db' | 'dialect'>, snapshot: Snapshot): Promise<Record<string, number>> {
  const db = storage.db as Kysely<any>;
  const known = Object.keys(migrations(storage.dialect));
  const unknownMigrations = snapshot.migrations.filter((name) => !known.includes(name));
  if (unknownMigrations.length > 0) {
    throw new SnapshotError(`The snapshot comes from a newer wxshop (migrations ${unknownMigrations.join(', ')}); upgrade before importing`);
  }
  delete snapshot.tables[LOG_TABLE];
  const tables = await ownTables(db, storage.dialect);
  const byName = new Map(tables.map((table) => [table.name, table]));
  for (const [name, table] of Object.entries(snapshot.tables)) {
    const target = byName.get(name);
    if (!target) throw new SnapshotError(`The snapshot has a table ${name} that this database does not have`);
    const missing = table.columns.filter((column) => !target.columns.some((own) => own.name === column.name));
    if (missing.length > 0) throw new SnapshotError(`Table ${name} in the snapshot has columns this database lacks: ${missing.map((c) => c.name).join(', ')}`);
  }

  // Every value is checked before the transaction starts, so a bad one changes nothing.
  const records = new Map<string, Record<string, unknown>[]>();
  for (const [name, table] of Object.entries(snapshot.tables)) {
    const target = byName.get(name)!;
    const kinds = table.columns.map((column) => target.columns.find((own) => own.name === column.name)!.kind);
    records.set(name, table.rows.map((row, rowIndex) => {
      const record: Record<string, unknown> = {};
      table.columns.forEach((column, index) => {
        const where = `Table ${name}, row ${rowIndex + 1}, column ${column.name}`;
        const value = importValue(row[index]!, kinds[index]!, storage.dialect, where);
        if (JSON_COLUMNS.has(`${name}.${column.name}`)) checkJson(value, where);
        record[column.name] = value;
      });
      return record;
    }));
  }

  const counts: Record<string, number> = {};
  try {
    await db.transaction().execute(async (trx) => {
      for (const table of tables) await trx.deleteFrom(table.name).execute();
      for (const [name, table] of Object.entries(snapshot.tables)) {
        const rows = records.get(name)!;
        counts[name] = rows.length;
        const batch = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, table.columns.length)));
        for (let start = 0; start < rows.length; start += batch) {
          await trx.insertInto(name).values(rows.slice(start, start + batch)).execute();
        }
      }
      await recountKept(trx);
      if (storage.dialect === 'postgres') await resetSequences(trx, tables);
    });
  } catch (error) {
    // A constraint the rows break (a repeated primary key, a missing required value) rolls the
    // whole import back; the state from before stays.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && (/^SQLITE_CONSTRAINT/.test(code) || /^23/.test(code))) {
      throw new SnapshotError(`The snapshot's rows break a constraint of this database: ${(error as Error).message}`);
    }
    // PostgreSQL's data exceptions (class 22), such as 2^40 in a 32-bit integer column, roll back the same way.
    if (typeof code === 'string' && /^22/.test(code)) {
      throw new SnapshotError(`The snapshot has a value this database cannot store: ${(error as Error).message}`);
    }
    throw error;
  }
  return counts;
}

/**
 * The kept counts behind the list totals are computed again from the imported rows, so a snapshot
 * from a version that had no such count, or one edited by hand, still lists the right totals.
 */
async function recountKept(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('product_counts').execute();
  await sql`insert into product_counts (appid, status, live) select appid, status, count(*) from products where deleted = 0 group by appid, status`.execute(db);
  await db.deleteFrom('order_counts').execute();
  await sql`insert into order_counts (appid, total) select appid, count(*) from orders group by appid`.execute(db);
}

/** Moves each PostgreSQL identity sequence past the largest imported value. */
async function resetSequences(db: Kysely<any>, tables: TableInfo[]): Promise<void> {
  for (const table of tables) {
    for (const column of table.columns.filter((c) => c.kind === 'integer')) {
      const found = await sql<{ sequence: string | null }>`select pg_get_serial_sequence(${table.name}, ${column.name}) as sequence`.execute(db);
      const sequence = found.rows[0]?.sequence;
      if (!sequence) continue;
      await sql`select setval(${sequence}, coalesce((select max(${sql.ref(column.name)}) from ${sql.table(table.name)}), 0) + 1, false)`.execute(db);
    }
  }
}
