import { createSolver, TrmError } from '@trm/core';
import { createWebRuntime } from '@trm/runtime-web';
import { createSudokuGenerator, formatSudoku, parseSudokuInput, sudoku } from '@trm/tasks-sudoku';

const $ = (id) => document.getElementById(id);
const generator = createSudokuGenerator({ seed: Date.now() % 100000 });
const solvers = new Map(); // one loaded model per device

function render(givens, answer, tokenConfidence) {
  const board = $('board');
  board.replaceChildren(
    ...Array.from({ length: 81 }, (_, cell) => {
      const element = document.createElement('div');
      element.className = givens[cell] ? 'cell given' : 'cell';
      const digit = givens[cell] || answer?.[cell] || 0;
      element.textContent = digit ? String(digit) : '';
      if (!givens[cell] && tokenConfidence) {
        // Shade by the model's confidence in this cell: pale = unsure, blue = sure.
        const confidence = tokenConfidence[cell];
        element.style.background = `rgba(45, 110, 220, ${(0.1 + 0.5 * confidence).toFixed(2)})`;
      }
      return element;
    }),
  );
}

/** `?delay=ms` slows every step down, so people (and screenshots) can watch the refinement. */
function withDelay(runtime, milliseconds) {
  if (!milliseconds) return runtime;
  return {
    ...runtime,
    async load(source) {
      const model = await runtime.load(source);
      return { ...model, doStep: async (input) => { const output = await model.doStep(input); await new Promise((resolve) => setTimeout(resolve, milliseconds)); return output; } };
    },
  };
}

async function solverFor(device) {
  if (!solvers.has(device)) {
    const delay = Number(new URLSearchParams(location.search).get('delay') ?? 0);
    const runtime = withDelay(createWebRuntime({ device, onProgress: (event) => event.status === 'ready' && ($('device-used').textContent = event.device) }), delay);
    solvers.set(device, createSolver({ specialist: sudoku, runtime }));
  }
  try {
    return await solvers.get(device);
  } catch (error) {
    solvers.delete(device);
    throw error;
  }
}

async function solve() {
  $('error').textContent = '';
  const badge = $('badge');
  badge.className = 'badge';
  badge.textContent = 'thinking...';
  document.body.dataset.state = 'solving';
  try {
    const { givens } = parseSudokuInput($('puzzle').value);
    const solver = await solverFor($('device').value);
    // `?steps=N` runs exactly N steps (handy to compare devices quickly); otherwise the model halts itself.
    const fixedSteps = Number(new URLSearchParams(location.search).get('steps') ?? 0);
    const result = await solver.solve($('puzzle').value, {
      halting: fixedSteps ? { mode: 'fixed', steps: fixedSteps } : undefined,
      onStep: ({ step, answers }) => {
        const [current] = answers;
        $('step').textContent = String(step);
        document.body.dataset.step = String(step);
        $('confidence').textContent = `${(100 * current.confidence).toFixed(1)}%`;
        render(givens, current.answer, current.tokenConfidence);
      },
    });
    render(givens, result.answer, result.tokenConfidence);
    $('step').textContent = `${result.steps}${result.halted ? ' (halted)' : ''}`;
    badge.className = result.verified ? 'badge verified' : 'badge failed';
    badge.textContent = result.verified ? 'verified' : 'not a valid solution';
    document.body.dataset.answer = result.text;
    document.body.dataset.verified = String(result.verified);
    document.body.dataset.confidence = String(result.confidence);
    document.body.dataset.state = 'solved';
  } catch (error) {
    $('error').textContent = TrmError.isInstance(error) ? `${error.name}: ${error.message}` : String(error);
    badge.textContent = 'error';
    document.body.dataset.state = 'error';
  }
}

$('generate').addEventListener('click', () => {
  const puzzle = generator.next().puzzle;
  $('puzzle').value = formatSudoku(puzzle);
  render(puzzle);
});
$('solve').addEventListener('click', solve);
$('puzzle').value = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';
render(parseSudokuInput($('puzzle').value).givens);
document.body.dataset.state = 'ready';

// For bench/browser.bench.js: puzzles per second of one-at-a-time solving with a fixed step count.
window.trmBench = async ({ device, puzzles, steps }) => {
  const solver = await solverFor(device);
  await solver.solve(puzzles[0], { halting: { mode: 'fixed', steps } }); // warm-up
  const started = performance.now();
  for (const puzzle of puzzles) await solver.solve(puzzle, { halting: { mode: 'fixed', steps } });
  return { puzzlesPerSecond: puzzles.length / ((performance.now() - started) / 1000), threads: crossOriginIsolated ? navigator.hardwareConcurrency : 1 };
};
