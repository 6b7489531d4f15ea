// Sudoku with and without search on candidate sets, same run: the shipped token model alone
// ('model') and searching ('search'), and the default candidate model ('sets', which always
// searches and drops the candidates it would not keep, diving as its manifest says;
// 'sets-stepping': the same, the network run on every state). Puzzles/s at batch 1 and 64 on Kaggle (the
// first TRM_BENCH_KAGGLE puzzles of each level) and forum-hardest (the first TRM_BENCH_HARDEST),
// right / wrong / abstained, and per puzzle the network steps (median, p99), branch points, dead
// ends, the network's eliminations and fallbacks. Data from TRM_SUDOKU_DATA (default ../shared/data/sudoku).
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { sudoku, sudokuTokens } from '@trm/tasks-sudoku';
import { searchCosts } from './search-costs.js';

const folder = process.env.TRM_SUDOKU_DATA ?? new URL('../../shared/data/sudoku', import.meta.url).pathname;
const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const search = { searchSteps: 2000, maxSteps: 1 };

function rows(file, perLevel, total) {
  const path = join(folder, file);
  if (!existsSync(path)) return undefined;
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const at = (name) => columns.indexOf(name);
  const taken = new Map();
  const out = [];
  for (const line of lines) {
    const cells = line.split(',');
    const level = at('level') >= 0 ? cells[at('level')] : 'all';
    if ((taken.get(level) ?? 0) >= perLevel || out.length >= total) continue;
    taken.set(level, (taken.get(level) ?? 0) + 1);
    out.push({ question: cells[at('question')], answer: cells[at('answer')] });
  }
  return out;
}

const sets = [
  ['kaggle_radcliffe_5000.csv', rows('kaggle_radcliffe_5000.csv', Number(process.env.TRM_BENCH_KAGGLE ?? 100), Infinity)],
  ['sample_forum_hardest_11plus_1000.csv', rows('sample_forum_hardest_11plus_1000.csv', Infinity, Number(process.env.TRM_BENCH_HARDEST ?? 200))],
];
const runtime = createNodeRuntime({ device: 'cpu', threads });
const solver = await createSolver({ specialist: sudokuTokens, runtime });
const setsSolver = await createSolver({ specialist: sudoku, runtime });
for (const [file, data] of sets) {
  if (!data) {
    console.log(JSON.stringify({ bench: 'sudoku-search', data: file, skipped: `not found in ${folder}` }));
    continue;
  }
  for (const batchSize of [1, 64]) {
    const inputs = (batchSize === 1 ? data.slice(0, 20) : data).map((row) => row.question);
    for (const [mode, options, which] of [['model', {}, solver], ['search', search, solver], ['sets', {}, setsSolver], ['sets-stepping', { dive: false }, setsSolver]]) {
      const started = performance.now();
      const results = await which.solveMany(inputs, { ...options, batchSize });
      const seconds = (performance.now() - started) / 1000;
      const right = results.filter((result, index) => result.verified && result.answer === data[index].answer).length;
      const abstained = results.filter((result) => result.abstained).length;
      console.log(
        JSON.stringify({
          bench: 'sudoku-search',
          data: file,
          mode,
          ...(mode === 'search' || mode === 'sets-stepping' ? { settings: options } : {}),
          model: which.specialist.modelId,
          threads,
          batchSize,
          puzzles: results.length,
          puzzlesPerSecond: Number((results.length / seconds).toFixed(2)),
          right,
          wrong: results.length - right - abstained,
          abstained,
          ...searchCosts(results, { searched: mode !== 'model' }),
        }),
      );
    }
  }
}
await solver.dispose();
await setsSolver.dispose();
