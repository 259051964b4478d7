import type { Insertable, Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { RequestLogStorage, Storage } from '../storage/database.js';
import type { Database, RequestLogTable } from '../storage/schema.js';
import { withoutNul } from './fields.js';
import { redactJsonText, redactQueryText } from './redact.js';

const COLUMNS = ['rid', 'appid', 'method', 'path', 'query', 'request_body', 'response_body', 'errcode', 'rule', 'client_ip', 'invoke_time', 'cost_ms'] as const;

// Rows are written in batches so the log costs one insert per batch, not one per request.
const FLUSH_INTERVAL_MS = 100;
const FLUSH_BATCH_ROWS = 200;
// Beyond this backlog (the database is down or far too slow) new rows are dropped and counted.
const MAX_PENDING_ROWS = 50_000;

// The response is cast to text. A response bound as UTF-8 bytes is then stored as the same text
// a string would give, so every reader sees text, and SQLite skips encoding it for each row.
const ROW_PLACEHOLDERS = `(${COLUMNS.map((column) => (column === 'response_body' ? 'cast(? as text)' : '?')).join(', ')})`;
const insertSql = (rows: number) => `insert or ignore into request_log (${COLUMNS.join(', ')}) values ${Array(rows).fill(ROW_PLACEHOLDERS).join(', ')}`;
// On SQLite, full groups of this many rows go in one statement: a row then costs about a fifth
// less CPU than with one statement a row (better-sqlite3 12, rows of 1.4 KB, an estimate from a
// microbenchmark). The group stays well below SQLite's limit of 32,766 parameters.
const ROWS_PER_STATEMENT = 20;

// A row is its values in column order, because positional values bound about a quarter faster
// than named ones (better-sqlite3 12.11.1, batches of 200 rows).
// On SQLite a response served again unchanged is bound as its UTF-8 bytes (see ROW_PLACEHOLDERS).
type RowValues = [string, string | null, string, string, string, string, string | Buffer, number, string, string, number, number];
// Maximum body length kept in a row. A longer request body is logged by its size, and a longer response is cut.
const MAX_LOGGED_BODY = 65536;

/** One served wire request, as the pipeline hands it to the log. */
export interface WireLogEntry {
  rid: string;
  appid: string | null;
  method: string;
  path: string;
  /** The query string as sent, without the `?`. */
  query: string;
  params: URLSearchParams;
  requestBody: Buffer;
  responseBody: string;
  /** The response in UTF-8, given only when the same buffer is served again unchanged (a cached product). */
  responseBytes?: Buffer;
  errcode: number;
  rule: string;
  clientIp: string;
  invokeTime: number;
  costMs: number;
}

/**
 * Buffered writer of the request log, which serves rid lookups, the console and the CLI.
 * Rows reach the database within about 100 ms; `flush()` writes them at once.
 */
export class RequestLog {
  private pending: RowValues[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  // What a row logs for a response served again unchanged, by that response's buffer.
  private readonly sharedResponses = new WeakMap<Buffer, string | Buffer>();

  private readonly writeSqlite: ((rows: RowValues[]) => void) | undefined;
  private readonly storage: RequestLogStorage;

  constructor(
    storage: Storage,
    private readonly logger: Logger,
  ) {
    this.storage = storage.requestLog;
    // On SQLite the log is written with one prepared statement in one transaction per batch: the
    // query builder would rebuild a 600-parameter insert for every batch, the largest cost of a
    // simple request. PostgreSQL keeps the builder's multi-row insert.
    const sqlite = this.storage.sqlite;
    if (sqlite) {
      const insertOne = sqlite.prepare(insertSql(1));
      const insertGroup = sqlite.prepare(insertSql(ROWS_PER_STATEMENT));
      const groupValues: unknown[] = new Array(ROWS_PER_STATEMENT * COLUMNS.length);
      this.writeSqlite = sqlite.transaction((rows: RowValues[]) => {
        let start = 0;
        for (; start + ROWS_PER_STATEMENT <= rows.length; start += ROWS_PER_STATEMENT) {
          let index = 0;
          for (let row = start; row < start + ROWS_PER_STATEMENT; row++) {
            for (const value of rows[row]!) groupValues[index++] = value;
          }
          insertGroup.run(groupValues);
        }
        for (; start < rows.length; start++) insertOne.run(rows[start]);
      });
    }
  }

  /**
   * The query builder that reaches the `request_log` table. On a SQLite file it is a connection of
   * the log's own, not the business data's.
   */
  get db(): Kysely<Database> {
    return this.storage.db;
  }

  /** Deletes every logged request, buffered or stored; part of a reset of the sandbox. */
  async clear(): Promise<void> {
    await this.flush();
    await this.storage.db.deleteFrom('request_log').execute();
  }

  /**
   * Logs a served wire request, with credentials masked. A response given with its UTF-8 bytes is
   * masked once and kept, because the same response is sent on every call.
   */
  recordWire(entry: WireLogEntry): void {
    const body = entry.requestBody;
    const row: RowValues = [
      entry.rid,
      entry.appid,
      entry.method,
      withoutNul(entry.path),
      redactQueryText(entry.query, entry.params),
      body.length > MAX_LOGGED_BODY ? `(${body.length} bytes)` : withoutNul(redactJsonText(body.toString('utf8'))),
      entry.responseBytes === undefined ? loggedResponse(entry.responseBody) : this.sharedResponse(entry.responseBody, entry.responseBytes),
      entry.errcode,
      entry.rule,
      entry.clientIp,
      entry.invokeTime,
      entry.costMs,
    ];
    if (this.pending.length >= MAX_PENDING_ROWS) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 10_000 === 0) {
        this.logger.warn({ dropped: this.dropped }, 'request log backlog full; dropping rows');
      }
      return;
    }
    this.pending.push(row);
    if (this.pending.length >= FLUSH_BATCH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes every buffered row; resolves once they are stored. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const rows = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => this.write(rows));
    return this.writing;
  }

  private sharedResponse(body: string, bytes: Buffer): string | Buffer {
    let logged = this.sharedResponses.get(bytes);
    if (logged === undefined) {
      const text = loggedResponse(body);
      // Binding the bytes spares SQLite encoding the text again for every row.
      if (this.writeSqlite === undefined) logged = text;
      else logged = text === body ? bytes : Buffer.from(text, 'utf8');
      this.sharedResponses.set(bytes, logged);
    }
    return logged;
  }

  private async write(rows: RowValues[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.writeSqlite) {
      try {
        this.writeSqlite(rows);
      } catch (error) {
        this.logger.error({ err: error, rows: rows.length }, 'failed to write request log rows');
      }
      return;
    }
    for (let start = 0; start < rows.length; start += 50) {
      const batch = rows.slice(start, start + 50).map(rowObject);
      try {
        await this.storage.db.insertInto('request_log').values(batch).onConflict((c) => c.doNothing()).execute();
      } catch (error) {
        this.logger.error({ err: error, rows: batch.length }, 'failed to write request log rows');
      }
    }
  }
}

function loggedResponse(body: string): string {
  return body.length > MAX_LOGGED_BODY ? body.slice(0, MAX_LOGGED_BODY) : redactJsonText(body);
}

// Rows for the query builder (PostgreSQL), where every response is text.
function rowObject(row: RowValues): Insertable<RequestLogTable> {
  const [rid, appid, method, path, query, request_body, response, errcode, rule, client_ip, invoke_time, cost_ms] = row;
  const response_body = typeof response === 'string' ? response : response.toString('utf8');
  return { rid, appid, method, path, query, request_body, response_body, errcode, rule, client_ip, invoke_time, cost_ms };
}

