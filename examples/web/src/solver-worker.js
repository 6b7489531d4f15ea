// The model lives here, off the page's thread: the runtime, the loop and the weights. The page
// sends { type: 'solve', id, task, device, input, fixedSteps, threads?, search? } and { type: 'cancel', id }, and
// { type: 'prefetch', task, device, search? } to load a model early; it gets back, tagged with the id,
// 'progress' (weights loading), 'step' (each supervision step), then 'result' or 'error'.
import { createSolver, searchBudget, TrmError } from '@trm/core';
import { createWebRuntime } from '@trm/runtime-web';
import { maze } from '@trm/tasks-maze';
import { sudoku, sudokuTokens } from '@trm/tasks-sudoku';

// Per task, the model each mode runs: 'search' the sudoku candidate model (it reads pencil marks
// and always searches: right or abstain) or the maze model searching on the maze's candidate sets,
// 'rewrite' the token models that rewrite the whole answer each step.
const specialists = { sudoku: { search: sudoku, rewrite: sudokuTokens }, maze: { search: maze, rewrite: maze } };
const solvers = new Map(); // one loaded model per task, mode and device
const running = new Map(); // id -> AbortController

function solverFor(task, device, id, threads, mode = 'rewrite') {
  const key = `${task}/${mode}/${device}/${threads ?? 'default'}`;
  if (!solvers.has(key)) {
    const runtime = createWebRuntime({ device, ...(threads ? { threads } : {}), onProgress: (event) => postMessage({ type: 'progress', id, task, event }) });
    const solver = createSolver({ specialist: specialists[task][mode], runtime });
    solver.catch(() => solvers.delete(key)); // a failed load is tried again next time
    solvers.set(key, solver);
  }
  return solvers.get(key);
}

const describe = (error) => (TrmError.isInstance(error) ? { name: error.name, field: error.field, message: error.message } : { name: 'Error', message: String(error?.message ?? error) });


async function solve({ id, task, device, input, fixedSteps, threads, search }) {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    // The candidate model searches by itself (one network step per state, at most 2,000, then it abstains).
    const mode = search && specialists[task].search ? 'search' : 'rewrite';
    const solver = await solverFor(task, device, id, threads, mode);
    if (controller.signal.aborted) return;
    // A token model searches when asked (one network step per state, at most 2,000, then it
    // abstains), or by default where its manifest says so (mazes): the rewrite mode turns that off.
    const searchesByDefault = searchBudget({}, solver.model.manifest) !== undefined;
    const searching = mode === 'search' ? (searchesByDefault ? {} : { searchSteps: 2000, maxSteps: 1 }) : searchesByDefault ? { searchSteps: 0 } : {};
    const result = await solver.solve(input, {
      ...searching,
      ...(mode === 'rewrite' && fixedSteps ? { fixedSteps } : {}),
      signal: controller.signal,
      onStep: ({ step, answers: [current] }) => {
        const { candidates, branches, deadEnds } = current;
        postMessage({ type: 'step', id, step, value: Array.from(current.value), tokenConfidence: Array.from(current.tokenConfidence), confidence: current.confidence, ...(candidates ? { candidates, branches, deadEnds } : {}) });
      },
    });
    const { value, tokenConfidence, ...rest } = result;
    postMessage({ type: 'result', id, result: { ...rest, value: Array.from(value), tokenConfidence: Array.from(tokenConfidence) } });
  } catch (error) {
    if (!controller.signal.aborted) postMessage({ type: 'error', id, error: describe(error) });
  } finally {
    running.delete(id);
  }
}

/** For bench/browser.bench.js: one-at-a-time solving with fixed steps, timed here in the worker. */
async function bench({ id, task, device, puzzles, steps, threads }) {
  try {
    const solver = await solverFor(task, device, id, threads);
    // The network alone, also for a model that searches by default (mazes).
    const options = { fixedSteps: steps, ...(searchBudget({}, solver.model.manifest) !== undefined ? { searchSteps: 0 } : {}) };
    await solver.solve(puzzles[0], options); // warm-up
    const started = performance.now();
    for (const puzzle of puzzles) await solver.solve(puzzle, options);
    postMessage({ type: 'bench', id, puzzlesPerSecond: puzzles.length / ((performance.now() - started) / 1000), threads: threads ?? (crossOriginIsolated ? navigator.hardwareConcurrency : 1) });
  } catch (error) {
    postMessage({ type: 'bench', id, error: describe(error) });
  }
}

addEventListener('message', ({ data }) => {
  if (data?.type === 'solve') void solve(data);
  else if (data?.type === 'bench') void bench(data);
  else if (data?.type === 'cancel') running.get(data.id)?.abort();
  else if (data?.type === 'prefetch') solverFor(data.task, data.device, null, data.threads, data.search && specialists[data.task].search ? 'search' : 'rewrite').catch(() => {});
});
