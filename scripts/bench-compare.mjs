// Compares this build's throughput with another build's, on a machine whose speed drifts. The
// two builds run in turns, each round starting with a fresh echo baseline, and the median of the
// rounds is printed for each. Point --base at another checkout that has been built (`npm ci`), such
// as a `git worktree` of the commit to compare with.
// Usage: node scripts/bench-compare.mjs --base DIR [--rounds N] [--seconds N] [--only spu/get,order/get]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '4' },
    only: { type: 'string', default: 'spu/get,order/get' },
  },
});
if (!values.base) {
  console.error('Usage: node scripts/bench-compare.mjs --base DIR [--rounds N] [--seconds N] [--only spu/get,order/get]');
  process.exit(2);
}

const BENCH = new URL('bench.mjs', import.meta.url).pathname;
const builds = [
  { name: 'base', bin: join(values.base, 'packages/sandbox/bin/wxshop.js') },
  { name: 'this', bin: new URL('../packages/sandbox/bin/wxshop.js', import.meta.url).pathname },
];

function runOnce(bin) {
  const args = [BENCH, '--bin', bin, '--only', values.only, '--seconds', values.seconds, '--json'];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench.mjs failed for ${bin}:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const samples = new Map();
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const build of builds) {
    const run = runOnce(build.bin);
    for (const row of run.results) {
      const key = `${build.name}\t${row.name}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push(row);
    }
    process.stderr.write(`round ${round}: ${build.name} done\n`);
  }
}

console.log(`medians of ${values.rounds} rounds, ${values.seconds} s per load`);
console.log('| build | endpoint | req/s | ratio to echo | server CPU µs/req |');
console.log('|---|---|---|---|---|');
for (const [key, rows] of samples) {
  const [build, endpoint] = key.split('\t');
  const ratio = median(rows.map((row) => row.ratio));
  console.log(`| ${build} | ${endpoint} | ${Math.round(median(rows.map((row) => row.rps)))} | ${ratio.toFixed(2)} | ${median(rows.map((row) => row.cpu_us)).toFixed(0)} |`);
}
