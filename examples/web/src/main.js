import { createSolver, TrmError } from '@trm/core';
import { createWebRuntime, solve as solveOneCall } from '@trm/runtime-web';
import { createMazeGenerator, formatMaze, maze, MazeCell, mazeSide, parseMazeInput } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, parseSudokuInput, sudoku } from '@trm/tasks-sudoku';

const $ = (id) => document.getElementById(id);
const seed = Date.now() % 100000;

function shade(confidence) {
  // Pale = unsure, blue = sure.
  return `rgba(45, 110, 220, ${(0.1 + 0.5 * confidence).toFixed(2)})`;
}

/** What the page needs of each task: its specialist, a generator, parsing and drawing. */
const tasks = {
  sudoku: {
    specialist: sudoku,
    generator: createSudokuGenerator({ seed }),
    generate() {
      return formatSudoku(this.generator.next().puzzle);
    },
    parse: (text) => parseSudokuInput(text).givens,
    rows: 3,
    example: '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..',
    render(board, givens, answer, tokenConfidence) {
      board.className = 'board sudoku';
      board.style.removeProperty('--side');
      board.replaceChildren(
        ...Array.from({ length: 81 }, (_, cell) => {
          const element = document.createElement('div');
          element.className = givens[cell] ? 'cell given' : 'cell';
          const digit = givens[cell] || answer?.[cell] || 0;
          element.textContent = digit ? String(digit) : '';
          if (!givens[cell] && tokenConfidence) element.style.background = shade(tokenConfidence[cell]);
          return element;
        }),
      );
    },
  },
  maze: {
    specialist: maze,
    // One generator per side: the conv model's one set of weights runs every size.
    generators: new Map(),
    generate() {
      const side = Number($('size').value);
      if (!this.generators.has(side)) this.generators.set(side, createMazeGenerator({ seed, side, band: 'medium', split: 'test' }));
      return formatMaze(this.generators.get(side).next().maze).match(new RegExp(`.{${side}}`, 'g')).join('\n');
    },
    parse: (text) => parseMazeInput(text).maze,
    get rows() {
      return Number($('size').value);
    },
    example: null,
    render(board, grid, answer, tokenConfidence) {
      const side = mazeSide(grid);
      board.className = 'board maze';
      // The board keeps about the same width at every size.
      board.style.setProperty('--side', String(side));
      board.style.setProperty('--cell', `${Math.min(0.75, 24 / side).toFixed(3)}rem`);
      board.replaceChildren(
        ...Array.from({ length: grid.length }, (_, cell) => {
          const element = document.createElement('div');
          const kind = grid[cell];
          element.className = kind === MazeCell.wall ? 'cell wall' : kind === MazeCell.start ? 'cell start' : kind === MazeCell.goal ? 'cell goal' : 'cell';
          // Path cells the model proposes, shaded by its confidence in each.
          if (kind === MazeCell.free && answer?.[cell] === MazeCell.path) element.style.background = tokenConfidence ? shade(tokenConfidence[cell]) : shade(1);
          return element;
        }),
      );
    },
  },
};

const solvers = new Map(); // one loaded model per task and device
const currentTask = () => tasks[$('task').value];

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

async function solverFor(taskName, device) {
  const key = `${taskName}/${device}`;
  if (!solvers.has(key)) {
    const delay = Number(new URLSearchParams(location.search).get('delay') ?? 0);
    const runtime = withDelay(createWebRuntime({ device, onProgress: (event) => event.status === 'ready' && ($('device-used').textContent = event.device) }), delay);
    solvers.set(key, createSolver({ specialist: tasks[taskName].specialist, runtime }));
  }
  try {
    return await solvers.get(key);
  } catch (error) {
    solvers.delete(key);
    throw error;
  }
}

async function solve() {
  $('error').textContent = '';
  const badge = $('badge');
  badge.className = 'badge';
  badge.textContent = 'thinking...';
  document.body.dataset.state = 'solving';
  const taskName = $('task').value;
  const task = tasks[taskName];
  try {
    const grid = task.parse($('puzzle').value);
    // The size menu shows the size being solved (when it lists it).
    if (taskName === 'maze' && [...$('size').options].some((option) => Number(option.value) === mazeSide(grid))) $('size').value = String(mazeSide(grid));
    const solver = await solverFor(taskName, $('device').value);
    // `?steps=N` runs exactly N steps (handy to compare devices quickly); otherwise the model halts itself.
    const fixedSteps = Number(new URLSearchParams(location.search).get('steps') ?? 0);
    const result = await solver.solve($('puzzle').value, {
      ...(fixedSteps ? { fixedSteps } : {}),
      onStep: ({ step, answers }) => {
        const [current] = answers;
        $('step').textContent = String(step);
        document.body.dataset.step = String(step);
        $('confidence').textContent = `${(100 * current.confidence).toFixed(1)}%`;
        task.render($('board'), grid, current.value, current.tokenConfidence);
      },
    });
    task.render($('board'), grid, result.value, result.tokenConfidence);
    $('step').textContent = `${result.steps}${result.halted ? ' (halted)' : ''}`;
    badge.className = result.verified ? 'badge verified' : 'badge failed';
    badge.textContent = result.verified ? 'verified' : taskName === 'maze' ? 'not a shortest path' : 'not a valid solution';
    document.body.dataset.answer = result.answer;
    document.body.dataset.verified = String(result.verified);
    document.body.dataset.confidence = String(result.confidence);
    document.body.dataset.state = 'solved';
  } catch (error) {
    $('error').textContent = TrmError.isInstance(error) ? `${error.name}: ${error.message}` : String(error);
    badge.textContent = 'error';
    document.body.dataset.state = 'error';
  }
}

function show(text) {
  const task = currentTask();
  $('puzzle').value = text;
  $('puzzle').rows = task.rows;
  document.body.dataset.task = $('task').value;
  $('error').textContent = '';
  try {
    task.render($('board'), task.parse(text));
  } catch (error) {
    $('error').textContent = TrmError.isInstance(error) ? `${error.name}: ${error.message}` : String(error);
  }
}

$('generate').addEventListener('click', () => show(currentTask().generate()));
$('task').addEventListener('change', () => {
  const task = currentTask();
  show(task.example ?? task.generate());
});
$('size').addEventListener('change', () => $('task').value === 'maze' && show(currentTask().generate()));
$('solve').addEventListener('click', solve);
show(tasks.sudoku.example);
document.body.dataset.state = 'ready';

// For bench/browser.bench.js: puzzles per second of one-at-a-time solving with a fixed step count.
window.trmBench = async ({ task = 'sudoku', device, puzzles, steps }) => {
  const solver = await solverFor(task, device);
  await solver.solve(puzzles[0], { fixedSteps: steps }); // warm-up
  const started = performance.now();
  for (const puzzle of puzzles) await solver.solve(puzzle, { fixedSteps: steps });
  return { puzzlesPerSecond: puzzles.length / ((performance.now() - started) / 1000), threads: crossOriginIsolated ? navigator.hardwareConcurrency : 1 };
};

// The one-call API, for the browser test: `solve(input)` with the shipped models, as in Node.
window.trmSolve = async (input, options) => {
  const { value: _typed, tokenConfidence: _confidences, ...result } = await solveOneCall(input, options);
  return result;
};
