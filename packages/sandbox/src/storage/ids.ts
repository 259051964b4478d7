import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Ids reserved per database round trip; unused ones are skipped, which leaves gaps as the platform's ids have. */
const BLOCK_SIZE = 100;

/**
 * Hands out platform ids (product_id, sku_id, audit_id…) from named sequences. Each instance
 * reserves blocks of ids with one atomic upsert, so instances sharing a database never hand out
 * the same id. Call `take` outside any transaction: a reservation must not be rolled back.
 */
export class IdAllocator {
  private readonly blocks = new Map<string, { next: bigint; end: bigint }>();

  constructor(private readonly db: Kysely<Database>) {}

  async take(name: string, start: bigint, count = 1): Promise<bigint[]> {
    const ids: bigint[] = [];
    while (ids.length < count) {
      let block = this.blocks.get(name);
      if (!block || block.next >= block.end) {
        const size = Math.max(BLOCK_SIZE, count - ids.length);
        const first = await reserveIds(this.db, name, start, size);
        block = { next: first, end: first + BigInt(size) };
        this.blocks.set(name, block);
      }
      ids.push(block.next);
      block.next++;
    }
    return ids;
  }

  /** Forgets reserved blocks, after a reset emptied the sequences. */
  clear(): void {
    this.blocks.clear();
  }
}

/** Reserves `count` consecutive values of a sequence in one atomic statement; returns the first. */
async function reserveIds(db: Kysely<Database>, name: string, start: bigint, count: number): Promise<bigint> {
  const row = await db
    .insertInto('id_sequences')
    .values({ name, next_value: Number(start) + count })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ next_value: sql<number>`id_sequences.next_value + ${count}` }))
    .returning('next_value')
    .executeTakeFirstOrThrow();
  return BigInt(row.next_value) - BigInt(count);
}
