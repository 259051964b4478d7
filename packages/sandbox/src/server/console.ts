import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Path prefix of the console, the built files of @wxshop/console. */
export const CONSOLE_PREFIX = '/_sandbox/console';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Finds the folder of the built console: the `dist` folder of the @wxshop/console package. Returns
 * the folder even when it does not exist yet, so a later build is picked up without a restart.
 */
export function consoleDirectory(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@wxshop/console/package.json')), 'dist');
  } catch {
    // Outside the workspace (a copied bundle, say) the console is not installed.
    return resolve('node_modules/@wxshop/console/dist');
  }
}

const MISSING_PAGE = (dir: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>wxshop 控制台未构建</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.6">
<h1>控制台尚未构建 / The console is not built</h1>
<p>沙箱在运行,管理接口 <code>/_sandbox/v1</code> 可以正常使用,但没有找到控制台的页面文件。
请在项目根目录运行 <code>npm run build</code>,然后刷新本页,无需重启沙箱。</p>
<p>The sandbox and its admin API at <code>/_sandbox/v1</code> work, but the console's files are
missing. Run <code>npm run build</code> in the repository root, then reload this page; the sandbox
does not need a restart.</p>
<p>Looked in: <code>${dir.replace(/[<>&]/g, '')}</code></p>
</body></html>
`;

/** Serves the console's static files under /_sandbox/console/, with index.html for any page path. */
export function registerConsole(app: FastifyInstance, dir: string = consoleDirectory()): void {
  const root = resolve(dir);
  const sendFile = (reply: FastifyReply, path: string) => {
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    // A hashed asset name never changes content, but index.html must be read fresh after a rebuild.
    const cache = path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    return reply.code(200).header('content-type', type).header('cache-control', cache).send(readFileSync(path));
  };

  app.get(CONSOLE_PREFIX, async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 302));

  app.get<{ Params: { '*': string } }>(`${CONSOLE_PREFIX}/*`, async (request, reply) => {
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      return reply.code(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(MISSING_PAGE(root));
    }
    let relative: string;
    try {
      relative = decodeURIComponent(request.params['*'] ?? '');
    } catch {
      return reply.code(400).header('content-type', 'text/plain; charset=utf-8').send('Bad path');
    }
    const target = resolve(root, relative);
    if (target !== root && !target.startsWith(root + sep)) {
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
    }
    if (relative !== '' && existsSync(target) && statSync(target).isFile()) return sendFile(reply, target);
    // A missing asset is a real 404. Any other path is a console page, served by index.html.
    if (relative.startsWith('assets/')) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
    return sendFile(reply, index);
  });
}
