#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main';

// onnxruntime-node crashes (SIGSEGV at session create) in a process whose arguments total about
// 29 KB. Long command lines (hundreds of puzzles) are therefore handed to a child process in a
// file, so the process that loads the model has a short command line.
const limit = 16_000;
const argv = process.argv.slice(2);
if (argv[0] === '--args-file' && argv[1]) {
  process.exitCode = await main(JSON.parse(readFileSync(argv[1], 'utf8')) as string[]);
} else if (argv.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0) > limit) {
  const folder = mkdtempSync(join(tmpdir(), 'trm-args-'));
  const file = join(folder, 'args.json');
  writeFileSync(file, JSON.stringify(argv));
  try {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--args-file', file], { stdio: 'inherit' });
    process.exitCode = child.status ?? 1;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
} else {
  process.exitCode = await main(argv);
}
