// The ARC page: one task at a time, adapted and answered in a worker (src/arc-worker.js).
import { parseArcTask } from '@trm/tasks-arc';
import { sampleArcTask } from './arc-sample.js';

const colours = ['#000000', '#0074d9', '#ff4136', '#2ecc40', '#ffdc00', '#aaaaaa', '#f012be', '#ff851b', '#7fdbff', '#870c25'];
const names = ['black', 'blue', 'red', 'green', 'yellow', 'grey', 'magenta', 'orange', 'light blue', 'maroon'];
const $ = (id) => document.getElementById(id);

const sample = sampleArcTask();

let worker;
let current = null; // { id, task, name }
let nextId = 1;
let frames = [];

function grid(cells, previous) {
  const element = document.createElement('div');
  element.className = 'arc-grid';
  element.setAttribute('role', 'img');
  element.style.setProperty('--width', String(cells[0]?.length ?? 1));
  element.setAttribute('aria-label', `${cells.length} by ${cells[0]?.length ?? 0} grid`);
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      const span = document.createElement('span');
      span.style.background = colours[cell];
      span.title = names[cell];
      if (previous && previous[r]?.[c] !== undefined && previous[r][c] !== cell) span.className = 'changed';
      element.append(span);
    }),
  );
  return element;
}

function clearResult() {
  frames = [];
  $('answer').replaceChildren();
  $('attempts').replaceChildren();
  $('step').textContent = '';
  $('self-check').textContent = '-';
  $('scrub-label').hidden = true;
  $('loading').hidden = true;
}

function show(task, name) {
  cancel();
  current = { task, name };
  document.body.dataset.state = 'ready';
  delete document.body.dataset.attempts;
  delete document.body.dataset.selfCheck;
  $('error').textContent = '';
  clearResult();
  $('demos').replaceChildren(
    ...task.train.map((pair, index) => {
      const box = document.createElement('div');
      box.className = 'arc-pair';
      box.setAttribute('aria-label', `demonstration ${index + 1}`);
      const arrow = document.createElement('span');
      arrow.textContent = '→';
      box.append(grid(pair.input), arrow, grid(pair.output));
      return box;
    }),
  );
  $('test-input').replaceChildren(...task.test.map((pair) => grid(pair.input)));
}

/** A file that cannot be solved: say why, and take the previous task off the page so it is not solved instead. */
function fail(message) {
  cancel();
  current = null;
  clearResult();
  $('demos').replaceChildren();
  $('test-input').replaceChildren();
  delete document.body.dataset.attempts;
  delete document.body.dataset.selfCheck;
  $('error').textContent = message;
  document.body.dataset.state = 'error';
}

function readTask(text, fileName) {
  let task;
  try {
    task = JSON.parse(text);
  } catch (error) {
    fail(`${fileName} is not JSON: ${error.message}`);
    return;
  }
  // The worker's own check, here at load time: a bad grid is named before anything is drawn.
  try {
    task = parseArcTask(task);
  } catch (error) {
    const detail = error.field ? `${error.message.replace(`${error.field}: `, '')} (at ${error.field})` : error.message;
    fail(`${fileName} is not an ARC task: ${detail}`);
    return;
  }
  const name = fileName.replace(/\.json$/, '');
  show(task, /^[A-Za-z0-9._-]+$/.test(name) ? name : undefined);
}

async function loadFile(file) {
  if (file.size > 5_000_000) {
    fail(`${file.name}: ${file.size} bytes; an ARC task is a small JSON file`);
    return;
  }
  readTask(await file.text(), file.name);
}

function cancel() {
  if (current?.id) worker?.postMessage({ type: 'cancel', id: current.id });
  if (current) current.id = undefined;
  $('solve').textContent = 'Adapt and solve';
}

function solve() {
  if (current?.id) return cancel();
  if (!current) {
    // After a broken file: keep its error up rather than solve something else.
    $('error').textContent ||= 'No task loaded: choose a task file or press "Sample task"';
    return;
  }
  const steps = Number($('steps').value);
  if (!Number.isInteger(steps) || steps < 0 || steps > 5000) {
    $('error').textContent = 'Adaptation steps: a whole number from 0 to 5000';
    return;
  }
  $('error').textContent = '';
  clearResult();
  worker ??= new Worker(new URL('./arc-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = onMessage;
  current.id = nextId++;
  current.attempts = [];
  document.body.dataset.state = 'running';
  $('solve').textContent = 'Stop';
  $('loading').hidden = false;
  $('loading-text').textContent = steps > 0 ? 'loading the model' : 'answering';
  worker.postMessage({ type: 'arc', id: current.id, task: current.task, name: current.name, steps });
}

function showFrame(index) {
  const frame = frames[index];
  if (!frame) return;
  $('answer').replaceChildren(grid(frame.grid, frames[index - 1]?.grid));
  $('step').textContent = `step ${frame.step}, halting confidence ${(100 * frame.confidence).toFixed(0)}%`;
}

function onMessage({ data }) {
  if (!current || data.id !== current.id) return; // a cancelled run's late messages
  const bar = $('loading-bar');
  if (data.type === 'progress' && data.phase === 'download') {
    bar.max = data.total ?? 1;
    bar.value = data.total ? data.loaded : 0;
    $('loading-text').textContent = `downloading the model: ${(data.loaded / 1e6).toFixed(1)} MB`;
  } else if (data.type === 'progress' && data.phase === 'adapt') {
    bar.max = data.steps;
    bar.value = data.step;
    $('loading-text').textContent = `adapting to the demonstrations: step ${data.step} of ${data.steps}, loss ${data.loss.toFixed(3)}`;
  } else if (data.type === 'adapted') {
    document.body.dataset.adaptSeconds = String(data.seconds);
    $('loading-text').textContent = `adapted in ${data.seconds.toFixed(1)} s; answering`;
  } else if (data.type === 'self-check') {
    document.body.dataset.selfCheck = String(data.selfCheck);
    $('self-check').textContent = data.selfCheck === null ? 'none: too few demonstrations to hold one out' : data.selfCheck ? 'the held-out demonstration was reproduced' : 'the held-out demonstration was not reproduced';
  } else if (data.type === 'step' && data.testIndex === 0) {
    if (data.grid.length > 0) frames.push({ step: data.step, grid: data.grid, confidence: data.confidence });
    showFrame(frames.length - 1);
  } else if (data.type === 'attempts') {
    current.attempts[data.testIndex] = data.attempts;
    document.body.dataset.attempts = JSON.stringify(current.attempts);
    const box = document.createElement('div');
    box.className = 'arc-attempt';
    box.append(`test ${data.testIndex + 1}: ${data.copies} variants voted`);
    if (data.attempts.length === 0) box.append(': no variant answered with a grid');
    data.attempts.forEach((attempt, index) => {
      const label = document.createElement('div');
      label.textContent = `attempt ${index + 1} (${data.votes[index]} votes)`;
      box.append(label, grid(attempt));
    });
    $('attempts').append(box);
    if (data.testIndex === 0 && frames.length > 1) {
      $('scrub').max = String(frames.length);
      $('scrub').value = String(frames.length);
      $('scrub-label').hidden = false;
    }
  } else if (data.type === 'done') {
    document.body.dataset.state = 'done';
    $('loading').hidden = true;
    current.id = undefined;
    $('solve').textContent = 'Adapt and solve';
  } else if (data.type === 'error') {
    document.body.dataset.state = 'error';
    $('loading').hidden = true;
    $('error').textContent = `${data.error.name}: ${data.error.message}${data.error.field ? ` (${data.error.field})` : ''}`;
    current.id = undefined;
    $('solve').textContent = 'Adapt and solve';
  }
}

$('file').addEventListener('change', () => $('file').files[0] && loadFile($('file').files[0]));
$('sample').addEventListener('click', () => show(sample.task, sample.name));
$('solve').addEventListener('click', solve);
$('scrub').addEventListener('input', () => showFrame(Number($('scrub').value) - 1));
addEventListener('dragover', (event) => event.preventDefault());
addEventListener('drop', (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (file) void loadFile(file);
});
show(sample.task, sample.name);
