// Preloaded into every test file's process by scripts/run-tests.mjs. Once the file's tests are
// done, a process still held open (a server a failed test never closed, a timer) exits one second
// later, so node's runner does not wait for it forever. The second lets the file's results reach
// the runner first: node 20's --test-force-exit exits at once, and with several files running at
// a time the runner then lost the last results of a file without reporting any error.
import { after } from 'node:test';

after(() => {
  setTimeout(() => process.exit(), 1000).unref();
});
