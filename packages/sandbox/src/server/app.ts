import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Services } from '../services.js';
import { registerAdmin, type AdminOptions } from '../admin/router.js';
import { accountRoutes } from '../modules/account/routes.js';
import { auditRoutes } from '../modules/audit/routes.js';
import { categoryRoutes } from '../modules/category/routes.js';
import { couponRoutes } from '../modules/coupon/routes.js';
import { imageRoutes } from '../modules/image/routes.js';
import { servedImageType } from '../modules/image/service.js';
import { productRoutes } from '../modules/product/routes.js';
import { registerRoutes } from '../modules/register/routes.js';
import { sharerRoutes } from '../modules/sharer/routes.js';
import { tokenRoutes } from '../modules/token/routes.js';
import { wxpayRoutes } from '../modules/wxpay/routes.js';
import { orderRoutes } from '../modules/order/routes.js';
import { deliveryRoutes } from '../modules/delivery/routes.js';
import { aftersaleRoutes } from '../modules/aftersale/routes.js';
import { sceneRoutes } from '../modules/scene/routes.js';
import { quotaRoutes } from '../modules/quota/routes.js';
import { componentRoutes } from '../modules/component/routes.js';
import { fundsRoutes } from '../modules/funds/routes.js';
import { payRoutes } from '../modules/pay/routes.js';
import { complaintRoutes } from '../modules/complaint/routes.js';
import { formatErrmsg, stringifyJson } from '@wxshop/api';
import { createRid } from './rid.js';
import { createServer } from 'node:http';
import { MAX_MULTIPART_BODY_BYTES } from './pipeline.js';
import { registerConsole } from './console.js';
import { isWirePath, serveWire, WireInflight } from './wire-http.js';
import type { WireRoute } from './routes.js';

/** Every wire route the sandbox serves; a platform path missing here returns 40066. */
export const WIRE_ROUTES: readonly WireRoute[] = [
  ...tokenRoutes,
  ...categoryRoutes,
  ...imageRoutes,
  ...productRoutes,
  ...registerRoutes,
  ...auditRoutes,
  ...accountRoutes,
  ...wxpayRoutes,
  ...couponRoutes,
  ...sharerRoutes,
  ...orderRoutes,
  ...deliveryRoutes,
  ...aftersaleRoutes,
  ...sceneRoutes,
  ...quotaRoutes,
  ...componentRoutes,
  ...fundsRoutes,
  ...payRoutes,
  ...complaintRoutes,
];

/**
 * Builds the HTTP application: wire API, admin API, console and the image links. `inflight`
 * counts the wire requests being served, which a graceful stop waits for.
 */
export function buildApp(services: Services, adminOptions: AdminOptions, consoleDir?: string, inflight = new WireInflight()): FastifyInstance {
  // Fastify's own logger stays off: the pipeline logs one line per request with the rid.
  const routes = new Map(WIRE_ROUTES.map((route) => [route.path, route]));
  const app: FastifyInstance = Fastify({
    logger: false,
    // Wire paths go straight to the pipeline; everything else is served by Fastify.
    serverFactory: (fastifyHandler) =>
      createServer((req, res) => {
        if (isWirePath(req.url ?? '')) serveWire(req, res, routes, services, inflight);
        else fastifyHandler(req, res);
      }),
    bodyLimit: MAX_MULTIPART_BODY_BYTES + 1024,
    // Keep paths as sent: /shop/spu/add/ is not /shop/spu/add on the platform.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
    // A path Fastify cannot decode (bad percent-encoding) gets the admin API's error shape.
    frameworkErrors: (error, _request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      const code = error.code === 'FST_ERR_BAD_URL' ? 'bad_url' : 'bad_request';
      void (reply as unknown as FastifyReply).code(status).send({ error: { code, message: error.message } });
    },
  });

  // Every body reaches the handlers as raw bytes; the pipeline decides what is valid JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Serves uploaded images at the path of the links img/upload returns (/p/<appid>/<key>).
  app.get<{ Params: { appid: string; key: string } }>('/p/:appid/:key', async (request, reply) => {
    const image = await services.images.find(request.params.appid, request.params.key);
    if (!image) return reply.code(404).send({ error: { code: 'image_not_found', message: 'No such image' } });
    return reply
      .header('content-type', servedImageType(image.bytes))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(image.bytes);
  });

  registerAdmin(app, services, adminOptions);
  registerConsole(app, consoleDir);

  // Any other path under the API host is an unknown API on the platform.
  app.setNotFoundHandler(async (request, reply) => {
    const rid = createRid(services.clock.now());
    return reply
      .code(200)
      .header('content-type', 'application/json; encoding=utf-8')
      .send(Buffer.from(stringifyJson({ errcode: 40066, errmsg: formatErrmsg(40066, rid) })));
  });

  // Errors raised before a handler runs (body over the size cap, aborted uploads) still get an envelope.
  app.setErrorHandler(async (error: { statusCode?: number; code?: string }, request, reply) => {
    const rid = createRid(services.clock.now());
    const tooLarge = error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    let errcode = -1;
    if (tooLarge) errcode = 45002;
    else if (error.statusCode !== undefined && error.statusCode < 500) errcode = 47001;
    if (errcode === -1) services.logger.error({ err: error, rid, path: request.url.split('?')[0] }, 'request failed before the wire pipeline');
    return reply
      .code(200)
      .header('content-type', 'application/json; encoding=utf-8')
      .send(Buffer.from(stringifyJson({ errcode, errmsg: formatErrmsg(errcode, rid) })));
  });

  return app;
}
