// Runs every benchmark in this folder (files named *.bench.js), one after another; each prints
// JSON lines with a "bench" field. Pass names to run only some: `pnpm bench sudoku-inference`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.js'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(JSON.stringify({ bench: file.replace('.bench.js', ''), error: `exited with ${result.status}` }));
  }
}
process.exitCode = failed ? 1 : 0;
