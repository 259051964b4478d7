// Bundles the `wxshop` CLI into one ES module (packages/sandbox/dist/wxshop.mjs). Loading one file
// instead of a few hundred modules is what keeps the sandbox's cold start short. The PostgreSQL
// and Redis drivers, imported on demand, go to chunks under dist/chunks/, so a sandbox on SQLite
// never loads them. Run after tsc.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const OUTDIR = 'packages/sandbox/dist';

const result = await build({
  entryPoints: ['packages/sandbox/dist/cli/main.js'],
  outdir: OUTDIR,
  entryNames: 'wxshop',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The native SQLite addon is loaded from node_modules; pg-native is an optional driver pg never needs here.
  external: ['better-sqlite3', 'pg-native'],
  // Bundled CommonJS dependencies call require(); an ES module has to provide it.
  banner: { js: "import { createRequire as wxshopCreateRequire } from 'node:module'; const require = wxshopCreateRequire(import.meta.url);" },
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  // V8 keeps the bundle's source text in memory for the life of the process. Without whitespace
  // it is about 1 MB smaller, and the idle process with it. Names are kept, so stack traces still
  // name the function; the source map next to the bundle gives the original line.
  minifyWhitespace: true,
});

// V8 keeps a module's source text in memory for as long as the process runs. One character beyond
// ASCII makes it store the whole text with two bytes per character, which doubled the bundle's
// share of the idle memory (about 7 MB instead of 3.5 MB). esbuild escapes such characters in code
// but copies comments and regular expression literals as they are, so they are escaped here. In
// code the escape is a \uXXXX pair of UTF-16 units, which means the same inside strings, templates
// and regular expressions.
for (const file of Object.keys(result.metafile.outputs).filter((name) => name.endsWith('.mjs'))) {
  const text = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text)) continue;
  const lines = text.split('\n').map((line, index) => {
    if (!/[^\x00-\x7f]/.test(line)) return line;
    if (!/^\s*(\/\/|\/\*|\*)/.test(line)) {
      return line.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
    return line.replace(/[^\x00-\x7f]/gu, (char) => `\\u{${char.codePointAt(0).toString(16)}}`);
  });
  writeFileSync(file, lines.join('\n'));
}
