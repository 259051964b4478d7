import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dropPostgresSchema } from '@wxshop/sandbox';
import { TEST_DB, TEST_PG_URL, tempDir } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../bin/wxshop.js', import.meta.url));

/**
 * Reliability tests run small in CI and at full size by hand:
 * `WXSHOP_RELIABILITY=full npm test` (or the compiled file with node --test).
 */
export const FULL_SIZE = process.env.WXSHOP_RELIABILITY === 'full';

/** Picks the reduced or the full figure of a test's size. */
export function sized(reduced: number, full: number): number {
  return FULL_SIZE ? full : reduced;
}

/** A database for sandbox processes: a SQLite file or a PostgreSQL schema, dropped afterwards. */
export interface ProcessDatabase {
  url: string;
  remove(): Promise<void>;
}

export function processDatabase(label: string): ProcessDatabase {
  if (TEST_DB === 'postgres') {
    const schema = `wxshop_rel_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    return {
      url: `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}schema=${schema}`,
      remove: () => dropPostgresSchema(TEST_PG_URL, schema),
    };
  }
  const dir = tempDir();
  return { url: `${dir.path}/sandbox.db`, remove: async () => dir.remove() };
}

export interface SandboxProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to standard error (its log lines). */
  stderr(): string;
  /** Ends the process with SIGKILL, as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
  /** Ends the process with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

/** The test's environment without the test-size settings, which `wxshop serve` would reject. */
function serverEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.WXSHOP_RELIABILITY;
  delete env.WXSHOP_FUZZ_SEED;
  return env;
}

/** Starts `wxshop serve` as a child process on a free loopback port and waits for its banner. */
export async function startProcess(db: string, args: string[] = []): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--lang', 'en', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: serverEnvironment(),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${stdout}${stderr}`)), 30000);
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match && /_sandbox\/v1/.test(stdout)) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code} before it started: ${stdout}${stderr}`));
    });
  });
  return {
    child,
    url,
    stderr: () => stderr,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
