import type Sqlite from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import { fitsIntegerColumn, noteSqliteWrite, sqliteHandle, sqliteReadVersion } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { Executor } from '../app/store.js';
import type { EditStatus, OnlineStatus } from './states.js';

/** A product copy as stored: the merchant's fields with platform sku ids (decimal strings). */
export interface ProductCopy {
  title: string;
  path: string;
  direct_path?: string;
  head_img: string[];
  qualification_pics: string[];
  desc_info: { desc: string; imgs: string[] };
  third_cat_id: number;
  brand_id: number;
  info_version: string;
  scene_group_list: number[];
  skus: StoredSku[];
  /** Optional fields of older integrations, stored and echoed without meaning. */
  extras: Record<string, unknown>;
}

export interface StoredSku {
  out_product_id: string;
  out_sku_id: string;
  sku_id: string;
  thumb_img: string;
  sale_price: number;
  market_price: number;
  stock_num: number;
  barcode: string;
  sku_code: string;
  sku_attrs: { attr_key: string; attr_value: string }[];
}

export interface AuditInfoRecord {
  submit_time?: number;
  audit_time?: number;
  reject_reason?: string;
  audit_id?: string;
}

export interface ProductRecord {
  appid: string;
  product_id: string;
  out_product_id: string;
  draft: ProductCopy;
  online: ProductCopy | null;
  status: OnlineStatus;
  edit_status: EditStatus;
  audit_info: AuditInfoRecord;
  audit_due_at: number | null;
  recent_submissions: number[];
  deleted: boolean;
  create_time: number;
  update_time: number;
}

type Row = {
  appid: string;
  product_id: string;
  out_product_id: string;
  draft: string;
  online: string | null;
  status: number;
  edit_status: number;
  audit_info: string;
  audit_due_at: number | null;
  recent_submissions: string;
  deleted: number;
  create_time: number;
  update_time: number;
};

function toRecord(row: Row): ProductRecord {
  return {
    appid: row.appid,
    product_id: row.product_id,
    out_product_id: row.out_product_id,
    draft: JSON.parse(row.draft) as ProductCopy,
    online: row.online === null ? null : (JSON.parse(row.online) as ProductCopy),
    status: row.status as OnlineStatus,
    edit_status: row.edit_status as EditStatus,
    audit_info: JSON.parse(row.audit_info) as AuditInfoRecord,
    audit_due_at: row.audit_due_at === null ? null : Number(row.audit_due_at),
    recent_submissions: JSON.parse(row.recent_submissions) as number[],
    deleted: row.deleted === 1,
    create_time: Number(row.create_time),
    update_time: Number(row.update_time),
  };
}

function toRow(record: ProductRecord): Row {
  return {
    ...record,
    draft: JSON.stringify(record.draft),
    online: record.online === null ? null : JSON.stringify(record.online),
    audit_info: JSON.stringify(record.audit_info),
    recent_submissions: JSON.stringify(record.recent_submissions),
    deleted: record.deleted ? 1 : 0,
  };
}

export type ProductKey = { product_id: string } | { out_product_id: string };

/** Finds a product by platform or merchant id, including deleted ones. */
export async function findProduct(db: Executor, appid: string, key: ProductKey): Promise<ProductRecord | undefined> {
  const byProductId = 'product_id' in key;
  const template = compiledLookup(db, byProductId);
  const id = byProductId ? key.product_id : key.out_product_id;
  const result = await db.executeQuery<Row>({ ...template, parameters: [appid, id] });
  const row = result.rows[0];
  return row ? toRecord(row) : undefined;
}

// spu/get is the most frequent call, and most of its cost was this read. On SQLite the record is
// kept in memory with the read version it was read at, and served while that version holds: any
// write by this process or a commit by another process on the same file changes the version. On
// PostgreSQL other instances write without notice, so every read goes to the database.
const READ_CACHE_MAX_ENTRIES = 5_000;
const readCaches = new WeakMap<Kysely<Database>, { version: number; records: Map<string, ProductRecord | undefined> }>();

/**
 * Finds a product like `findProduct`, outside a transaction, for callers that only read it: the
 * record may be shared with other callers and must not be changed.
 */
export async function readProduct(db: Kysely<Database>, appid: string, key: ProductKey): Promise<ProductRecord | undefined> {
  const version = sqliteReadVersion(db);
  if (version === undefined) return findProduct(db, appid, key);
  let cache = readCaches.get(db);
  // Every kept record was read at the cache's version, so a new version drops them all at once.
  if (!cache || cache.version !== version) {
    cache = { version, records: new Map() };
    readCaches.set(db, cache);
  }
  const cacheKey = 'product_id' in key ? `${appid} p ${key.product_id}` : `${appid} o ${key.out_product_id}`;
  if (cache.records.has(cacheKey)) return cache.records.get(cacheKey);
  const record = await findProduct(db, appid, key);
  // A write that ran while the read waited for the connection leaves the result unkept.
  if (sqliteReadVersion(db) === version) {
    if (cache.records.size >= READ_CACHE_MAX_ENTRIES) cache.records.clear();
    cache.records.set(cacheKey, record);
  }
  return record;
}

// The two product lookups are the hottest queries, so they are compiled once per dialect and run
// with new parameters instead of being rebuilt by the query builder on every request. Their only
// parameters are the appid and the id, in that order.
const lookupTemplates = new Map<string, CompiledQuery>();

function compiledLookup(db: Executor, byProductId: boolean): CompiledQuery {
  const adapter = db.getExecutor().adapter.constructor.name;
  const cacheKey = `${adapter}:${byProductId}`;
  let template = lookupTemplates.get(cacheKey);
  if (!template) {
    const query = db.selectFrom('products').selectAll().where('appid', '=', '');
    template = (byProductId ? query.where('product_id', '=', '') : query.where('out_product_id', '=', '')).compile();
    lookupTemplates.set(cacheKey, template);
  }
  return template;
}

/** Inserts a new product; returns false when its out_product_id was taken by a concurrent insert. */
export async function insertProduct(db: Executor, record: ProductRecord): Promise<boolean> {
  const row = toRow(record);
  try {
    await db.executeQuery({ ...compiledInsert(db), parameters: ROW_COLUMNS.map((column) => row[column]) });
    if (!record.deleted) await changeCount(db, record.appid, record.status, 1);
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * Inserts a new product with its count in a transaction of its own; returns false when its
 * out_product_id is taken. On SQLite, when no other transaction is open on the connection, it runs
 * as one synchronous transaction of two prepared statements: nothing else can run in between, and
 * it skips the query builder's transaction handling, which cost more than the statements.
 */
export async function createProduct(db: Kysely<Database>, record: ProductRecord): Promise<boolean> {
  const sqlite = sqliteHandle(db);
  if (sqlite && !sqlite.inTransaction) {
    const writer = sqliteWriter(db, sqlite);
    const row = toRow(record);
    try {
      writer(ROW_COLUMNS.map((column) => row[column]), record.deleted ? undefined : record.status);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    } finally {
      noteSqliteWrite(db);
    }
  }
  // A failed statement aborts a PostgreSQL transaction, so a taken id must roll it back, not commit.
  const taken = new Error('out_product_id taken');
  try {
    await db.transaction().execute(async (trx) => {
      if (!(await insertProduct(trx, record))) throw taken;
    });
    return true;
  } catch (error) {
    if (error === taken) return false;
    throw error;
  }
}

type ProductWriter = (parameters: unknown[], countedStatus: number | undefined) => void;
const sqliteWriters = new WeakMap<Sqlite.Database, ProductWriter>();

function sqliteWriter(db: Kysely<Database>, sqlite: Sqlite.Database): ProductWriter {
  let writer = sqliteWriters.get(sqlite);
  if (!writer) {
    const insert = sqlite.prepare(compiledInsert(db).sql);
    const count = sqlite.prepare(
      'insert into product_counts (appid, status, live) values (?, ?, 1) on conflict (appid, status) do update set live = product_counts.live + 1',
    );
    writer = sqlite.transaction((parameters: unknown[], countedStatus: number | undefined) => {
      insert.run(parameters);
      if (countedStatus !== undefined) count.run(parameters[0], countedStatus);
    }).immediate as ProductWriter;
    sqliteWriters.set(sqlite, writer);
  }
  return writer;
}

/** True for a unique-constraint failure of either dialect (PostgreSQL 23505, SQLite CONSTRAINT_UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Saves a changed product only if no other write changed it since it was read (same update_time
 * and states as `previous`). Returns false on a lost race, which the caller reports as 1000013.
 */
export async function saveProduct(db: Executor, record: ProductRecord, previous: ProductRecord): Promise<boolean> {
  const row = toRow(record);
  const parameters = [
    ...CHANGED_COLUMNS.map((column) => row[column]),
    row.appid,
    row.product_id,
    previous.update_time,
    previous.edit_status,
    previous.status,
  ];
  const result = await db.executeQuery({ ...compiledSave(db), parameters });
  if (Number(result.numAffectedRows) !== 1) return false;
  if (previous.status !== record.status || previous.deleted !== record.deleted) {
    if (!previous.deleted) await changeCount(db, row.appid, previous.status, -1);
    if (!record.deleted) await changeCount(db, row.appid, record.status, 1);
  }
  return true;
}

/** Moves the live-product count of an app and status; runs in the transaction of the write. */
async function changeCount(db: Executor, appid: string, status: number, by: number): Promise<void> {
  await db
    .insertInto('product_counts')
    .values({ appid, status, live: by })
    .onConflict((conflict) => conflict.columns(['appid', 'status']).doUpdateSet((eb) => ({ live: eb('product_counts.live', '+', by) })))
    .execute();
}

// Insert and save run on every add, update and audit decision, so they too are compiled once per
// dialect. Their parameters follow the column lists below, the order the templates are built in.
const ROW_COLUMNS = [
  'appid',
  'product_id',
  'out_product_id',
  'draft',
  'online',
  'status',
  'edit_status',
  'audit_info',
  'audit_due_at',
  'recent_submissions',
  'deleted',
  'create_time',
  'update_time',
] as const satisfies readonly (keyof Row)[];
// A save leaves out the columns that never change after the insert, so their indexes are not
// rewritten on every save.
const FIXED_COLUMNS: readonly string[] = ['appid', 'product_id', 'out_product_id', 'create_time'];
const CHANGED_COLUMNS = ROW_COLUMNS.filter((column) => !FIXED_COLUMNS.includes(column));
const writeTemplates = new Map<string, CompiledQuery>();

function templateRow(): Row {
  // Non-null placeholders, so that every column becomes a bound parameter.
  const row: Record<string, string | number> = {};
  for (const column of ROW_COLUMNS) row[column] = '';
  return row as unknown as Row;
}

function compiledInsert(db: Executor): CompiledQuery {
  const cacheKey = `${db.getExecutor().adapter.constructor.name}:insert`;
  let template = writeTemplates.get(cacheKey);
  if (!template) {
    template = db.insertInto('products').values(templateRow()).compile();
    checkParameterCount(template, ROW_COLUMNS.length);
    writeTemplates.set(cacheKey, template);
  }
  return template;
}

function compiledSave(db: Executor): CompiledQuery {
  const cacheKey = `${db.getExecutor().adapter.constructor.name}:save`;
  let template = writeTemplates.get(cacheKey);
  if (!template) {
    const row = templateRow();
    const changes = Object.fromEntries(CHANGED_COLUMNS.map((column) => [column, row[column]]));
    template = db
      .updateTable('products')
      .set(changes)
      .where('appid', '=', '')
      .where('product_id', '=', '')
      .where('update_time', '=', 0)
      .where('edit_status', '=', 0)
      .where('status', '=', 0)
      .compile();
    checkParameterCount(template, CHANGED_COLUMNS.length + 5);
    writeTemplates.set(cacheKey, template);
  }
  return template;
}

function checkParameterCount(template: CompiledQuery, expected: number): void {
  if (template.parameters.length !== expected) {
    throw new Error(`compiled product query has ${template.parameters.length} parameters, expected ${expected}: ${template.sql}`);
  }
}

export interface ListFilter {
  appid: string;
  status?: number;
  createRange?: [number, number];
  updateRange?: [number, number];
  offset: number;
  limit: number;
}

export async function listProducts(db: Executor, filter: ListFilter): Promise<{ total: number; items: ProductRecord[] }> {
  if (filter.status !== undefined && !fitsIntegerColumn(filter.status)) return { total: 0, items: [] };
  let query = db.selectFrom('products').where('appid', '=', filter.appid).where('deleted', '=', 0);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.createRange) {
    query = query.where('create_time', '>=', filter.createRange[0]).where('create_time', '<=', filter.createRange[1]);
  } else if (filter.updateRange) {
    query = query.where('update_time', '>=', filter.updateRange[0]).where('update_time', '<=', filter.updateRange[1]);
  }
  // Without a time range the total comes from the kept counts; a range is counted on its index.
  let total: number;
  if (filter.createRange || filter.updateRange) {
    const count = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    total = Number(count.count);
  } else {
    let counts = db.selectFrom('product_counts').where('appid', '=', filter.appid);
    if (filter.status !== undefined) counts = counts.where('status', '=', filter.status);
    const sum = await counts.select((eb) => eb.fn.sum<number>('live').as('live')).executeTakeFirst();
    total = Number(sum?.live ?? 0);
  }
  const rows = await query
    .selectAll()
    .orderBy('create_time', 'desc')
    .orderBy('product_id', 'desc')
    .offset(filter.offset)
    .limit(filter.limit)
    .execute();
  return { total, items: rows.map((row) => toRecord(row as Row)) };
}

/** Products of any app whose pending audit is due at or before `now`. */
export async function findDueAudits(db: Executor, now: number, limit: number): Promise<ProductRecord[]> {
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('audit_due_at', '<=', now)
    .where('deleted', '=', 0)
    .orderBy('audit_due_at')
    .limit(limit)
    .execute();
  return rows.map((row) => toRecord(row as Row));
}

/** Lists every product of an app for the admin API, newest first. */
export async function listAllProducts(db: Executor, appid: string, includeDeleted: boolean): Promise<ProductRecord[]> {
  let query = db.selectFrom('products').selectAll().where('appid', '=', appid);
  if (!includeDeleted) query = query.where('deleted', '=', 0);
  const rows = await query.orderBy('create_time', 'desc').execute();
  return rows.map((row) => toRecord(row as Row));
}

/** True once any product of the app has passed a review (it then has an online copy). */
export async function hasApprovedProduct(db: Executor, appid: string): Promise<boolean> {
  const row = await db.selectFrom('products').select('product_id').where('appid', '=', appid).where('online', 'is not', null).limit(1).executeTakeFirst();
  return row !== undefined;
}
