import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openStorage } from '../storage/database.js';
import { exportSnapshot, importSnapshot, parseSnapshot, snapshotToJson } from '../storage/snapshot.js';
import { DEFAULTS } from './config.js';
import { argumentErrorMessage, messages, type Language } from './messages.js';
import { colourOn, progress, styles, type Output } from './terminal.js';

/**
 * `wxshop snapshot export FILE --db …` writes the whole state of a database to FILE;
 * `wxshop snapshot import FILE --db …` replaces the state with FILE. Works on the database
 * directly, so no sandbox needs to run; stop a sandbox before importing under it. Returns the
 * exit code: 0 done, 1 failed, 2 invalid arguments.
 */
export async function runSnapshot(args: string[], language: Language, out: Output, err: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const text = messages(language);
  const failure = (message: string) => err.write(`${styles(colourOn(err, env)).red(text.snapshotFailed(message))}\n`);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    failure(argumentErrorMessage(error, language));
    return 2;
  }
  if (parsed.values.help) {
    out.write(`${text.snapshotUsage}\n`);
    return 0;
  }
  const [action, file, ...extra] = parsed.positionals;
  if ((action !== 'export' && action !== 'import') || file === undefined || extra.length > 0) {
    err.write(`${text.snapshotUsage}\n`);
    return 2;
  }
  const db = parsed.values.db ?? env.WXSHOP_DB ?? DEFAULTS.db;
  const json = parsed.values.json === true;
  const success = styles(colourOn(out, env)).green;

  // Opening a file that does not exist would create an empty database, so a mistyped path would
  // export an empty shop. Import may create the file: it fills a new database from the snapshot.
  if (action === 'export' && isDatabaseFile(db) && !existsSync(db)) {
    failure(text.snapshotNoDatabase(db));
    return 1;
  }

  let storage;
  try {
    storage = await openStorage({ url: db });
  } catch (error) {
    failure((error as Error).message);
    return 1;
  }
  const clear = progress(err, action === 'export' ? text.snapshotExporting : text.snapshotImporting);
  try {
    if (action === 'export') {
      const snapshot = await exportSnapshot(storage);
      writeFileSync(file, snapshotToJson(snapshot));
      const tables = Object.keys(snapshot.tables).length;
      const rows = Object.values(snapshot.tables).reduce((sum, table) => sum + table.rows.length, 0);
      clear();
      out.write(json ? `${JSON.stringify({ action, file, storage: storage.description, tables, rows })}\n` : `${success(text.snapshotExported(file, tables, rows))}\n`);
    } else {
      const counts = await importSnapshot(storage, parseSnapshot(readFileSync(file, 'utf8')));
      const rows = Object.values(counts).reduce((sum, count) => sum + count, 0);
      clear();
      out.write(json ? `${JSON.stringify({ action, file, storage: storage.description, tables: Object.keys(counts).length, rows })}\n` : `${success(text.snapshotImported(file, storage.description, rows))}\n`);
    }
    return 0;
  } catch (error) {
    clear();
    failure((error as Error).message);
    return 1;
  } finally {
    await storage.close();
  }
}

/** True for a SQLite file path, false for an in-memory database or a PostgreSQL URL. */
function isDatabaseFile(db: string): boolean {
  return db !== ':memory:' && db !== '' && !/^postgres(?:ql)?:\/\//.test(db);
}
