// Floor servers for `scripts/bench.mjs`: bare node:http servers that do only the work the sandbox
// must do for every request, so their throughput bounds what any implementation can reach here.
// Each one reads the body, parses it as JSON and finds the app by its access_token in a Map. It
// writes one JSON log line per request to standard error in 4 KiB batches and stores one request
// log row per request in batches, as the sandbox's request log does. The reply is a fixed body.
//   read: nothing else; the reply is a captured spu/get reply.
//   write: also inserts the body as a product row, committing one transaction per request.
//   write-grouped: the same insert, but one transaction commits every row of an event-loop turn
//     before their replies go out, which shows what grouping commits would buy.
// The tables are made from the SQL text that the sandbox stored in its own files, so the floor
// writes to the same columns and indexes with the same pragmas.
// Usage: node scripts/bench-floor.mjs read|write|write-grouped PORT DIR SANDBOX_DB REPLY_FILE
import { readFileSync, write } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const [mode, portText, dir, sandboxDb, replyFile] = process.argv.slice(2);
if (!['read', 'write', 'write-grouped'].includes(mode) || !portText || !dir || !sandboxDb || !replyFile) {
  console.error('usage: node scripts/bench-floor.mjs read|write|write-grouped PORT DIR SANDBOX_DB REPLY_FILE');
  process.exit(2);
}

const APPID = 'wx0000000000bench1';
const TOKEN = 'floor-token';
// As in the sandbox, the reply goes to the socket as a string and to the log as UTF-8 bytes.
const reply = readFileSync(replyFile, 'utf8');
const replyBytes = Buffer.from(reply, 'utf8');
const apps = new Map([[TOKEN, APPID]]);

// Copies the table and index definitions of `table` from a sandbox file into `target`.
function copySchema(source, target, table) {
  const from = new Database(source, { readonly: true });
  const statements = from.prepare(`select sql from sqlite_master where tbl_name = ? and sql is not null order by type desc`).pluck().all(table);
  from.close();
  if (statements.length === 0) throw new Error(`table ${table} not found in ${source}`);
  for (const statement of statements) target.exec(statement);
}

// The request log, with the sandbox's log file settings: 16 KiB pages, WAL, no syncs.
const log = new Database(join(dir, `floor-${mode}-requests.db`));
log.pragma('page_size = 16384');
log.pragma('journal_mode = WAL');
log.pragma('synchronous = OFF');
copySchema(`${sandboxDb}-requests`, log, 'request_log');
// Rows go 20 to a statement, and the reply is bound as bytes cast to text, as the sandbox does.
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, cast(? as text), ?, ?, ?, ?, ?)';
const ROWS_PER_STATEMENT = 20;
const insertLogRow = log.prepare(`insert or ignore into request_log values ${ROW_PLACEHOLDERS}`);
const insertLogGroup = log.prepare(`insert or ignore into request_log values ${Array(ROWS_PER_STATEMENT).fill(ROW_PLACEHOLDERS).join(', ')}`);
const writeLogRows = log.transaction((rows) => {
  let start = 0;
  for (; start + ROWS_PER_STATEMENT <= rows.length; start += ROWS_PER_STATEMENT) insertLogGroup.run(rows.slice(start, start + ROWS_PER_STATEMENT).flat());
  for (; start < rows.length; start++) insertLogRow.run(rows[start]);
});
let logRows = [];
let logTimer;
function flushLog() {
  clearTimeout(logTimer);
  logTimer = undefined;
  const rows = logRows;
  logRows = [];
  writeLogRows(rows);
}

let lines = [];
let lineChars = 0;
let requests = 0;

function logRequest(url, body, path) {
  const rid = `${Date.now().toString(16)}-${(requests++).toString(16)}`;
  const line = `{"level":30,"time":${Date.now()},"pid":${process.pid},"rid":"${rid}","appid":"${APPID}","path":"${path}","errcode":0,"rule":"ok","ms":0,"msg":"wire request"}\n`;
  lines.push(line);
  lineChars += line.length;
  if (lineChars >= 4096) {
    write(2, lines.join(''), () => {});
    lines = [];
    lineChars = 0;
  }
  logRows.push([rid, APPID, 'POST', path, url.slice(path.length + 1).replace(TOKEN, '***'), body.toString('utf8'), replyBytes, 0, 'ok', '127.0.0.1', Date.now(), 0]);
  if (logRows.length >= 200) flushLog();
  else logTimer ??= setTimeout(flushLog, 100);
}

// The product table, with the sandbox's main file settings: WAL, synchronous NORMAL, and a
// checkpoint every 10,000 pages.
let insertProduct;
if (mode !== 'read') {
  const db = new Database(join(dir, `floor-${mode}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 10000');
  copySchema(sandboxDb, db, 'products');
  const insert = db.prepare(
    'insert into products (appid, product_id, out_product_id, draft, online, status, edit_status, audit_info, audit_due_at, recent_submissions, deleted, create_time, update_time) values (?, ?, ?, ?, null, 0, 2, ?, ?, ?, 0, ?, ?)',
  );
  let nextId = 4_100_000_001;
  const values = (body) => {
    const now = Date.now();
    return [APPID, String(nextId++), body.out_product_id, JSON.stringify(body), JSON.stringify({ submit_time: now }), now + 10_000, JSON.stringify([now]), now, now];
  };
  const commitOne = db.transaction((row) => insert.run(row)).immediate;
  if (mode === 'write') {
    insertProduct = (body, send, fail) => {
      try {
        commitOne(values(body));
      } catch (error) {
        console.error(`commit failed: ${error.message}`);
        fail();
        return;
      }
      send();
    };
  } else {
    let turn = [];
    const commitTurn = db.transaction((rows) => {
      for (const row of rows) insert.run(row);
    }).immediate;
    const endTurn = () => {
      const waiting = turn;
      turn = [];
      try {
        commitTurn(waiting.map(([row]) => row));
      } catch (error) {
        console.error(`commit of ${waiting.length} rows failed: ${error.message}`);
        for (const [, , fail] of waiting) fail();
        return;
      }
      for (const [, send] of waiting) send();
    };
    insertProduct = (body, send, fail) => {
      if (turn.length === 0) setImmediate(endTurn);
      turn.push([values(body), send, fail]);
    };
  }
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const body = JSON.parse(raw.toString('utf8'));
    const queryStart = req.url.indexOf('?');
    const path = queryStart === -1 ? req.url : req.url.slice(0, queryStart);
    if (queryStart === -1 || apps.get(new URLSearchParams(req.url.slice(queryStart + 1)).get('access_token')) !== APPID) {
      res.writeHead(401).end();
      return;
    }
    const send = () => {
      res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8', 'content-length': replyBytes.length });
      res.end(reply);
      logRequest(req.url, raw, path);
    };
    const fail = () => res.writeHead(500).end();
    if (insertProduct) insertProduct(body, send, fail);
    else send();
  });
}).listen(Number(portText), '127.0.0.1', () => process.stdout.write('ready\n'));

process.on('SIGTERM', () => {
  flushLog();
  process.exit(0);
});
