import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, type SpecialistV1, createSolver, runRecursion } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from './node-runtime';

// A tiny untrained conv-mixer model exported at 8x8 (see its manifest for the command that made it).
const onnx = new Uint8Array(readFileSync(new URL('../fixtures/tiny-conv.onnx', import.meta.url)));
const manifest = JSON.parse(readFileSync(new URL('../fixtures/tiny-conv.manifest.json', import.meta.url), 'utf8'));
const sudokuOnnx = new Uint8Array(readFileSync(new URL('../fixtures/tiny.onnx', import.meta.url)));
const sudokuManifest = JSON.parse(readFileSync(new URL('../fixtures/tiny.manifest.json', import.meta.url), 'utf8'));

/** Square grids of token ids as strings of digits 1-5; the answer is the argmax tokens. */
const gridTask: SpecialistV1<Int32Array, Int32Array> = {
  specificationVersion: 'v1',
  task: 'grid',
  modelId: manifest.id,
  model: { manifest, weights: onnx },
  parseInput: (input) => {
    if (typeof input !== 'string' || !/^[1-5]+$/.test(input) || Math.sqrt(input.length) % 1 !== 0) throw new InvalidInputError({ field: 'input', message: 'a square of digits 1-5' });
    return Int32Array.from(input, Number);
  },
  detect: (input) => (typeof input === 'string' && /^[1-5]+$/.test(input) ? 1 : 0),
  grid: (input) => ({ height: Math.sqrt(input.length), width: Math.sqrt(input.length) }),
  encode: (input) => input,
  decode: (tokens) => tokens.slice(),
  verify: () => false,
  formatAnswer: (answer) => answer.join(''),
};

const square = (side: number, seed: number) => Array.from({ length: side * side }, (_, cell) => 1 + ((cell * 7 + seed * 13 + ((cell * cell) % 5)) % 5)).join('');

describe('conv models at other grid sizes', () => {
  it('a view at 12x12 runs the same session with 144 cells, and refuses the wrong token count', async () => {
    const model = await createNodeRuntime({ device: 'cpu', threads: 1 }).load({ manifest, weights: onnx });
    const view = model.withGrid!({ height: 12, width: 12 });
    expect(view.manifest.architecture.sequenceLength).toBe(144);
    const output = await view.doStep({ batchSize: 2, tokens: new Int32Array(2 * 144).fill(2), state: null });
    expect(output.logits.length).toBe(2 * 144 * 6);
    await expect(view.doStep({ batchSize: 1, tokens: new Int32Array(64).fill(2), state: null })).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => model.withGrid!({ height: 12, width: 10 })).toThrow(InvalidInputError);
    await view.dispose(); // a view does not release the session
    const again = await runRecursion(model, { tokens: new Int32Array(64).fill(3), batchSize: 1, halting: { mode: 'fixed', steps: 2 } });
    expect(again[0]!.steps).toBe(2);
    await model.dispose();
  });

  it('a model of another mixer cannot be resized', async () => {
    const model = await createNodeRuntime({ device: 'cpu', threads: 1 }).load({ manifest: sudokuManifest, weights: sudokuOnnx });
    expect(() => model.withGrid!({ height: 10, width: 10 })).toThrow(/runs only its own size/);
    await model.dispose();
  });

  it('the solver and the router batch mixed sizes per size; each answer equals the one solved alone', async () => {
    const runtime = createNodeRuntime({ device: 'cpu', threads: 1 });
    const inputs = [square(8, 1), square(12, 2), square(8, 3), square(10, 4), square(12, 5)];
    const solver = await createSolver({ specialist: gridTask, runtime });
    const alone = [];
    for (const input of inputs) alone.push((await solver.solve(input, { fixedSteps: 3 })).answer);
    expect(alone.map((text) => text.length)).toEqual([64, 144, 64, 100, 144]);
    for (const scheduling of ['continuous', 'static'] as const) {
      const together = await solver.solveMany(inputs, { fixedSteps: 3, scheduling });
      expect(together.map((result) => result.answer)).toEqual(alone);
    }
    await solver.dispose();
    const router = createRouter({ specialists: [gridTask], runtime, defaults: { maxSteps: 3 } });
    const routed = await router.solveMany(inputs);
    expect(routed.map((result) => result.answer.length)).toEqual([64, 144, 64, 100, 144]);
    await router.dispose();
  });
});
