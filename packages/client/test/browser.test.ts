import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';

/** Lists the module specifiers that a compiled ES module imports or re-exports. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'/gm), ...source.matchAll(/^import\s+'([^']+)'/gm)].map((match) => match[1]!);
}

test('browser entry of the SDK imports no Node.js module', () => {
  const require = createRequire(import.meta.url);
  const packageFile = require.resolve('@wxshop/client/package.json');
  const manifest = JSON.parse(readFileSync(packageFile, 'utf8'));
  assert.equal(manifest.exports['.'].browser, './dist/browser.js', 'bundlers pick the browser entry');

  // Walks the SDK's own files and @wxshop/api from dist/browser.js.
  const roots = { '@wxshop/api': require.resolve('@wxshop/api') };
  const pending = [resolve(dirname(packageFile), 'dist/browser.js')];
  const seen = new Set<string>();
  const nodeModules: string[] = [];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('node:')) nodeModules.push(`${file}: ${specifier}`);
      else if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (specifier in roots) pending.push(roots[specifier as keyof typeof roots]);
    }
  }
  assert.ok(seen.size > 5, `walked ${seen.size} files`);
  assert.deepEqual(nodeModules, []);
});
