import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { exportSnapshot, importSnapshot, parseSnapshot, SnapshotError, snapshotToJson } from '../storage/snapshot.js';
import { AdminError } from './router.js';

/** Export and import of the whole state, so that a CI run can start from a prepared shop. */
export function registerSnapshotAdmin(admin: FastifyInstance, services: Services): void {
  admin.get('/snapshot', async (_request, reply) => {
    await services.requestLog.flush();
    const snapshot = await exportSnapshot(services.storage);
    return reply.header('content-type', 'application/json; charset=utf-8').send(snapshotToJson(snapshot));
  });

  // Replaces the state with the posted snapshot; the body is a document from GET /snapshot.
  admin.post('/snapshot', async (request) => {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    if (raw.trim() === '') throw new AdminError(400, 'invalid_snapshot', 'Post the snapshot JSON as the request body');
    await services.requestLog.flush();
    let tables: Record<string, number>;
    try {
      tables = await importSnapshot(services.storage, parseSnapshot(raw));
    } catch (error) {
      if (error instanceof SnapshotError) throw new AdminError(400, 'invalid_snapshot', error.message);
      throw error;
    }
    // Cached state would otherwise outlive the rows it came from.
    await services.clock.load();
    await services.generation.replaced();
    services.logger.info({ tables }, 'snapshot imported');
    return { ok: true, tables };
  });
}
