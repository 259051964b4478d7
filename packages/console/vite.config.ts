import { defineConfig } from 'vite';

// The sandbox serves the built files under this path (packages/sandbox/src/server/console.ts).
export default defineConfig({
  base: '/_sandbox/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  logLevel: 'warn',
});
