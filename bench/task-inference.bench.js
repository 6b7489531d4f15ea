// Inference throughput of any task (`TRM_BENCH_TASK`: a built-in name, a task module file or an
// installed package; default latin-square from examples/custom-task) with its packaged model or
// `TRM_BENCH_MODEL` (a manifest path): inputs/s at batch 1 and 64, fixed 16 steps and adaptive.
// Inputs come from the task itself (its data set generator, else its held-out inputs).
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createSolver } from '@trm/core';
import { loadSpecialist, loadTask } from '@trm/cli';
import { createNodeRuntime } from '@trm/runtime-node';

const spec = process.env.TRM_BENCH_TASK ?? fileURLToPath(new URL('../examples/custom-task/latin-square.js', import.meta.url));
const threads = Number(process.env.TRM_BENCH_THREADS ?? cpus().length);
const count = Number(process.env.TRM_BENCH_COUNT ?? 256);
const { task } = await loadTask(spec);
const specialist = await loadSpecialist(task, process.env.TRM_BENCH_MODEL);
const inputs = task.dataset
  ? [...task.dataset.generate({ count, seed: 2024, split: 'test' })].map((row) => row.question)
  : task.training?.heldOut?.({ count, seed: 2024 });
if (!inputs || inputs.length === 0) throw new Error(`task ${task.name} makes no inputs (no dataset or heldOut)`);
const solver = await createSolver({ specialist, runtime: createNodeRuntime({ device: 'cpu', threads: threads }) });
for (const batchSize of [1, 64]) {
  for (const [mode, options] of [['fixed', { fixedSteps: 16 }], ['adaptive', { maxSteps: 16 }]]) {
    const batch = batchSize === 1 ? inputs.slice(0, 16) : inputs;
    await solver.solveMany(batch.slice(0, batchSize), { ...options, batchSize }); // warm-up
    const started = performance.now();
    const results = await solver.solveMany(batch, { ...options, batchSize });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        bench: 'task-inference',
        task: task.name,
        model: specialist.modelId,
        threads,
        batchSize,
        halting: mode,
        inputs: results.length,
        inputsPerSecond: Number((results.length / seconds).toFixed(2)),
        meanSteps: Number((results.reduce((sum, result) => sum + result.steps, 0) / results.length).toFixed(2)),
        verified: results.filter((result) => result.verified).length,
      }),
    );
  }
}
await solver.dispose();
