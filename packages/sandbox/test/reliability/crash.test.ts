// Kills the sandbox with SIGKILL in the middle of a write load, restarts it on the same database
// and checks that every write it acknowledged is there, whole, and every delete it acknowledged
// stuck. Runs on the database the suite is set to (SQLite file or PostgreSQL schema).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { APPID, SECRET, call, getToken, productBody, uploadImage } from '../helpers.js';
import { processDatabase, sized, startProcess } from './process.js';

const CYCLES = sized(3, 20);
const WRITERS = 6;

interface Acknowledged {
  productId: string;
  title: string;
  skuCount: number;
}

test(`acknowledged writes survive ${CYCLES} kill -9 cycles`, { timeout: sized(120_000, 900_000) }, async (t) => {
  const db = processDatabase('crash');
  const added = new Map<string, Acknowledged>();
  const deleted = new Set<string>();
  const uncertain = new Set<string>();
  let image = '';
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await startProcess(db.url, ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn']);
      try {
        const token = await getToken(server.url);
        if (cycle === 0) image = await uploadImage(server.url, token);
        await checkAcknowledged(server.url, token, added, deleted, uncertain);

        // Writers add products (two skus each) and delete some of the ones already acknowledged,
        // until the process dies under them.
        let stopped = false;
        const writer = async (index: number) => {
          for (let n = 0; !stopped; n++) {
            const outId = `c${cycle}-w${index}-${n}`;
            const title = `断电测试商品 ${outId}`;
            const firstSku = productBody(outId, image).skus[0]!;
            const body = productBody(outId, image, { title, skus: [firstSku, { ...firstSku, out_sku_id: `${outId}-S2`, sale_price: 6900 }] });
            try {
              const response = await call(server.url, '/shop/spu/add', body, { token });
              if (response.json.errcode === 0) {
                const data = response.json.data as Record<string, unknown>;
                added.set(outId, { productId: String(data.product_id), title, skuCount: 2 });
              }
              if (n % 5 === 4) {
                const victim = `c${cycle}-w${index}-${n - 2}`;
                if (added.has(victim)) {
                  // Until the response arrives, the delete may or may not have happened.
                  uncertain.add(victim);
                  const removal = await call(server.url, '/shop/spu/del', { out_product_id: victim }, { token });
                  if (removal.json.errcode === 0) deleted.add(victim);
                  uncertain.delete(victim);
                }
              }
            } catch {
              // The connection died with the process: this write was never acknowledged.
              return;
            }
          }
        };
        const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
        // Kill only once this cycle has acknowledged a write, so a slow machine still tests something.
        const before = added.size;
        for (let waited = 0; added.size === before && waited < 30_000; waited += 20) await sleep(20);
        await sleep(100 + Math.floor(Math.random() * 400));
        await server.kill();
        stopped = true;
        await Promise.all(writers);
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      }
    }

    // One last start to check the writes of the final cycle.
    const server = await startProcess(db.url, ['--app', `${APPID}:${SECRET}`, '--log-level', 'warn']);
    try {
      const token = await getToken(server.url);
      await checkAcknowledged(server.url, token, added, deleted, uncertain);
      assert.ok(added.size >= CYCLES, `the load acknowledged only ${added.size} adds`);
      t.diagnostic(`${added.size} adds and ${deleted.size} deletes acknowledged and found intact`);
    } finally {
      await server.stop();
    }
  } finally {
    await db.remove();
  }
});

async function checkAcknowledged(
  url: string,
  token: string,
  added: Map<string, Acknowledged>,
  deleted: Set<string>,
  uncertain: Set<string>,
) {
  for (const [outId, expected] of added) {
    if (uncertain.has(outId)) continue;
    const response = await call(url, '/shop/spu/get', { out_product_id: outId, need_edit_spu: 1 }, { token });
    if (deleted.has(outId)) {
      assert.notEqual(response.json.errcode, 0, `${outId} was deleted with an acknowledgement but is back`);
      continue;
    }
    assert.equal(response.json.errcode, 0, `${outId} was acknowledged but is missing: ${response.text}`);
    const spu = response.json.spu as Record<string, unknown>;
    assert.equal(String(spu.product_id), expected.productId);
    assert.equal(spu.title, expected.title);
    const skus = spu.skus as Record<string, unknown>[];
    assert.equal(skus.length, expected.skuCount, `${outId} lost a sku`);
    for (const sku of skus) assert.ok(BigInt(String(sku.sku_id)) > 0n, `${outId} has a sku without its id`);
  }
}
