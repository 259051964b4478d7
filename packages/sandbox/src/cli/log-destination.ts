import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { WireLogLine } from '../services.js';

/** Characters of log lines gathered before they are handed to the file descriptor. */
const BATCH_CHARS = 4096;

/**
 * A buffered log destination for `wxshop serve`. Lines gather in an array and go to the file
 * descriptor as one string once about 4 KiB are waiting, or on `flush()`. The write itself is
 * asynchronous. pino's own buffered destination (sonic-boom 4.2) appends each line to one growing
 * string and measures that string's byte length on every line. Under load that cost more than
 * the rest of the log line, while counting characters here costs almost nothing.
 */
export class LineBuffer {
  private lines: string[] = [];
  private chars = 0;
  private readonly target: ReturnType<typeof pino.destination>;
  // Writes with a blocking call and waits while a pipe is full. Only `flushSync` uses it.
  private readonly syncTarget: ReturnType<typeof pino.destination>;

  constructor(fd: number) {
    this.target = pino.destination({ fd, sync: false, minLength: 0 });
    this.syncTarget = pino.destination({ fd, sync: true });
    // pino's destination writes its own buffer when the process exits, but not the lines gathered
    // here. Without this, an uncaught exception or process.exit would lose them.
    process.once('exit', () => this.flushSync());
  }

  write(line: string): boolean {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS) this.flush();
    return true;
  }

  /** Hands every waiting line to the file descriptor; the write finishes in the background. */
  flush(): void {
    const text = this.take();
    if (text !== undefined) this.target.write(text);
  }

  /**
   * Writes every waiting line before returning, for the last lines before the process exits. The
   * asynchronous destination would only start a write of them, so they are written directly.
   * NOTE: a background write still running at this call may finish after these lines.
   */
  flushSync(): void {
    this.target.flushSync();
    const text = this.take();
    if (text !== undefined) this.syncTarget.write(text);
  }

  private take(): string | undefined {
    if (this.lines.length === 0) return undefined;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.chars = 0;
    return text;
  }
}

// pino's numeric value of the info level.
const INFO_LEVEL = 30;

/**
 * Returns a writer of the per-request line that gives the same text as
 * `logger.info({ rid, appid, path, errcode, rule, ms }, 'wire request')` on a logger made with
 * pino's default options, and hands it to `destination`. With this template in place of pino's
 * general field serialisation, a cached spu/get took about 4 % fewer instructions (callgrind).
 */
export function wireLogLine(logger: Logger, destination: LineBuffer): WireLogLine {
  const base = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  return (rid, appid, path, errcode, rule, ms) => {
    if (logger.levelVal > INFO_LEVEL) return;
    const app = appid === null ? 'null' : JSON.stringify(appid);
    destination.write(
      `{"level":30,"time":${Date.now()}${base},"rid":${JSON.stringify(rid)},"appid":${app},"path":${JSON.stringify(path)},"errcode":${errcode},"rule":${JSON.stringify(rule)},"ms":${ms},"msg":"wire request"}\n`,
    );
  };
}
