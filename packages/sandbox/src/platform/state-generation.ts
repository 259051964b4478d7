import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Services } from '../services.js';
import type { Database } from '../storage/schema.js';
import { forgetAppWords } from './content-security.js';

const GENERATION_KEY = 'state_generation';

/**
 * The generation of the stored state: a value that changes whenever the state is replaced as a
 * whole (a reset, a snapshot import). Instances sharing one database compare it on every
 * background tick and drop what they keep in memory when it changed, so the caches of another
 * instance outlive a reset by at most one background interval.
 */
export async function readGeneration(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('sandbox_state').select('value').where('key', '=', GENERATION_KEY).executeTakeFirst();
  return row?.value ?? '';
}

/** Stores a new generation after the state was replaced; returns it. */
export async function bumpGeneration(db: Kysely<Database>): Promise<string> {
  const value = randomBytes(8).toString('hex');
  await db
    .insertInto('sandbox_state')
    .values({ key: GENERATION_KEY, value })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
    .execute();
  return value;
}

/** Drops every in-memory copy of stored state this instance keeps. */
export function dropLocalCaches(services: Services): void {
  services.tokens.clearCache();
  services.apps.clearCache();
  services.accounts.clearCache();
  services.ids.clear();
  services.images.clearCache();
  services.quota.clearCache();
  forgetAppWords(services.storage.db);
}

/** Follows the stored generation for one instance; `drop` empties the instance's caches. */
export class GenerationWatch {
  private known = '';

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly drop: () => void,
  ) {}

  /** Reads the generation at start. */
  async load(): Promise<void> {
    this.known = await readGeneration(this.db);
  }

  /** Marks the state as replaced by this instance: stores a new generation and drops local caches. */
  async replaced(): Promise<void> {
    this.known = await bumpGeneration(this.db);
    this.drop();
  }

  /** Drops local caches when another instance replaced the state; returns 1 when it did, else 0. */
  async follow(): Promise<number> {
    const current = await readGeneration(this.db);
    if (current === this.known) return 0;
    this.known = current;
    this.drop();
    this.logger.info('stored state was replaced by another instance; local caches dropped');
    return 1;
  }
}
