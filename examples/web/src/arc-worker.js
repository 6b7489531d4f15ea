// ARC in a worker: adapt the shipped model to one task's demonstrations with onnxruntime-web's
// WebAssembly build (the same training graph as Node), then answer its test inputs step by step.
// The page sends { type: 'arc', id, task, name, steps } and { type: 'cancel', id }; it gets back,
// tagged with the id: 'progress' (download, adaptation), 'step', 'attempts', then 'done' or 'error'.
import * as ort from 'onnxruntime-web/wasm';
import { createSolver, TrmError } from '@trm/core';
import { createWebRuntime, readModelWeights } from '@trm/runtime-web';
import { adaptModel } from '@trm/trainer/adapt';
import { answerArcTask, createArc, packagedArcModel, parseArcPuzzle, planArcAdaptation, sameArcGrid } from '@trm/tasks-arc';

const running = new Map();
let weights; // the packaged model's bytes (a promise), fetched once
const describe = (error) => (TrmError.isInstance(error) ? { name: error.name, field: error.field, message: error.message } : { name: 'Error', message: String(error?.message ?? error) });

async function modelBytes(id) {
  // The runtime's own reader: streamed with progress, and checked against the manifest's sha256.
  weights ??= readModelWeights(packagedArcModel(), (event) => {
    if (event.status === 'progress') postMessage({ type: 'progress', id, phase: 'download', loaded: event.loaded, total: event.total });
  });
  weights.catch(() => (weights = undefined));
  return weights;
}

async function run({ id, task, name, steps }) {
  const controller = new AbortController();
  running.set(id, controller);
  const solvers = [];
  try {
    const puzzle = parseArcPuzzle({ task, ...(name ? { name } : {}) });
    const runtime = createWebRuntime({ device: 'wasm', threads: 1 });
    let solver;
    let selfCheck = null;
    if (steps > 0) {
      const plan = planArcAdaptation(puzzle.task, { name: name ?? 'task' });
      const bytes = await modelBytes(id);
      ort.env.wasm.numThreads = 1;
      const started = performance.now();
      const adapted = await adaptModel({
        ort,
        manifest: packagedArcModel().manifest,
        weights: bytes,
        data: plan.data,
        grid: { height: plan.side, width: plan.side },
        steps,
        train: plan.train, // every weight: measured better than the embeddings alone
        signal: controller.signal,
        sessionOptions: { executionProviders: ['wasm'] },
        onProgress: (event) => postMessage({ type: 'progress', id, phase: 'adapt', step: event.step, steps: event.steps, loss: event.loss }),
      });
      postMessage({ type: 'adapted', id, seconds: (performance.now() - started) / 1000, loss: adapted.finalLoss });
      solver = await createSolver({ specialist: createArc({ model: { manifest: adapted.manifest, weights: adapted.weights } }), runtime });
      solvers.push(solver);
      if (plan.heldOut) {
        const [check] = await answerArcTask(solver, { task: { train: puzzle.task.train.slice(0, -1), test: [{ input: plan.heldOut.input }] }, name: plan.name });
        selfCheck = check.attempts[0] !== undefined && sameArcGrid(check.attempts[0], plan.heldOut.output);
      }
      postMessage({ type: 'self-check', id, selfCheck });
    } else {
      solver = await createSolver({ specialist: createArc(), runtime });
      solvers.push(solver);
    }
    const adaptedName = steps > 0 ? (name ?? 'task') : name;
    for (let testIndex = 0; testIndex < puzzle.task.test.length; testIndex++) {
      if (controller.signal.aborted) return;
      // Every variant, voted, for the two attempts; the task as given (variant 0) shown step by step.
      const [answer] = await answerArcTask(solver, { task: { train: puzzle.task.train, test: [puzzle.task.test[testIndex]] }, ...(adaptedName ? { name: adaptedName } : {}) }, {
        solve: { signal: controller.signal },
        onStep: ({ step, grid, confidence }) => postMessage({ type: 'step', id, testIndex, step, grid: grid ?? [], confidence }),
      });
      postMessage({ type: 'attempts', id, testIndex, attempts: answer.attempts, votes: answer.votes.map((vote) => vote.votes), copies: answer.copies });
    }
    postMessage({ type: 'done', id, adapted: steps > 0 });
  } catch (error) {
    if (!controller.signal.aborted) postMessage({ type: 'error', id, error: describe(error) });
  } finally {
    running.delete(id);
    for (const solver of solvers) await solver.dispose();
  }
}

addEventListener('message', ({ data }) => {
  if (data?.type === 'arc') void run(data);
  else if (data?.type === 'cancel') running.get(data.id)?.abort();
});

