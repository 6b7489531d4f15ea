// The demo page in real Chromium (Debian's), driven by playwright-core: it loads, solves on
// WebAssembly and on WebGPU (a software adapter here), and its verified badge tells the truth.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { createMazeGenerator, formatMaze, isValidShortestPath, maze, parseMazeString } from '@trm/tasks-maze';
import { createSudokuGenerator, formatSudoku, isValidSolution, parseSudokuString, sudoku } from '@trm/tasks-sudoku';
import { launchChromium, serveDist } from './serve-dist.js';

const chromiumPath = process.env.TRM_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.TRM_REQUIRE_BROWSER) throw new Error(`browser tests required but ${chromiumPath} is missing`);
const here = fileURLToPath(new URL('.', import.meta.url));
// Screenshots go to a temporary folder; `pnpm docs:screenshots` points this at docs/screenshots.
const screenshots = process.env.TRM_SCREENSHOTS_DIR ?? join(tmpdir(), 'trm-screenshots');
// A unique-solution puzzle with many givens, so a small model can be expected to solve it.
const puzzle = formatSudoku(createSudokuGenerator({ seed: 2026, minGivens: 36 }).next().puzzle);

describe.skipIf(!haveChromium)('demo page in Chromium', () => {
  let server;
  let browser;
  let origin;

  beforeAll(async () => {
    server = await serveDist();
    origin = server.origin;
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function solveOn(device, options = {}) {
    const task = options.task ?? 'sudoku';
    const page = await browser.newPage({ viewport: { width: 1100, height: 780 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const query = new URLSearchParams(Object.entries({ delay: options.delay, steps: options.steps, prefetch: options.prefetch }).filter(([, value]) => value !== undefined));
    await page.goto(`${origin}/?${query}`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    await page.selectOption('#task', task);
    await page.fill('#puzzle', options.input ?? puzzle);
    await page.selectOption('#device', device);
    await page.click('#solve');
    if (options.midway) await options.midway(page);
    expect(await page.evaluate(() => document.getElementById('error').textContent)).toBe('');
    await page.waitForFunction(() => ['solved', 'error'].includes(document.body.dataset.state), null, { polling: 100, timeout: 120_000 });
    const state = await page.evaluate(() => ({ ...document.body.dataset, error: document.getElementById('error').textContent, device: document.getElementById('device-used').textContent }));
    return { page, state, errors };
  }

  it('solves a sudoku on WebAssembly; the badge says verified only for a valid solution', async () => {
    mkdirSync(screenshots, { recursive: true });
    // Six slowed-down fixed steps, so the page can be caught mid-refinement.
    const { page, state, errors } = await solveOn('wasm', {
      delay: 300,
      steps: 6,
      midway: async (page) => {
        // Interval polling: animation-frame polling stalls in headless background pages.
        await page.waitForFunction(() => Number(document.body.dataset.step) >= 2, null, { polling: 20, timeout: 60_000 });
        await page.screenshot({ path: join(screenshots, 'sudoku-refining.png') });
      },
    });
    expect(errors).toEqual([]);
    expect(state.state).toBe('solved');
    expect(state.device).toBe('wasm');
    expect(state.answer).toMatch(/^[0-9]{81}$/);
    expect(state.verified).toBe(String(isValidSolution(parseSudokuString(puzzle), parseSudokuString(state.answer))));
    // The shipped model solves this easy puzzle.
    expect(state.verified).toBe('true');
    await page.screenshot({ path: join(screenshots, 'sudoku-solved.png') });
    await page.close();
  });

  // The first of these 15x15 test mazes that the shipped model solves in Node (searched once).
  let solvedMaze;
  /** A 20x20 test maze whose default search (in Node) runs the network and then splits several states. */
  async function splittingMaze() {
    const generator = createMazeGenerator({ seed: 2027, side: 20, band: 'long', split: 'test' });
    const node = await createSolver({ specialist: maze, runtime: createNodeRuntime({ device: 'cpu' }) });
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        const input = formatMaze(generator.next().maze).match(/.{20}/g).join('\n');
        const { cost } = await node.solve(input);
        if (cost.nodes === 1 && cost.branches >= 3) return input;
      }
      throw new Error('no maze of 20 whose search splits three states');
    } finally {
      await node.dispose();
    }
  }

  function mazeNodeSolves() {
    solvedMaze ??= (async () => {
      const generator = createMazeGenerator({ seed: 2026, side: 15, band: 'medium', split: 'test' });
      const node = await createSolver({ specialist: maze, runtime: createNodeRuntime({ device: 'cpu' }) });
      try {
        for (let attempt = 0; attempt < 20; attempt++) {
          const input = formatMaze(generator.next().maze).match(/.{15}/g).join('\n');
          // The page's plain mode runs the network alone (the maze model searches by default).
          const expected = await node.solve(input, { searchSteps: 0 });
          if (expected.verified) return { input, expected };
        }
        return {};
      } finally {
        await node.dispose();
      }
    })();
    return solvedMaze;
  }

  it('solves a maze on WebAssembly as Node does; the answer verifies, and the badge says so', async () => {
    // The page must solve it too, with the same path.
    const { input, expected } = await mazeNodeSolves();
    expect(expected, 'the shipped model solves one of 20 medium 15x15 mazes in Node').toBeDefined();
    const { page, state, errors } = await solveOn('wasm', { task: 'maze', input });
    expect(errors).toEqual([]);
    expect(state.state).toBe('solved');
    expect(state.task).toBe('maze');
    expect(state.answer).toHaveLength(225);
    expect(state.verified).toBe(String(isValidShortestPath(parseMazeString(input), parseMazeString(state.answer, 'answer', { allowPath: true }))));
    expect(state.verified).toBe('true');
    expect(state.answer).toBe(expected.answer);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'maze-solved.png') });
    await page.close();
  }, 180_000);

  it('the WebGPU path gives the same answer as WebAssembly', async () => {
    // A software WebGPU adapter is slow: compare two fixed steps.
    // No prefetch: the page's WebAssembly worker would compete with the slow software adapter for the CPU.
    const wasm = await solveOn('wasm', { steps: 2, prefetch: 0 });
    const webgpu = await solveOn('webgpu', { steps: 2, prefetch: 0 });
    expect(webgpu.state.error).toBe('');
    expect(webgpu.state.device).toBe('webgpu');
    // Same network, same numbers: the halting confidence agrees closely, and so does every cell
    // but, at most, a few whose two best digits are near-tied.
    expect(Number(webgpu.state.confidence)).toBeCloseTo(Number(wasm.state.confidence), 3);
    const same = [...webgpu.state.answer].filter((digit, cell) => digit === wasm.state.answer[cell]).length;
    expect(same).toBeGreaterThanOrEqual(78);
    await wasm.page.close();
    await webgpu.page.close();
  }, 240_000);

  async function openPage(query = '') {
    const page = await browser.newPage({ viewport: { width: 1100, height: 780 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${origin}/${query}`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    return { page, errors };
  }
  /** Moves the replay slider to a step, as a user dragging it would. */
  const replayStep = (page, step) =>
    page.evaluate((value) => {
      const scrub = document.getElementById('scrub');
      scrub.value = String(value);
      scrub.dispatchEvent(new Event('input'));
    }, step);
  const pageState = (page) => page.evaluate(() => ({ ...document.body.dataset, text: document.getElementById('puzzle').value, badge: document.getElementById('badge').className, error: document.getElementById('error').textContent }));

  it('Search mode on a forum-hardest puzzle: pencil marks narrow while it searches, branch points and dead ends shown, and the answer is right; on a maze too', async () => {
    const { page, errors } = await openPage();
    const hardest = '........1.....2.34..5.4.6....6.7.4...1.8.4...8..3....2..94......6...59..75..9....';
    await page.check('#search');
    await page.fill('#puzzle', hardest);
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    const state = await pageState(page);
    expect(errors).toEqual([]);
    expect(state.verified).toBe('true');
    expect(state.answer).toBe('472639851698512734135748629526971483913824576847356192289467315361285947754193268');
    expect(await page.textContent('#search-stats')).toMatch(/^\d+ branch points, \d+ dead ends$/);
    // Replaying the first state: open cells show their candidates, each a subset of 1-9 holding the solution's digit.
    await replayStep(page, 1);
    const marks = await page.evaluate(() => [...document.querySelectorAll('#board .cell')].map((cell) => cell.querySelector('.marks')?.textContent ?? ''));
    const open = marks.filter(Boolean);
    expect(open.length).toBeGreaterThan(20);
    marks.forEach((digits, cell) => {
      if (digits) expect(digits).toContain(state.answer[cell]);
    });
    // Maze mode searches on its own candidate sets: a valid shortest path, no dead end, open cells
    // tinted on the way. A maze whose search splits states (Node says so), so there is a way to see.
    await page.selectOption('#task', 'maze');
    expect(await page.isChecked('#search')).toBe(true);
    const mazeText = await splittingMaze();
    await page.fill('#puzzle', mazeText);
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    const mazeState = await pageState(page);
    expect(errors).toEqual([]);
    expect(mazeState.verified).toBe('true');
    expect(isValidShortestPath(parseMazeString(mazeText), parseMazeString(mazeState.answer, 'answer', { allowPath: true }))).toBe(true);
    expect(await page.textContent('#search-stats')).toMatch(/^\d+ branch points, 0 dead ends$/);
    await replayStep(page, 1);
    expect(await page.locator('#board .cell.open').count()).toBeGreaterThan(0);
    await page.close();
  }, 180_000);

  it('Solve then Generate at once: no verified badge on a grid it does not belong to; a result always belongs to the text box', async () => {
    const { page, errors } = await openPage('?prefetch=0');
    await page.fill('#puzzle', puzzle);
    await page.click('#solve');
    await page.waitForTimeout(100);
    await page.click('#generate'); // the race of the report: model still loading, new puzzle in the box
    await page.waitForTimeout(4000);
    let state = await pageState(page);
    expect(state.text).not.toBe(puzzle);
    expect(state.state).toBe('ready');
    expect(state.badge).not.toContain('verified');
    expect(state.answer).toBeUndefined();
    // Now solved for real: the result names the input it belongs to, and its badge is true of it.
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    state = await pageState(page);
    expect(state.solvedInput).toBe(state.text);
    expect(state.verified).toBe(String(isValidSolution(parseSudokuString(state.text), parseSudokuString(state.answer))));
    // The board shows the answer over this puzzle's givens.
    const board = await page.evaluate(() => [...document.querySelectorAll('#board .cell')].map((cell) => cell.textContent || '0').join(''));
    const givens = parseSudokuString(state.text);
    for (let cell = 0; cell < 81; cell++) if (givens[cell]) expect(board[cell]).toBe(String(givens[cell]));
    expect(board).toBe(state.answer);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('on WebAssembly every step is drawn, with changed cells marked, while the page stays responsive', async () => {
    const { page, errors } = await openPage('?steps=6');
    // Watch from inside the page: which steps were on screen, whether a changed cell was marked, and
    // the longest the page's thread was busy (the model runs in a worker).
    await page.evaluate(() => {
      window.seen = { steps: new Set(), changed: 0, longestGapMs: 0 };
      new MutationObserver(() => {
        if (document.body.dataset.state === 'solving' && document.body.dataset.step) window.seen.steps.add(document.body.dataset.step);
        window.seen.changed = Math.max(window.seen.changed, document.querySelectorAll('#board .cell.changed').length);
      }).observe(document.body, { attributes: true, subtree: true, childList: true });
      let last = performance.now();
      setInterval(() => {
        const now = performance.now();
        window.seen.longestGapMs = Math.max(window.seen.longestGapMs, now - last);
        last = now;
      }, 10);
    });
    await page.fill('#puzzle', puzzle);
    await page.selectOption('#device', 'wasm');
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    const seen = await page.evaluate(() => ({ steps: [...window.seen.steps], changed: window.seen.changed, longestGapMs: window.seen.longestGapMs, shown: document.body.dataset.stepsShown }));
    expect(seen.shown).toBe('6');
    expect(seen.steps.length).toBeGreaterThanOrEqual(5); // intermediate steps were on screen, not just the last
    expect(seen.changed).toBeGreaterThan(0);
    expect(seen.longestGapMs).toBeLessThan(500);
    // The scrubber replays a step.
    await replayStep(page, 1);
    expect(await page.evaluate(() => document.getElementById('step').textContent)).toBe('1 of 6');
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('editing clears the result, the board is editable, and a clash is pointed at in plain words', async () => {
    const { page, errors } = await openPage('?steps=2');
    await page.fill('#puzzle', puzzle);
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    // Type a digit into the first blank cell of the board: the text box follows, the result goes.
    const blank = [...puzzle].findIndex((cell) => cell === '.' || cell === '0');
    const digit = [1, 2, 3, 4, 5, 6, 7, 8, 9].find((candidate) => !parseSudokuString(puzzle).includes(candidate)) ?? 1;
    await page.focus(`#board [data-cell="${blank}"]`);
    await page.keyboard.press(String(digit));
    let state = await pageState(page);
    expect(state.text[blank]).toBe(String(digit));
    expect(state.answer).toBeUndefined();
    expect(state.badge).toBe('badge');
    // Two 5s in row 1: the error says where, and the two cells are marked.
    await page.fill('#puzzle', `5....5${'.'.repeat(75)}`);
    state = await pageState(page);
    expect(state.state).toBe('error');
    expect(state.error).toContain('5 twice in row 1 (r1c1, r1c6)');
    expect(state.error).not.toMatch(/InvalidInputError|at \w+ \(/);
    expect(await page.evaluate(() => [...document.querySelectorAll('#board .cell.clash')].map((cell) => cell.dataset.cell))).toEqual(['0', '5']);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('the first Solve shows the download progress of the model, from the runtime\'s events', async () => {
    const { page } = await openPage('?prefetch=0&steps=1');
    await page.evaluate(() => {
      window.loadingTexts = [];
      new MutationObserver(() => window.loadingTexts.push(document.getElementById('loading-text').textContent)).observe(document.getElementById('loading'), { subtree: true, childList: true, characterData: true });
    });
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    const texts = await page.evaluate(() => window.loadingTexts);
    expect(texts.some((text) => /^Downloading the model: [0-9.]+ of [0-9.]+ MB$/.test(text))).toBe(true);
    expect(await page.evaluate(() => document.getElementById('loading').hidden)).toBe(true);
    await page.close();
  }, 180_000);

  it('device choice: WebGPU is offered only with an adapter, and auto prefers WebAssembly to a software one', async () => {
    const { page } = await openPage('?steps=1');
    await page.waitForFunction(() => document.body.dataset.webgpu !== undefined, null, { polling: 50 });
    const kind = await page.evaluate(() => document.body.dataset.webgpu);
    // Headless Chromium here has SwiftShader's WebGPU, a fallback (software) adapter.
    expect(kind).toBe('software');
    expect(await page.evaluate(() => document.querySelector('#device option[value="webgpu"]').textContent)).toContain('software');
    await page.selectOption('#device', 'auto');
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    expect(await page.evaluate(() => document.getElementById('device-used').textContent)).toBe('wasm');
    await page.close();
    // Without WebGPU in the page, the option is disabled.
    const bare = await browser.newPage();
    await bare.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
    await bare.goto(`${origin}/`);
    await bare.waitForFunction(() => document.body.dataset.webgpu !== undefined, null, { polling: 50 });
    expect(await bare.evaluate(() => [document.body.dataset.webgpu, document.querySelector('#device option[value="webgpu"]').disabled])).toEqual(['null', true]);
    await bare.close();
  }, 180_000);

  it('axe-core finds no accessibility violations, before and after a solve', async () => {
    const { page } = await openPage('?steps=2');
    await page.addScriptTag({ path: fileURLToPath(new URL('./node_modules/axe-core/axe.min.js', import.meta.url)) });
    const violations = () => page.evaluate(async () => (await window.axe.run(document)).violations.map((violation) => `${violation.id}: ${violation.nodes.length} (${violation.help})`));
    expect(await violations()).toEqual([]);
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });
    expect(await violations()).toEqual([]);
    await page.selectOption('#task', 'maze');
    expect(await violations()).toEqual([]);
    await page.fill('#puzzle', 'hello'); // the error state, with no board
    expect(await violations()).toEqual([]);
    await page.close();
  }, 180_000);

  it('the one-call solve() works in the browser as in Node: same task, same answer', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    // The default sudoku model (the candidate model) searches: right in both, so the same answer.
    const inBrowser = await page.evaluate((input) => window.trmSolve(input), puzzle);
    const solver = await createSolver({ specialist: sudoku, runtime: createNodeRuntime({ device: 'cpu' }) });
    const inNode = await solver.solve(puzzle);
    await solver.dispose();
    expect(inBrowser).toMatchObject({ task: 'sudoku', modelId: sudoku.modelId, verified: true, abstained: false });
    expect(isValidSolution(parseSudokuString(puzzle), parseSudokuString(inBrowser.answer))).toBe(true);
    expect(inBrowser.answer).toBe(inNode.answer);
    await expect(page.evaluate((input) => window.trmSolve(input, { fixedSteps: 3 }).catch((error) => `${error.name} ${error.field}`), puzzle)).resolves.toBe('InvalidInputError options.fixedSteps');
    await expect(page.evaluate(() => window.trmSolve('..3', { maxStep: 2 }).catch((error) => `${error.name} ${error.field}`))).resolves.toBe('InvalidInputError options');
    await page.close();
  }, 180_000);

  it('search on candidate sets runs in the browser too: a forum-hardest puzzle is answered right, or the result abstains', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    const hardest = '........1.....2.34..5.4.6....6.7.4...1.8.4...8..3....2..94......6...59..75..9....';
    const searched = await page.evaluate((input) => window.trmSolve(input, { searchSteps: 4000, maxSteps: 1 }), hardest);
    expect(searched).toMatchObject({ task: 'sudoku', verified: true, abstained: false, answer: '472639851698512734135748629526971483913824576847356192289467315361285947754193268' });
    expect(searched.cost.branches).toBeGreaterThan(0);
    const cut = await page.evaluate((input) => window.trmSolve(input, { searchSteps: 1, maxSteps: 1 }), hardest);
    expect(cut).toMatchObject({ verified: false, abstained: true });
    expect(cut.candidates).toHaveLength(81);
    await page.close();
  }, 180_000);

  const boardDigits = (page) => page.evaluate(() => [...document.querySelectorAll('#board .cell')].map((cell) => cell.textContent || '.').join(''));
  const mazeBoard = (page) =>
    page.evaluate(() => [...document.querySelectorAll('#board .cell')].map((cell) => ['wall', 'start', 'goal', 'path'].map((kind, index) => cell.classList.contains(kind) && '#SGo'[index]).find(Boolean) || ' ').join(''));
  const solved = (page) => page.waitForFunction(() => document.body.dataset.state === 'solved', null, { polling: 100, timeout: 120_000 });

  it('the replay slider is hidden until there are steps to replay', async () => {
    const { page, errors } = await openPage('?steps=3&delay=0');
    const slider = () => page.evaluate(() => ({ display: getComputedStyle(document.getElementById('scrub-label')).display, height: document.getElementById('scrub-label').getBoundingClientRect().height }));
    expect(await slider()).toEqual({ display: 'none', height: 0 });
    expect(await page.locator('#scrub').isVisible()).toBe(false);
    await page.click('#solve');
    await solved(page);
    expect(await page.locator('#scrub').isVisible()).toBe(true);
    // The ARC page shares the stylesheet: its slider waits for steps too.
    await page.goto(`${origin}/arc.html`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    expect(await page.locator('#scrub').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('Generate or typing a new puzzle drops the old run: the replay slider cannot replay its steps', async () => {
    const { page, errors } = await openPage('?steps=3&delay=0');
    const other = formatSudoku(createSudokuGenerator({ seed: 7, minGivens: 36 }).next().puzzle);
    for (const next of [() => page.click('#generate'), () => page.fill('#puzzle', other)]) {
      await page.fill('#puzzle', puzzle);
      await page.click('#solve');
      await solved(page);
      await next();
      const text = await page.inputValue('#puzzle');
      expect(text).not.toBe(puzzle);
      const givens = [...text].map((cell) => (/[1-9]/.test(cell) ? cell : '.')).join('');
      expect(await boardDigits(page)).toBe(givens);
      // Moving the slider (as a stale one on screen would let the user do) draws nothing old.
      await replayStep(page, 1);
      expect(await boardDigits(page)).toBe(givens);
      expect(await page.textContent('#step')).toBe('-');
      expect(await page.locator('#scrub').isVisible()).toBe(false);
      expect((await pageState(page)).answer).toBeUndefined();
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('a bad input takes the old puzzle and answer off the board and says what is wrong', async () => {
    const { page, errors } = await openPage('?steps=2&delay=0');
    await page.fill('#puzzle', puzzle);
    await page.click('#solve');
    await solved(page);
    await page.fill('#puzzle', 'hello');
    let state = await pageState(page);
    expect(state.state).toBe('error');
    expect(state.error).toContain('A sudoku has 81 cells; this has 5');
    expect(state.answer).toBeUndefined();
    expect(state.badge).toBe('badge');
    expect((await boardDigits(page)).replace(/\./g, '')).toBe(''); // no digit of the old puzzle or answer
    // A maze whose goal is walled off, typed over a solved maze.
    await page.selectOption('#task', 'maze');
    await page.click('#solve');
    await solved(page);
    const noPath = Array.from({ length: 10 }, (_, row) => (row === 5 ? '#'.repeat(10) : row === 0 ? `S${' '.repeat(9)}` : row === 9 ? `${' '.repeat(9)}G` : ' '.repeat(10))).join('\n');
    await page.fill('#puzzle', noPath);
    state = await pageState(page);
    expect(state.state).toBe('error');
    expect(state.error).toContain('G cannot be reached from S');
    expect(state.answer).toBeUndefined();
    // The board is empty or shows the maze as typed, without a path.
    expect(['', noPath.replace(/\n/g, '')]).toContain(await mazeBoard(page));
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('maze mode explains "verified" in maze words and offers no editing on the board', async () => {
    const { input, expected } = await mazeNodeSolves();
    expect(expected, 'the shipped model solves one of 20 medium 15x15 mazes in Node').toBeDefined();
    const { page, state, errors } = await solveOn('wasm', { task: 'maze', input });
    expect(state.verified).toBe('true');
    const explain = await page.textContent('#explain');
    expect(explain).toMatch(/shortest path/i);
    expect(explain).toMatch(/\bS\b.*\bG\b/);
    expect(explain).not.toMatch(/sudoku|row|column|box/i);
    expect(await page.textContent('label.puzzle-box')).not.toMatch(/board/i);
    // The sudoku board is editable, and says so.
    await page.selectOption('#task', 'sudoku');
    expect(await page.textContent('label.puzzle-box')).toMatch(/on the board/);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('the sudoku text box shows all 81 characters of a puzzle', async () => {
    const { page } = await openPage('?prefetch=0');
    await page.fill('#puzzle', puzzle);
    const box = await page.evaluate(() => {
      const element = document.getElementById('puzzle');
      return { scrollWidth: element.scrollWidth, clientWidth: element.clientWidth, right: element.getBoundingClientRect().right };
    });
    expect(box.scrollWidth).toBeLessThanOrEqual(box.clientWidth);
    expect(box.right).toBeLessThanOrEqual(1100);
    await page.close();
  });
});
