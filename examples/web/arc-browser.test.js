// The ARC page in real Chromium: it adapts the shipped model to a task's demonstrations with
// onnxruntime-web (WebAssembly) and answers as Node does after the same adaptation.
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { adaptModel } from '@trm/trainer/adapt';
import { answerArcTask, arcModelUrl, createArc, packagedArcModel, planArcAdaptation } from '@trm/tasks-arc';
import { sampleArcTask } from './src/arc-sample.js';
import { launchChromium, serveDist } from './serve-dist.js';

const chromiumPath = process.env.TRM_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
const steps = 40;

/** What Node answers after the same adaptation (same data stream, same steps). */
async function nodeAttempts() {
  const { name, task } = sampleArcTask();
  const plan = planArcAdaptation(task, { name });
  const adapted = await adaptModel({ ort, manifest: packagedArcModel().manifest, weights: new Uint8Array(await readFile(fileURLToPath(arcModelUrl))), data: plan.data, train: plan.train, grid: { height: plan.side, width: plan.side }, steps, sessionOptions: { intraOpNumThreads: 1 } });
  const solver = await createSolver({ specialist: createArc({ model: { manifest: adapted.manifest, weights: adapted.weights } }), runtime: createNodeRuntime({ device: 'cpu', threads: 1 }) });
  try {
    return (await answerArcTask(solver, { task, name })).map((answer) => answer.attempts);
  } finally {
    await solver.dispose();
  }
}

describe.skipIf(!haveChromium)('ARC page in Chromium', () => {
  let server;
  let browser;
  beforeAll(async () => {
    server = await serveDist();
    browser = await launchChromium(chromiumPath);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`adapts to the sample task in ${steps} steps on WebAssembly and answers as Node does`, async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.origin}/arc.html`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    expect(await page.locator('#demos .arc-pair').count()).toBe(3);
    await page.fill('#steps', String(steps));
    await page.click('#solve');
    // Progress is shown while it adapts.
    await page.waitForFunction(() => /adapting to the demonstrations: step \d+ of/.test(document.getElementById('loading-text').textContent), null, { polling: 20, timeout: 60_000 });
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { polling: 100, timeout: 120_000 });
    const state = await page.evaluate(() => ({ ...document.body.dataset, error: document.getElementById('error').textContent, selfCheckText: document.getElementById('self-check').textContent }));
    expect(errors).toEqual([]);
    expect(state.error).toBe('');
    expect(state.state).toBe('done');
    expect(['true', 'false']).toContain(state.selfCheck); // 3 demonstrations: one held out
    expect(state.selfCheckText).toMatch(/held-out demonstration was/);
    expect(Number(state.adaptSeconds)).toBeGreaterThan(0);
    console.log(JSON.stringify({ test: 'arc-browser-adapt', steps, train: planArcAdaptation(sampleArcTask().task).train, wasmThreads: 1, adaptSeconds: Number(state.adaptSeconds) }));
    expect(await page.locator('#answer .arc-grid').count()).toBe(1); // the last step drawn
    // The same attempts as Node after the same adaptation (onnxruntime-web and -node agree to ~1e-5).
    expect(JSON.parse(state.attempts)).toEqual(await nodeAttempts());
    await page.close();
  }, 240_000);

  it('a file that is not an ARC task is an error naming what is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/arc.html`);
    await page.setInputFiles('#file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"train": [') });
    await page.waitForFunction(() => document.getElementById('error').textContent !== '', null, { polling: 50 });
    expect(await page.textContent('#error')).toMatch(/broken\.json is not JSON/);
    await page.setInputFiles('#file', { name: 'ragged.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ train: [{ input: [[1, 2], [3]], output: [[1]] }], test: [{ input: [[1]] }] })) });
    // Flagged as it loads, not when "Adapt and solve" is pressed.
    await page.waitForFunction(() => /ragged/.test(document.getElementById('error').textContent), null, { polling: 50, timeout: 10_000 });
    expect(await page.textContent('#error')).toMatch(/ragged grid.*task\.train\[0\]\.input\[1\]/);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('error');
    await page.close();
  }, 120_000);

  it('a broken file is flagged as it loads, and nothing of the task before it stays drawn or runs', async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.origin}/arc.html`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 100 });
    expect(await page.locator('#demos .arc-pair').count()).toBe(3); // the sample task
    const drawn = () => page.evaluate(() => ({ state: document.body.dataset.state, error: document.getElementById('error').textContent, grids: document.querySelectorAll('main .arc-grid').length }));
    const broken = [
      ['broken.json', '{"train": [', /broken\.json is not JSON/],
      ['shape.json', JSON.stringify({ train: [{ input: [[1, 2]], output: [[1]] }], test: [{ input: [[10]] }] }), /shape\.json.*task\.test\[0\]\.input\[0\]\[0\]/],
      ['lists.json', JSON.stringify({ train: [], test: [] }), /lists\.json.*task\.train/],
    ];
    for (const [name, text, message] of broken) {
      await page.click('#sample');
      await page.setInputFiles('#file', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
      await page.waitForFunction(() => document.getElementById('error').textContent !== '', null, { polling: 50, timeout: 10_000 });
      const state = await drawn();
      expect(state.error).toMatch(message);
      expect(state.state).toBe('error');
      expect(state.grids).toBe(0);
      // "Adapt and solve" has no task to run: it neither runs the previous one nor clears the error.
      await page.click('#solve');
      expect(await drawn()).toMatchObject({ state: 'error', grids: 0 });
      expect((await drawn()).error).not.toBe('');
    }
    // A good file after a broken one is shown as usual.
    const { task } = sampleArcTask();
    await page.setInputFiles('#file', { name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(task)) });
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { polling: 50, timeout: 10_000 });
    expect(await page.locator('#demos .arc-pair').count()).toBe(3);
    expect(await page.textContent('#error')).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
