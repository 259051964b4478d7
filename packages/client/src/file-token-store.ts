import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenStore } from './token-store.js';

/**
 * Keeps tokens in one JSON file, so a CLI or several short-lived processes on one machine reuse
 * a token. Writes go to a temporary file that is then renamed over the old one.
 */
export class FileTokenStore implements TokenStore {
  constructor(readonly path: string) {}

  private async readAll(): Promise<Record<string, { value: string; expiresAt: number }>> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as Record<string, { value: string; expiresAt: number }>;
    } catch {
      return {};
    }
  }

  async get(key: string): Promise<string | undefined> {
    const entry = (await this.readAll())[key];
    return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const all = await this.readAll();
    const now = Date.now();
    for (const [name, entry] of Object.entries(all)) if (entry.expiresAt <= now) delete all[name];
    all[key] = { value, expiresAt: now + ttlSeconds * 1000 };
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, JSON.stringify(all), { mode: 0o600 });
    await rename(temporary, this.path);
  }
}
