// The page: one source of truth (the text box), the model in a Web Worker (solver-worker.js),
// every step drawn for at least a moment with what changed and what breaks a rule marked.
import { TrmError } from '@trm/core';
import { solve as solveOneCall } from '@trm/sdk';
import { webGpuAdapterKind } from '@trm/runtime-web';
import { createMazeGenerator, formatMaze, MazeCell, mazeSide, parseMazeInput, parseMazeString } from '@trm/tasks-maze';
import { createSudokuGenerator, describeSudokuClash, formatSudoku, parseSudokuInput, sudokuClashes } from '@trm/tasks-sudoku';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const seed = Date.now() % 100000;
// Each step stays on screen at least this long (`?delay=ms`; the worker itself runs at full speed).
const minStepMs = Number(params.get('delay') ?? 150);
// `?steps=N` runs exactly N steps (handy to compare devices); otherwise the model halts itself.
const fixedSteps = Number(params.get('steps') ?? 0);
// WebAssembly threads: all cores when cross-origin isolated (the runtime's default); `?threads=N` overrides.
const threads = params.has('threads') ? Number(params.get('threads')) : undefined;

function shade(confidence) {
  // Pale = unsure, blue = sure.
  return `rgba(45, 110, 220, ${(0.1 + 0.5 * confidence).toFixed(2)})`;
}

/** Sudoku cells that share a digit with another in a row, column or box. */
function clashingCells(grid) {
  return new Set(sudokuClashes(grid).flatMap((clash) => clash.cells));
}

/** What the page needs of each task: a generator, parsing, pointing at bad cells, and drawing. */
const tasks = {
  sudoku: {
    generator: createSudokuGenerator({ seed }),
    generate() {
      return formatSudoku(this.generator.next().puzzle);
    },
    parse: (text) => parseSudokuInput(text).givens,
    /** On a parse error: the cells to point at and the sentence to say, when we can tell. */
    explain(text) {
      const cells = text.replace(/\s/g, '');
      if (cells.length !== 81) return { message: `A sudoku has 81 cells; this has ${cells.length}. Use digits for givens and . or 0 for blanks.` };
      const grid = [...cells].map((cell) => (/[1-9]/.test(cell) ? Number(cell) : 0));
      const clashes = sudokuClashes(grid);
      if (clashes.length > 0) return { grid, cells: new Set(clashes.flatMap((clash) => clash.cells)), message: `These givens break the rules: ${clashes.slice(0, 3).map(describeSudokuClash).join('; ')}.` };
      return { grid };
    },
    rows: 3,
    // Only the sudoku board takes typing (see the board's keydown handler).
    label: 'Puzzle (edit here or on the board)',
    verified: 'Verified means the rules were checked: every row, column and box holds 1 to 9 once, and every given is kept. It is a proof, not the model’s opinion.',
    failed: 'The rules say this grid is wrong (red cells break a rule). Try Solve again with a harder think: ?steps=32.',
    example: '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..',
    render(board, givens, { answer, tokenConfidence, previous, marked, candidates } = {}) {
      // A search state: decided cells show their digit, open ones their candidates.
      if (candidates) answer = candidates.map((digits) => (digits.length === 1 ? Number(digits) : 0));
      board.className = 'board sudoku';
      board.style.removeProperty('--side');
      board.setAttribute('role', 'grid');
      board.setAttribute('aria-label', 'sudoku board: focus a cell and type a digit to edit');
      const clashes = answer ? clashingCells(Array.from({ length: 81 }, (_, cell) => givens[cell] || answer[cell] || 0)) : marked ?? new Set();
      const cells = Array.from({ length: 81 }, (_, cell) => {
          const element = document.createElement('div');
          const digit = givens[cell] || answer?.[cell] || 0;
          const changed = answer && previous && !givens[cell] && previous[cell] !== answer[cell];
          const marks = !digit && candidates?.[cell] ? candidates[cell] : '';
          element.className = ['cell', givens[cell] ? 'given' : '', changed ? 'changed' : '', clashes.has(cell) ? 'clash' : ''].filter(Boolean).join(' ');
          element.textContent = digit ? String(digit) : '';
          if (marks) {
            const span = document.createElement('span');
            span.className = 'marks';
            span.textContent = marks;
            element.append(span);
          }
          element.tabIndex = cell === 0 ? 0 : -1;
          element.dataset.cell = String(cell);
          element.setAttribute('role', 'gridcell');
          element.setAttribute('aria-label', `row ${Math.floor(cell / 9) + 1}, column ${(cell % 9) + 1}: ${digit || (marks ? `candidates ${[...marks].join(' ')}` : 'blank')}${givens[cell] ? ' (given)' : ''}${changed ? ', changed' : ''}${clashes.has(cell) ? ', breaks a rule' : ''}`);
          // Pencil marks are the rules' candidates, not the model's digit: no confidence shade.
          if (!givens[cell] && tokenConfidence && !marks) element.style.background = shade(tokenConfidence[cell]);
          return element;
        });
      // Rows for assistive technology; `display: contents` keeps the 9x9 layout.
      board.replaceChildren(
        ...Array.from({ length: 9 }, (_, row) => {
          const element = document.createElement('div');
          element.setAttribute('role', 'row');
          element.className = 'row';
          element.append(...cells.slice(row * 9, row * 9 + 9));
          return element;
        }),
      );
    },
  },
  maze: {
    // One generator per side: the conv model's one set of weights runs every size.
    generators: new Map(),
    generate() {
      const side = Number($('size').value);
      if (!this.generators.has(side)) this.generators.set(side, createMazeGenerator({ seed, side, band: 'medium', split: 'test' }));
      return formatMaze(this.generators.get(side).next().maze).match(new RegExp(`.{${side}}`, 'g')).join('\n');
    },
    parse: (text) => parseMazeInput(text).maze,
    // A maze that reads but cannot be solved (no path, two starts) is still drawn as typed.
    explain(text) {
      try {
        return { grid: parseMazeString(text) };
      } catch {
        return {};
      }
    },
    label: 'Maze (edit here: # wall, space open, S start, G goal)',
    verified: 'Verified means the path was checked: it is a shortest path from S to G through open cells. It is a proof, not the model’s opinion.',
    failed: 'The rules say this is not a shortest path. This small model finds one in about a quarter of medium mazes; try another.',
    get rows() {
      return Number($('size').value);
    },
    example: null,
    // Search states name each free cell's candidates: 'o' on the path, ' ' off it, ' o' still open.
    decided: (candidates) => candidates.map((names) => (names === 'o' ? MazeCell.path : 0)),
    render(board, grid, { answer, tokenConfidence, previous, candidates } = {}) {
      if (candidates) answer = this.decided(candidates);
      const side = mazeSide(grid);
      board.className = 'board maze';
      board.setAttribute('role', 'img');
      board.setAttribute('aria-label', `maze, ${side} by ${side}${answer ? `, the model's path over ${answer.filter((token) => token === MazeCell.path).length} cells` : ''}`);
      // The board keeps about the same width at every size.
      board.style.setProperty('--side', String(side));
      board.style.setProperty('--cell', `${Math.min(0.75, 24 / side).toFixed(3)}rem`);
      board.replaceChildren(
        ...Array.from({ length: grid.length }, (_, cell) => {
          const element = document.createElement('div');
          const kind = grid[cell];
          const onPath = kind === MazeCell.free && answer?.[cell] === MazeCell.path;
          const changed = previous && kind === MazeCell.free && (previous[cell] === MazeCell.path) !== onPath;
          const open = kind === MazeCell.free && candidates?.[cell]?.length > 1;
          element.className = ['cell', kind === MazeCell.wall ? 'wall' : kind === MazeCell.start ? 'start' : kind === MazeCell.goal ? 'goal' : '', onPath ? 'path' : '', open ? 'open' : '', changed ? 'changed' : ''].filter(Boolean).join(' ');
          // Path cells the model proposes, shaded by its confidence in each (a search's decided ones in full).
          if (onPath) element.style.background = shade(tokenConfidence && !candidates ? tokenConfidence[cell] : 1);
          return element;
        }),
      );
    },
  },
};

const currentTask = () => tasks[$('task').value];
// One worker per device choice: onnxruntime-web initialises one backend per global scope (a
// WebGPU session after a WebAssembly one fails with "multiple calls to 'initWasm()'").
const workers = new Map();
function workerFor(device) {
  if (!workers.has(device)) {
    const worker = new Worker(new URL('./solver-worker.js', import.meta.url), { type: 'module', name: `trm-${device}` });
    worker.addEventListener('message', onWorkerMessage);
    workers.set(device, worker);
  }
  return workers.get(device);
}

// The run on screen: which input it belongs to, the steps received and shown, its result.
let run = null;
let runs = 0;
// The last finished run, which the replay slider draws from.
let lastRun = null;

function setState(state) {
  document.body.dataset.state = state;
  $('solve').textContent = state === 'solving' || state === 'loading' ? 'Stop' : 'Solve';
}

function clearResult() {
  $('step').textContent = '-';
  $('confidence').textContent = '-';
  $('badge').className = 'badge';
  $('badge').textContent = 'not solved yet';
  $('explain').textContent = '';
  $('scrub-label').hidden = true;
  $('search-stats').textContent = '-';
  lastRun = null;
  $('loading').hidden = true;
  for (const key of ['answer', 'verified', 'confidence', 'step', 'stepsShown', 'solvedInput']) delete document.body.dataset[key];
}

function cancelRun() {
  if (!run) return;
  workerFor(run.device).postMessage({ type: 'cancel', id: run.id });
  clearTimeout(run.timer);
  run = null;
}

/** The text box changed (typing, Generate, the board, the task): whatever was on screen is void. */
function edited() {
  cancelRun();
  clearResult();
  $('error').textContent = '';
  const task = currentTask();
  document.body.dataset.task = $('task').value;
  $('puzzle-label').textContent = task.label;
  const text = $('puzzle').value;
  try {
    task.render($('board'), task.parse(text));
    setState('ready');
  } catch (error) {
    showInputError(error, text);
  }
}

function showInputError(error, text) {
  const task = currentTask();
  const explained = task.explain(text);
  // Never leave the previous puzzle (and its answer) on the board under an error.
  if (explained.grid) task.render($('board'), explained.grid, { marked: explained.cells });
  else clearBoard();
  // Plain words first; the SDK's own message (which names the field) after it.
  const detail = TrmError.isInstance(error) ? error.message : String(error);
  $('error').textContent = explained.message ? `${explained.message}` : `This input cannot be solved: ${detail.replace(/^[a-z]+: /, '')}`;
  setState('error');
}

function clearBoard() {
  const board = $('board');
  board.className = 'board';
  board.style.removeProperty('--side');
  board.setAttribute('role', 'img');
  board.setAttribute('aria-label', 'no board: the input cannot be read');
  board.replaceChildren();
}

function solve() {
  if (run) {
    // Solve while solving: stop.
    cancelRun();
    edited();
    return;
  }
  edited();
  if (document.body.dataset.state === 'error') return;
  const taskName = $('task').value;
  const task = tasks[taskName];
  // Parsed once: the steps, the result and the badge all belong to exactly this text.
  const text = $('puzzle').value;
  const grid = task.parse(text);
  if (taskName === 'maze' && [...$('size').options].some((option) => Number(option.value) === mazeSide(grid))) $('size').value = String(mazeSide(grid));
  const device = $('device').value;
  const search = $('search').checked;
  run = { id: ++runs, taskName, device, text, grid, frames: [], shown: 0, result: null, lastShownAt: 0, timer: null };
  setState('loading');
  $('badge').textContent = 'thinking...';
  workerFor(device).postMessage({ type: 'solve', id: run.id, task: taskName, device, input: text, fixedSteps, threads, search });
}

/** Shows the next step when it has been on screen long enough; the result after the last step. */
function pump() {
  if (!run) return;
  clearTimeout(run.timer);
  const wait = run.lastShownAt + minStepMs - performance.now();
  if (run.shown < run.frames.length) {
    if (wait > 0) {
      run.timer = setTimeout(pump, wait);
      return;
    }
    showFrame(run.shown++);
    run.lastShownAt = performance.now();
    run.timer = setTimeout(pump, minStepMs);
    return;
  }
  if (run.result && wait <= 0) finish();
  else if (run.result) run.timer = setTimeout(pump, wait);
}

function showFrame(index) {
  const frame = run.frames[index];
  const task = tasks[run.taskName];
  task.render($('board'), run.grid, { answer: frame.value, tokenConfidence: frame.tokenConfidence, previous: digitsOf(run.frames[index - 1]), candidates: frame.candidates });
  $('step').textContent = String(frame.step);
  showSearch(frame);
  $('confidence').textContent = `${(100 * frame.confidence).toFixed(1)}%`;
  document.body.dataset.step = String(frame.step);
  document.body.dataset.stepsShown = String(Math.max(Number(document.body.dataset.stepsShown ?? 0), index + 1));
}

/** What a frame drew: a search state's decided digits, else the model's answer. */
function digitsOf(frame) {
  if (!frame?.candidates) return frame?.value;
  return run?.taskName === 'maze' ? tasks.maze.decided(frame.candidates) : frame.candidates.map((digits) => (digits.length === 1 ? Number(digits) : 0));
}

/** A search's progress: branch points and dead ends so far. */
function showSearch(frame) {
  if (frame.branches !== undefined) $('search-stats').textContent = `${frame.branches} branch points, ${frame.deadEnds} dead ends`;
}

function finish() {
  const { result, taskName, frames } = run;
  const badge = $('badge');
  $('step').textContent = `${result.steps}${result.halted ? ' (halted)' : ''}`;
  badge.className = result.verified ? 'badge verified' : 'badge failed';
  badge.textContent = result.verified ? 'verified' : result.abstained ? 'abstained' : taskName === 'maze' ? 'not a shortest path' : 'not a valid solution';
  $('explain').textContent = result.verified
    ? tasks[taskName].verified
    : result.abstained
      ? 'The search spent its budget without an answer the rules accept, so it offers none as right: the pencil marks are the candidates it had left.'
      : tasks[taskName].failed;
  if (result.cost.branches !== undefined) showSearch(result.cost);
  if (result.abstained && result.candidates) tasks[taskName].render($('board'), run.grid, { candidates: result.candidates });
  document.body.dataset.answer = result.answer;
  document.body.dataset.verified = String(result.verified);
  document.body.dataset.confidence = String(result.confidence);
  document.body.dataset.solvedInput = run.text;
  // The scrubber replays the steps that were drawn.
  const scrub = $('scrub');
  scrub.max = String(frames.length);
  scrub.value = String(frames.length);
  $('scrub-label').hidden = frames.length < 2;
  const done = run;
  run = null;
  lastRun = done;
  setState('solved');
}

$('scrub').addEventListener('input', () => {
  if (!lastRun) return;
  const index = Number($('scrub').value) - 1;
  const frame = lastRun.frames[index];
  tasks[lastRun.taskName].render($('board'), lastRun.grid, { answer: frame.value, tokenConfidence: frame.tokenConfidence, previous: digitsOf(lastRun.frames[index - 1]), candidates: frame.candidates });
  showSearch(frame);
  $('step').textContent = `${frame.step} of ${lastRun.frames.length}`;
});

function onWorkerMessage({ data }) {
  if (data.type === 'progress') return void showProgress(data.event);
  if (!run || data.id !== run.id) return; // a cancelled run's late messages
  if (data.type === 'step') {
    if (document.body.dataset.state === 'loading') setState('solving');
    $('loading').hidden = true;
    run.frames.push(data);
    pump();
  } else if (data.type === 'result') {
    run.result = data.result;
    pump();
  } else if (data.type === 'error') {
    const text = run.text;
    cancelRun();
    clearResult();
    showInputError(Object.assign(new Error(data.error.message), data.error), text);
  }
}

function showProgress(event) {
  const bar = $('loading');
  if (event.status === 'initiate') {
    bar.hidden = false;
    $('loading-text').textContent = 'Downloading the model...';
  } else if (event.status === 'progress') {
    bar.hidden = false;
    $('loading-bar').max = event.total;
    $('loading-bar').value = event.loaded;
    $('loading-text').textContent = `Downloading the model: ${(event.loaded / 1e6).toFixed(1)} of ${(event.total / 1e6).toFixed(1)} MB`;
  } else if (event.status === 'done') {
    $('loading-text').textContent = 'Starting the model...';
  } else if (event.status === 'ready') {
    bar.hidden = true;
    // The backend that runs it (wasm or webgpu); event.device says the same as cpu or gpu.
    $('device-used').textContent = event.executionProvider;
  }
}

// The board is editable: focus a sudoku cell and type a digit (0, ., Backspace or Delete blank it);
// arrow keys move. It edits the text box, which stays the one source of truth.
$('board').addEventListener('keydown', (event) => {
  const target = event.target.closest?.('[data-cell]');
  if (!target || $('task').value !== 'sudoku') return;
  const cell = Number(target.dataset.cell);
  const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -9, ArrowDown: 9 };
  if (event.key in moves) {
    const next = $('board').querySelector(`[data-cell="${(cell + moves[event.key] + 81) % 81}"]`);
    next?.focus();
    event.preventDefault();
    return;
  }
  const digit = /^[1-9]$/.test(event.key) ? event.key : ['0', '.', 'Backspace', 'Delete', ' '].includes(event.key) ? '.' : null;
  if (digit === null) return;
  event.preventDefault();
  const cells = [...$('puzzle').value.replace(/\s/g, '').padEnd(81, '.').slice(0, 81)];
  cells[cell] = digit;
  $('puzzle').value = cells.join('');
  edited();
  $('board').querySelector(`[data-cell="${cell}"]`)?.focus();
});

function show(text) {
  $('puzzle').value = text;
  $('puzzle').rows = currentTask().rows;
  edited();
}

$('puzzle').addEventListener('input', edited);
$('generate').addEventListener('click', () => show(currentTask().generate()));
$('task').addEventListener('change', () => {
  const task = currentTask();
  show(task.example ?? task.generate());
});
$('size').addEventListener('change', () => $('task').value === 'maze' && show(currentTask().generate()));
$('solve').addEventListener('click', solve);
$('device').addEventListener('change', edited);
show(tasks.sudoku.example);

// WebGPU is offered only with an adapter; a software one is labelled (auto prefers WebAssembly to it).
webGpuAdapterKind().then((kind) => {
  const option = $('device').querySelector('option[value="webgpu"]');
  if (kind === null) {
    option.disabled = true;
    option.textContent = 'WebGPU (not available here)';
  } else if (kind === 'software') option.textContent = 'WebGPU (software adapter: slow)';
  document.body.dataset.webgpu = String(kind);
});
// Fetch and start the sudoku model once the page has painted, so the first Solve does not wait.
if (params.get('prefetch') !== '0') setTimeout(() => workerFor($('device').value).postMessage({ type: 'prefetch', task: 'sudoku', device: $('device').value, threads, search: $('search').checked }), 300);

// For bench/browser.bench.js: puzzles per second of one-at-a-time solving with a fixed step count,
// in the solver worker (where the page runs the model) or, with where: 'page', on the page's thread.
window.trmBench = async ({ task = 'sudoku', device, puzzles, steps, where = 'worker', threads }) => {
  if (where === 'worker') {
    // A worker per thread count: onnxruntime-web fixes its threads when its wasm first starts.
    const worker = workerFor(`bench-${device}-${threads ?? "default"}`);
    const id = `bench-${++runs}`;
    return new Promise((resolve, reject) => {
      const listener = ({ data }) => {
        if (data.type !== 'bench' || data.id !== id) return;
        worker.removeEventListener('message', listener);
        data.error ? reject(new Error(data.error.message)) : resolve({ puzzlesPerSecond: data.puzzlesPerSecond, threads: data.threads });
      };
      worker.addEventListener('message', listener);
      worker.postMessage({ type: 'bench', id, task, device, puzzles, steps, threads });
    });
  }
  // Fixed steps time the token models (the sudoku candidate model runs one step per search state).
  const [{ createSolver }, { createWebRuntime }, { sudokuTokens }, { maze }] = await Promise.all([import('@trm/core'), import('@trm/runtime-web'), import('@trm/tasks-sudoku'), import('@trm/tasks-maze')]);
  const solver = await createSolver({ specialist: task === 'maze' ? maze : sudokuTokens, runtime: createWebRuntime({ device, ...(threads ? { threads } : {}) }) });
  await solver.solve(puzzles[0], { fixedSteps: steps }); // warm-up
  const started = performance.now();
  for (const puzzle of puzzles) await solver.solve(puzzle, { fixedSteps: steps });
  return { puzzlesPerSecond: puzzles.length / ((performance.now() - started) / 1000), threads: threads ?? (crossOriginIsolated ? navigator.hardwareConcurrency : 1) };
};

// The one-call API, for the browser test: `solve(input)` with the shipped models, as in Node.
window.trmSolve = async (input, options) => {
  const { value: _typed, tokenConfidence: _confidences, ...result } = await solveOneCall(input, options);
  return result;
};
