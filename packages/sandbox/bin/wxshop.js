#!/usr/bin/env node
// The bundled build starts several times faster than the module tree that tsc emits.
const { main } = await import('../dist/wxshop.mjs');

process.exitCode = await main(process.argv.slice(2));
