import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../storage/schema.js';
import { WireError } from '../server/wire-error.js';
import builtIn from './sensitive-words.json' with { type: 'json' };

type Executor = Kysely<Database> | Transaction<Database>;

/** Maximum length of a sensitive word added through the admin API, in characters. */
export const MAX_WORD_LENGTH = 50;
/** Words one app may add to the built-in list. */
export const MAX_APP_WORDS = 1000;
// Per-app words change rarely and every text write reads them; a short cache spares the query.
const CACHE_TTL_MS = 1000;

/** A piece of merchant text and the field it came from, for the rule name of a rejection. */
export interface CheckedText {
  field: string;
  text: string;
}

/**
 * Folds text for matching: full-width forms to ASCII (NFKC), lower case, and no whitespace, so
 * that "Ｒｅｐｌｉｃａ" and "高 仿" match "replica" and "高仿".
 */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

const BUILT_IN_WORDS: readonly string[] = builtIn.words.map(foldText).filter((word) => word !== '');

/** Returns the built-in list, as shipped in sensitive-words.json. */
export function builtInWords(): readonly string[] {
  return builtIn.words;
}

// Caches keyed by the database handle, so sandboxes sharing a process keep apart.
const caches = new WeakMap<object, Map<string, { words: string[]; fetchedAt: number }>>();

function cacheFor(db: Kysely<Database>): Map<string, { words: string[]; fetchedAt: number }> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/** Words an app added to the built-in list, oldest first. */
export async function listAppWords(db: Executor, appid: string): Promise<string[]> {
  const rows = await db.selectFrom('content_words').select('word').where('appid', '=', appid).orderBy('created_at').orderBy('word').execute();
  return rows.map((row) => row.word);
}

export async function addAppWords(db: Kysely<Database>, appid: string, words: string[], now: number): Promise<void> {
  for (const word of words) {
    await db.insertInto('content_words').values({ appid, word, created_at: now }).onConflict((c) => c.doNothing()).execute();
  }
  forgetAppWords(db, appid);
}

export async function removeAppWords(db: Kysely<Database>, appid: string, words: string[]): Promise<void> {
  if (words.length > 0) await db.deleteFrom('content_words').where('appid', '=', appid).where('word', 'in', words).execute();
  forgetAppWords(db, appid);
}

/** Drops cached per-app words (all apps when `appid` is absent), after they changed. */
export function forgetAppWords(db: Kysely<Database>, appid?: string): void {
  if (appid === undefined) caches.delete(db);
  else cacheFor(db).delete(appid);
}

async function appWords(db: Kysely<Database>, appid: string): Promise<string[]> {
  const cache = cacheFor(db);
  const cached = cache.get(appid);
  const wallNow = Date.now();
  if (cached && wallNow - cached.fetchedAt < CACHE_TTL_MS) return cached.words;
  const words = (await listAppWords(db, appid)).map(foldText).filter((word) => word !== '');
  cache.set(appid, { words, fetchedAt: wallNow });
  return words;
}

/** Finds the first sensitive word in `text`; undefined when there is none. */
export function findWord(text: string, words: readonly string[]): string | undefined {
  const folded = foldText(text);
  if (folded === '') return undefined;
  return words.find((word) => folded.includes(word));
}

/**
 * Runs the content-security check of text-bearing writes (product titles and descriptions, coupon
 * names): throws 87014 when a text contains a built-in word or one the app added. `db` must be
 * the root handle, not a transaction (the check reads through a cache).
 */
export async function checkContent(db: Kysely<Database>, appid: string, texts: CheckedText[]): Promise<void> {
  const extra = await appWords(db, appid);
  for (const { field, text } of texts) {
    // Folded once for both lists; an empty text cannot hold a word.
    if (text === '') continue;
    const folded = foldText(text);
    if (folded === '') continue;
    if (BUILT_IN_WORDS.some((word) => folded.includes(word)) || extra.some((word) => folded.includes(word))) {
      throw new WireError(87014, `content.risky.${field}`);
    }
  }
}
