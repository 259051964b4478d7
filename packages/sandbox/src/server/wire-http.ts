import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import { handleWire, MAX_MULTIPART_BODY_BYTES, WIRE_CONTENT_TYPE } from './pipeline.js';
import type { WireRoute } from './routes.js';

/**
 * Counts the wire requests being handled, so that a stopping sandbox can wait for them before it
 * closes storage. Once `stop` is called no new wire request starts: its connection is closed
 * without a reply, which a client sees as a connection error rather than a failed call.
 */
export class WireInflight {
  private active = 0;
  private stopping = false;
  private waiters: (() => void)[] = [];

  get closing(): boolean {
    return this.stopping;
  }

  get count(): number {
    return this.active;
  }

  /** Starts a request; false once the sandbox is stopping. */
  begin(): boolean {
    if (this.stopping) return false;
    this.active++;
    return true;
  }

  finish(): void {
    this.active--;
    if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Rejects new requests, then waits for the running ones for at most `timeoutMs`. Resolves true when all finished. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    if (this.active === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.waiters.push(() => resolve(true)));
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const finished = await Promise.race([drained, late]);
    clearTimeout(timer);
    return finished;
  }
}

/** True for the paths of the platform's API host, which the pipeline handles. */
export function isWirePath(url: string): boolean {
  return url.startsWith('/shop/') || url.startsWith('/cgi-bin/');
}

/**
 * Serves a wire request straight from node:http. It reads the body, keeping at most 10 MiB (a
 * larger body is drained and gets 45002), and hands it to the pipeline. Wire requests are the hot
 * path, so they skip the web framework, which serves the admin API and images.
 */
export function serveWire(
  req: IncomingMessage,
  res: ServerResponse,
  routes: ReadonlyMap<string, WireRoute>,
  services: Services,
  inflight: WireInflight,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_MULTIPART_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('error', (error) => services.logger.warn({ err: error, path: req.url?.split('?')[0] }, 'wire request stream failed'));
  req.on('end', () => {
    if (!inflight.begin()) {
      req.socket.destroy();
      return;
    }
    let body: Buffer = Buffer.alloc(0);
    if (!tooLarge) body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const request = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      contentType: req.headers['content-type'] ?? '',
      ip: req.socket.remoteAddress ?? '',
      body,
      bodyTooLarge: tooLarge,
      drop: () => req.socket.destroy(),
    };
    // The body goes as a string, which node:http joins with the status line and headers into one
    // buffer. A Buffer body is written as a second piece, and sending a cached response's bytes
    // that way cost more CPU per request than encoding the string again (0.37 against 0.48 of
    // the echo's throughput, medians of four interleaved runs). Only their length is used here.
    // While the sandbox stops, the reply also closes the connection, so no further request comes on it.
    const send = (body: string, bytes?: Buffer) => {
      const headers: Record<string, string | number> = { 'content-type': WIRE_CONTENT_TYPE, 'content-length': bytes?.length ?? Buffer.byteLength(body) };
      if (inflight.closing) headers.connection = 'close';
      res.writeHead(200, headers);
      res.end(body);
    };
    handleWire(request, send, routes, services)
      .catch((error: unknown) => {
        services.logger.error({ err: error, path: request.url.split('?')[0] }, 'wire handler failed outside the pipeline');
        if (!res.headersSent) res.destroy();
      })
      .finally(() => inflight.finish());
  });
}
