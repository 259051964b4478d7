import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import { handleWire, MAX_MULTIPART_BODY_BYTES, WIRE_CONTENT_TYPE } from './pipeline.js';
import type { WireRoute } from './routes.js';

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
    // A string body leaves node:http one buffer to write, the status line and headers joined
    // with the body, where a Buffer body is written as separate pieces.
    const send = (body: string) => {
      res.writeHead(200, { 'content-type': WIRE_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    handleWire(request, send, routes, services).catch((error: unknown) => {
      services.logger.error({ err: error, path: request.url.split('?')[0] }, 'wire handler failed outside the pipeline');
      if (!res.headersSent) res.destroy();
    });
  });
}
