import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { foundation } from './0001_foundation.js';
import { quotaPlatforms } from './0006_quota_platforms.js';

/**
 * Versioned schema migrations, written once for both dialects, one file each. Names sort in the
 * order they run; a released migration is never edited, only followed by a new one.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_foundation': foundation(dialect),
    '0006_quota_platforms': quotaPlatforms(dialect),
  };
}
