import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const BIN = fileURLToPath(new URL('../bin/wxshop.js', import.meta.url));

/** The environment of a CLI run: a neutral locale, so the text is Chinese unless a test says otherwise. */
const CLI_ENV = { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' };

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...CLI_ENV, ...env }, timeout: 15000 });
}

test('serve --help prints the usage', () => {
  const result = runCli(['serve', '--help']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /wxshop <命令>/);
});

test('help switches to English with --lang en', () => {
  const result = runCli(['help', '--lang', 'en']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: wxshop <command>/);
});

test('unknown language stops the start', () => {
  const result = runCli(['serve', '--lang', 'fr', '--db', ':memory:', '--port', '0']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /Invalid language "fr"/);
});

test('unknown log level stops the start', () => {
  const result = runCli(['serve', '--log-level', 'loud', '--db', ':memory:', '--port', '0']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /Invalid log level "loud"/);
});

test('an invalid declared appid exits 2 like other bad arguments', () => {
  const result = runCli(['serve', '--db', ':memory:', '--port', '0', '--app', 'bad:secret']);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /启动失败: Invalid appid "bad"/);
  const unknown = runCli(['serve', '--db', ':memory:', '--bogus']);
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /启动失败: 未知选项 --bogus/);
});

test('a port in use stops the start with a message, not a stack trace', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    // The port stays bound while spawnSync blocks this process, which is all the test needs.
    const result = runCli(['serve', '--db', ':memory:', '--port', String(port)]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`启动失败: 127\\.0\\.0\\.1:${port} 已被占用`));
    assert.doesNotMatch(result.stderr, /EADDRINUSE|at Server/);
  } finally {
    blocker.close();
  }
});

test('unknown option stops the start', () => {
  const result = runCli(['serve', '--colour', 'red']);
  assert.equal(result.status, 2);
});

test('unknown WXSHOP variable stops the start', () => {
  const result = runCli(['serve', '--db', ':memory:', '--port', '0'], { WXSHOP_COLOUR: 'red' });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /WXSHOP_COLOUR/);
});

test('non-loopback host needs an admin key', () => {
  const result = runCli(['serve', '--host', '0.0.0.0', '--db', ':memory:', '--port', '0']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--admin-key/);
});

/** Starts `wxshop serve` on a free port and returns its address, the printed appid and a stop function. */
async function startCli(db: string): Promise<{ url: string; appid: string; stop: () => Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'ignore'], env: CLI_ENV });
  let output = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${output}`)), 15000);
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      if (/管理接口/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
  const appid = /(wx[0-9a-f]{16}) \//.exec(output)![1]!;
  return {
    url,
    appid,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

test('demo app survives a restart and a reset', async () => {
  const { tempDir } = await import('./helpers.js');
  const dir = tempDir();
  try {
    const first = await startCli(`${dir.path}/demo.db`);
    await first.stop();
    const second = await startCli(`${dir.path}/demo.db`);
    assert.equal(second.appid, first.appid);
    const reset = await fetch(`${second.url}/_sandbox/v1/reset`, { method: 'POST' });
    assert.equal(reset.status, 200);
    const apps = (await (await fetch(`${second.url}/_sandbox/v1/apps`)).json()) as { apps: { appid: string }[] };
    assert.deepEqual(apps.apps.map((app) => app.appid), [first.appid]);
    await second.stop();
  } finally {
    dir.remove();
  }
});

test('every command help follows the locale', () => {
  for (const command of [['serve', '--help'], ['openapi', '--help'], ['snapshot', '--help'], ['errors', '--help']]) {
    const chinese = runCli(command);
    assert.equal(chinese.status, 0, `${command[0]}: ${chinese.stderr}`);
    assert.match(chinese.stdout, /^用法: wxshop/, command[0]);
    const english = runCli(command, { LANG: 'en_US.UTF-8' });
    assert.equal(english.status, 0, `${command[0]}: ${english.stderr}`);
    assert.match(english.stdout, /^Usage: wxshop/, command[0]);
    assert.match(english.stdout, /--json/, `${command[0]} documents --json`);
  }
});

test('output into a pipe has no colour', () => {
  // spawnSync gives the child pipes, so no command may colour or draw progress.
  for (const command of [['errors', '1000001'], ['openapi', '--server', 'http://127.0.0.1:8930']]) {
    const result = runCli(command);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(!result.stdout.includes('\u001b['), `${command[0]} stdout is plain`);
    assert.equal(result.stderr, '', `${command[0]} writes nothing to stderr`);
  }
});

test('serve --json prints one JSON line with the address', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', ':memory:', '--log-level', 'warn', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: CLI_ENV });
  try {
    let output = '';
    let errors = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => void (errors += chunk));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${output} ${errors}`)), 15000);
      child.stdout!.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('\n')) {
          clearTimeout(timer);
          resolve(output.slice(0, output.indexOf('\n')));
        }
      });
    });
    const report = JSON.parse(line) as { url: string; storage: string; apps: { appid: string }[]; admin: string; console: string };
    assert.match(report.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(report.storage, /SQLite/);
    assert.equal(report.apps.length, 1);
    assert.equal(report.console, `${report.url}/_sandbox/console/`);
    const apps = (await (await fetch(`${report.admin}/apps`)).json()) as { apps: { appid: string }[] };
    assert.deepEqual(apps.apps.map((app) => app.appid), [report.apps[0]!.appid]);
    assert.equal(errors, '', 'no progress line on a pipe');
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
});

test('a request log line reaches stderr while the sandbox idles', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', ':memory:', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: CLI_ENV });
  try {
    let output = '';
    let errors = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => void (output += chunk));
    const lineLogged = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no wire request line on stderr: ${errors}`)), 10000);
      child.stderr!.on('data', (chunk: string) => {
        errors += chunk;
        if (errors.includes('"path":"/cgi-bin/token"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    while (!output.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 20));
    const report = JSON.parse(output.slice(0, output.indexOf('\n'))) as { url: string };
    // One short line is far below the 4 KiB write buffer, so only the timed flush can write it.
    await fetch(`${report.url}/cgi-bin/token?grant_type=client_credential&appid=wx0000000000000000&secret=x`);
    await lineLogged;
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
});
