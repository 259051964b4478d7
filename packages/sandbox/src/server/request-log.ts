import type { Insertable } from 'kysely';
import type { Logger } from 'pino';
import { REQUEST_LOG_SCHEMA, type Storage } from '../storage/database.js';
import type { RequestLogTable } from '../storage/schema.js';

const COLUMNS = ['rid', 'appid', 'method', 'path', 'query', 'request_body', 'response_body', 'errcode', 'rule', 'client_ip', 'invoke_time', 'cost_ms'] as const;

// Rows are written in batches so the log costs one insert per batch, not one per request.
const FLUSH_INTERVAL_MS = 100;
const FLUSH_BATCH_ROWS = 200;
// Beyond this backlog (the database is down or far too slow) new rows are dropped and counted.
const MAX_PENDING_ROWS = 50_000;

/**
 * Buffered writer of the request log, which serves rid lookups, the console and the CLI.
 * Rows reach the database within about 100 ms; `flush()` writes them at once.
 */
export class RequestLog {
  private pending: Insertable<RequestLogTable>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;

  private readonly writeSqlite: ((rows: Insertable<RequestLogTable>[]) => void) | undefined;
  // Set when the log lives in its own attached file, which a reset of the main file's tables misses.
  private readonly clearSeparateFile: (() => void) | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
  ) {
    // On SQLite the log is written with one prepared statement in one transaction per batch: the
    // query builder would rebuild a 600-parameter insert for every batch, the largest cost of a
    // simple request. PostgreSQL keeps the builder's multi-row insert.
    const sqlite = storage.sqlite;
    if (sqlite) {
      // Positional parameters bound about a quarter faster than named ones in a microbenchmark
      // (better-sqlite3 12.11.1, batches of 200 rows).
      const insert = sqlite.prepare(`insert or ignore into request_log (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`);
      this.writeSqlite = sqlite.transaction((rows: Insertable<RequestLogTable>[]) => {
        for (const row of rows) {
          insert.run(
            row.rid,
            row.appid ?? null,
            row.method,
            row.path,
            row.query,
            row.request_body,
            row.response_body,
            row.errcode,
            row.rule,
            row.client_ip,
            row.invoke_time,
            row.cost_ms,
          );
        }
      });
      const attached = sqlite.prepare('select 1 from pragma_database_list where name = ?').get(REQUEST_LOG_SCHEMA);
      if (attached) {
        const clear = sqlite.prepare(`delete from ${REQUEST_LOG_SCHEMA}.request_log`);
        this.clearSeparateFile = () => void clear.run();
      }
    }
  }

  /** Deletes every logged request, buffered or stored; part of a reset of the sandbox. */
  async clear(): Promise<void> {
    await this.flush();
    if (this.clearSeparateFile) this.clearSeparateFile();
    else await this.storage.db.deleteFrom('request_log').execute();
  }

  record(row: Insertable<RequestLogTable>): void {
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

  private async write(rows: Insertable<RequestLogTable>[]): Promise<void> {
    if (this.writeSqlite) {
      try {
        this.writeSqlite(rows);
      } catch (error) {
        this.logger.error({ err: error, rows: rows.length }, 'failed to write request log rows');
      }
      return;
    }
    for (let start = 0; start < rows.length; start += 50) {
      const batch = rows.slice(start, start + 50);
      try {
        await this.storage.db.insertInto('request_log').values(batch).onConflict((c) => c.doNothing()).execute();
      } catch (error) {
        this.logger.error({ err: error, rows: batch.length }, 'failed to write request log rows');
      }
    }
  }
}
