import { defineConfig } from 'vite';

/** The sandbox that `npm run dev` forwards API calls to; WXSHOP_CONSOLE_SANDBOX overrides it. */
const SANDBOX = process.env.WXSHOP_CONSOLE_SANDBOX ?? 'http://127.0.0.1:8930';

// The sandbox serves the built files under /_sandbox/console/ (packages/sandbox/src/server/console.ts).
export default defineConfig({
  base: '/_sandbox/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1', proxy: { '/_sandbox/v1': SANDBOX, '/cgi-bin': SANDBOX } },
  logLevel: 'warn',
});
