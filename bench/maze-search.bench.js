// Mazes with and without search on candidate sets, same run, the shipped conv model: alone
// ('model': adaptive halting, at most 16 steps, search off), searching with a network step on every
// state ('search': the maze domain narrows exactly, one step per state, at most 2,000), and the
// shipped default ('dive': its manifest's search, one network step ordering the whole descent).
// Mazes/s at batch 1 and 64 on 30x30 test mazes of the medium and hard bands (generated here,
// seeds the training never used); valid shortest paths, wrong, abstained; network steps and branch
// points per maze (median, p99).
import { cpus } from 'node:os';
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createMazeGenerator, formatMaze, maze } from '@trm/tasks-maze';
import { searchCosts } from './search-costs.js';

const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const count = Number(process.env.TRM_BENCH_MAZES ?? 64);
const runtime = createNodeRuntime({ device: 'cpu', threads });
const solver = await createSolver({ specialist: maze, runtime });
for (const [band, seed] of [['medium', 8101], ['hard', 8102]]) {
  const generator = createMazeGenerator({ seed, band, split: 'test' });
  const mazes = Array.from({ length: count }, () => formatMaze(generator.next().maze));
  for (const batchSize of [1, 64]) {
    const inputs = batchSize === 1 ? mazes.slice(0, 8) : mazes;
    for (const [mode, options] of [['model', { searchSteps: 0, maxSteps: 16 }], ['search', { searchSteps: 2000, maxSteps: 1, dive: false }], ['dive', {}]]) {
      await solver.solveMany(inputs.slice(0, 1), { searchSteps: 0, fixedSteps: 1, batchSize }); // warm-up
      const started = performance.now();
      const results = await solver.solveMany(inputs, { ...options, batchSize });
      const seconds = (performance.now() - started) / 1000;
      const right = results.filter((result) => result.verified).length;
      const abstained = results.filter((result) => result.abstained).length;
      console.log(
        JSON.stringify({
          bench: 'maze-search',
          band,
          grid: '30x30',
          mode,
          settings: options,
          model: solver.specialist.modelId,
          threads,
          batchSize,
          mazes: results.length,
          mazesPerSecond: Number((results.length / seconds).toFixed(3)),
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
