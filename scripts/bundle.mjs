// Bundles the `wxshop` CLI into one ES module (packages/sandbox/dist/wxshop.mjs). Loading one file
// instead of a few hundred modules is what keeps the sandbox's cold start short. Run after tsc.
import { build } from 'esbuild';

await build({
  entryPoints: ['packages/sandbox/dist/cli/main.js'],
  outfile: 'packages/sandbox/dist/wxshop.mjs',
  bundle: true,
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
});
