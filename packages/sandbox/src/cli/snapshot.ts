import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openStorage } from '../storage/database.js';
import { exportSnapshot, importSnapshot, parseSnapshot, snapshotToJson } from '../storage/snapshot.js';
import { DEFAULTS } from './config.js';
import type { messages } from './messages.js';

type Text = ReturnType<typeof messages>;

/**
 * `wxshop snapshot export FILE --db …` writes the whole state of a database to FILE;
 * `wxshop snapshot import FILE --db …` replaces the state with FILE. Works on the database
 * directly, so no sandbox needs to run; stop a sandbox before importing under it.
 */
export async function runSnapshot(args: string[], text: Text): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { db: { type: 'string' }, lang: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`${text.snapshotFailed((error as Error).message)}\n`);
    return 2;
  }
  const [action, file, ...extra] = parsed.positionals;
  if ((action !== 'export' && action !== 'import') || file === undefined || extra.length > 0) {
    process.stderr.write(`${text.snapshotUsage}\n`);
    return 2;
  }
  const db = parsed.values.db ?? process.env.WXSHOP_DB ?? DEFAULTS.db;

  let storage;
  try {
    storage = await openStorage({ url: db });
  } catch (error) {
    process.stderr.write(`${text.snapshotFailed((error as Error).message)}\n`);
    return 1;
  }
  try {
    if (action === 'export') {
      const snapshot = await exportSnapshot(storage);
      writeFileSync(file, snapshotToJson(snapshot));
      const rows = Object.values(snapshot.tables).reduce((sum, table) => sum + table.rows.length, 0);
      process.stdout.write(`${text.snapshotExported(file, Object.keys(snapshot.tables).length, rows)}\n`);
    } else {
      const counts = await importSnapshot(storage, parseSnapshot(readFileSync(file, 'utf8')));
      const rows = Object.values(counts).reduce((sum, count) => sum + count, 0);
      process.stdout.write(`${text.snapshotImported(file, storage.description, rows)}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`${text.snapshotFailed((error as Error).message)}\n`);
    return 1;
  } finally {
    await storage.close();
  }
}
