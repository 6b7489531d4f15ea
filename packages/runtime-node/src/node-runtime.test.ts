import { describe, expect, it } from 'vitest';
import { ModelLoadError, UnsupportedDeviceError, InvalidInputError, runRecursion } from '@trm/core';
import { readFileSync } from 'node:fs';
import { createNodeRuntime } from './node-runtime';

// A tiny untrained model (see its manifest for the command that made it).
const onnx = new Uint8Array(readFileSync(new URL('../fixtures/tiny.onnx', import.meta.url)));
const manifest = JSON.parse(readFileSync(new URL('../fixtures/tiny.manifest.json', import.meta.url), 'utf8'));

describe('createNodeRuntime', () => {
  it('runs the step graph and carries state through the recursion loop', async () => {
    const model = await createNodeRuntime({ device: 'cpu', threads: 1 }).load({ manifest, weights: onnx });
    const samples = await runRecursion(model, { tokens: new Int32Array(2 * 81).fill(3), batchSize: 2, halting: { mode: 'fixed', steps: 3 } });
    expect(samples).toHaveLength(2);
    expect(samples[0].steps).toBe(3);
    // Same input in both slots gives the same answer.
    expect(Array.from(samples[0].tokens)).toEqual(Array.from(samples[1].tokens));
    await model.dispose();
  });

  it('a step larger than positionsPerRun runs in parts whose outputs equal runs of those parts bit for bit, state carried', async () => {
    // The tiny model has 81 + 1 positions per slot: 200 positions is 2 slots a run.
    const parted = await createNodeRuntime({ device: 'cpu', threads: 1, positionsPerRun: 200 }).load({ manifest, weights: onnx });
    const whole = await createNodeRuntime({ device: 'cpu', threads: 1, positionsPerRun: 1_000_000 }).load({ manifest, weights: onnx });
    const tokens = Int32Array.from({ length: 5 * 81 }, (_, index) => 1 + ((index * 7) % 9));
    // Two steps of 5 slots in parts of 2, 2, 1 ...
    const first = await parted.doStep({ batchSize: 5, tokens, state: null });
    const second = await parted.doStep({ batchSize: 5, tokens, state: first.state });
    // ... against the same slots run as batches of 2, 2 and 1 by a runtime that never splits.
    for (const [start, count] of [[0, 2], [2, 2], [4, 1]] as const) {
      const mine = tokens.subarray(start * 81, (start + count) * 81);
      const a = await whole.doStep({ batchSize: count, tokens: mine, state: null });
      const b = await whole.doStep({ batchSize: count, tokens: mine, state: a.state });
      expect(Array.from(second.logits.subarray(start * 81 * 11, (start + count) * 81 * 11))).toEqual(Array.from(b.logits));
      expect(Array.from(second.qHalt.subarray(start, start + count))).toEqual(Array.from(b.qHalt));
    }
    expect(() => createNodeRuntime({ positionsPerRun: 0 })).toThrow(expect.objectContaining({ field: 'positionsPerRun' }));
    await parted.dispose();
    await whole.dispose();
  });

  it('a reset slot restarts from exactly the initial state, so its output equals a fresh first step bit for bit', async () => {
    const model = await createNodeRuntime({ device: 'cpu' }).load({ manifest, weights: onnx });
    const tokens = new Int32Array(81).fill(4);
    const first = await model.doStep({ batchSize: 1, tokens, state: null });
    const second = await model.doStep({ batchSize: 1, tokens, state: first.state });
    const restarted = await model.doStep({ batchSize: 1, tokens, state: second.state, reset: Uint8Array.of(1) });
    const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0);
    // Exactly equal: otherwise a request's answer would depend on what its slot held before.
    expect(Array.from(restarted.logits)).toEqual(Array.from(first.logits));
    expect(Array.from(restarted.qHalt)).toEqual(Array.from(first.qHalt));
    expect(maxDifference(second.logits, first.logits)).toBeGreaterThan(1e-3);
    await model.dispose();
  });

  it('a slot’s answer does not depend on its neighbours in the batch', async () => {
    const model = await createNodeRuntime({ device: 'cpu', threads: 1 }).load({ manifest, weights: onnx });
    const run = async (neighbour: number) => {
      const tokens = new Int32Array(2 * 81).fill(neighbour);
      tokens.fill(5, 0, 81);
      let state = null;
      let output;
      for (let step = 0; step < 3; step++) {
        output = await model.doStep({ batchSize: 2, tokens, state });
        state = output.state;
      }
      return Array.from(output!.logits.subarray(0, 81 * 11));
    };
    const [withSeven, withTwo] = [await run(7), await run(2)];
    expect(withSeven).toEqual(withTwo);
    await model.dispose();
  });

  it('state noise perturbs only the slots that ask for it, reproducibly', async () => {
    const model = await createNodeRuntime({ device: 'cpu' }).load({ manifest, weights: onnx });
    const tokens = new Int32Array(2 * 81).fill(5);
    const run = async (std: number[], seeds = [3, 4]) => {
      const first = await model.doStep({ batchSize: 2, tokens, state: null });
      return (await model.doStep({ batchSize: 2, tokens, state: first.state, stateNoise: { std: Float32Array.from(std), seeds: Uint32Array.from(seeds) } })).logits;
    };
    const quiet = await run([0, 0]);
    const noisy = await run([0, 1]);
    const again = await run([0, 1]);
    const perSlot = quiet.length / 2;
    const difference = (a: Float32Array, b: Float32Array, slot: number) =>
      a.subarray(slot * perSlot, (slot + 1) * perSlot).reduce((max, value, index) => Math.max(max, Math.abs(value - b[slot * perSlot + index]!)), 0);
    expect(difference(noisy, quiet, 0)).toBeLessThan(1e-5);
    expect(difference(noisy, quiet, 1)).toBeGreaterThan(1e-3);
    expect(difference(noisy, again, 1)).toBeLessThan(1e-5);
    // A slot's noise follows its own seed: the same seed in another slot gives the same noise.
    const swapped = await run([1, 0], [4, 3]);
    const left = swapped.subarray(0, perSlot);
    const right = noisy.subarray(perSlot);
    expect(left.reduce((max, value, index) => Math.max(max, Math.abs(value - right[index]!)), 0)).toBeLessThan(1e-5);
    await model.dispose();
  });

  it('resizes a carried state: kept slots continue, new slots start fresh', async () => {
    const model = await createNodeRuntime({ device: 'cpu' }).load({ manifest, weights: onnx });
    const tokens = new Int32Array(81).fill(6);
    const one = await model.doStep({ batchSize: 1, tokens, state: null });
    const two = await model.doStep({ batchSize: 1, tokens, state: one.state });
    const grown = await model.doStep({ batchSize: 2, tokens: new Int32Array(2 * 81).fill(6), state: one.state });
    const close = (a: Float32Array, b: Float32Array) => a.every((value, index) => Math.abs(value - b[index]!) < 1e-4);
    expect(close(grown.logits.subarray(0, 81 * 11), two.logits)).toBe(true); // slot 0 carried on
    expect(close(grown.logits.subarray(81 * 11), one.logits)).toBe(true); // slot 1 started fresh
    const shrunk = await model.doStep({ batchSize: 1, tokens, state: grown.state });
    expect(shrunk.logits.length).toBe(81 * 11);
    await model.dispose();
  });

  it('moves a slot with carry: the moved slot continues its own recursion', async () => {
    const model = await createNodeRuntime({ device: 'cpu', threads: 1 }).load({ manifest, weights: onnx });
    const pair = new Int32Array(2 * 81).fill(2);
    pair.fill(8, 81);
    const first = await model.doStep({ batchSize: 2, tokens: pair, state: null });
    const kept = await model.doStep({ batchSize: 2, tokens: pair, state: first.state });
    // Slot 1 moves to slot 0 of a batch of one.
    const moved = await model.doStep({ batchSize: 1, tokens: pair.slice(81), state: first.state, carry: Int32Array.of(1) });
    const close = (a: Float32Array, b: Float32Array) => a.every((value, index) => Math.abs(value - b[index]!) < 1e-4);
    expect(close(moved.logits, kept.logits.subarray(81 * 11))).toBe(true);
    expect(close(moved.logits, kept.logits.subarray(0, 81 * 11))).toBe(false);
    await expect(model.doStep({ batchSize: 1, tokens: pair.slice(81), state: first.state, carry: Int32Array.of(1, 0) })).rejects.toSatisfy(
      (error) => InvalidInputError.isInstance(error) && (error as InvalidInputError).field === 'carry',
    );
    await model.dispose();
  });

  it('refuses weights whose checksum differs from the manifest', async () => {
    const tampered = onnx.slice();
    tampered[tampered.length - 1] ^= 1;
    await expect(createNodeRuntime({ device: 'cpu' }).load({ manifest, weights: tampered })).rejects.toSatisfy(
      (error) => ModelLoadError.isInstance(error) && /sha256/.test((error as Error).message),
    );
  });

  it('reports a missing weights file as a typed load error', async () => {
    await expect(createNodeRuntime().load({ manifest, weights: '/nonexistent/model.onnx' })).rejects.toSatisfy((error) => ModelLoadError.isInstance(error));
  });

  it('takes an http(s) string as a URL (loopback server), and a failed fetch is a typed load error', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      if (request.url === '/tiny.onnx') response.end(Buffer.from(onnx));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const model = await createNodeRuntime({ device: 'cpu', threads: 1 }).load({ manifest, weights: `http://127.0.0.1:${port}/tiny.onnx` });
      const [sample] = await runRecursion(model, { tokens: new Int32Array(81).fill(3), batchSize: 1, halting: { mode: 'fixed', steps: 1 } });
      expect(sample!.tokens).toHaveLength(81);
      await model.dispose();
      await expect(createNodeRuntime().load({ manifest, weights: `http://127.0.0.1:${port}/missing.onnx` })).rejects.toSatisfy((error) => ModelLoadError.isInstance(error) && /HTTP 404/.test((error as Error).message));
    } finally {
      server.close();
    }
  });

  it('each device word reports the device it uses; gpu (or cuda) where CUDA is missing is a typed error', async () => {
    const hasCuda = await createNodeRuntime({ device: 'gpu' }).load({ manifest, weights: onnx }).then(
      async (model) => (await model.dispose(), true),
      (error) => {
        // A machine without a working CUDA provider: typed, listing what is available.
        expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
        expect((error as UnsupportedDeviceError).field).toBe('device');
        expect((error as UnsupportedDeviceError).supported).toEqual(['cpu']);
        return false;
      },
    );
    const cases: [word: 'auto' | 'cpu' | 'gpu' | 'cuda', asked: string, uses: string | null][] = [
      ['auto', 'auto', hasCuda ? 'gpu' : 'cpu'],
      ['cpu', 'cpu', 'cpu'],
      ['gpu', 'gpu', hasCuda ? 'gpu' : null],
      ['cuda', 'gpu', hasCuda ? 'gpu' : null], // today's word, kept as an alias
    ];
    for (const [word, asked, uses] of cases) {
      const runtime = createNodeRuntime({ device: word, threads: 1 });
      expect(runtime.device, word).toBe(asked);
      expect(runtime.name, word).toBe(`onnxruntime-node/${asked}`);
      if (uses === null) {
        await expect(runtime.load({ manifest, weights: onnx }), word).rejects.toSatisfy((error) => UnsupportedDeviceError.isInstance(error));
        continue;
      }
      const model = await runtime.load({ manifest, weights: onnx });
      expect(model.device, word).toBe(uses);
      expect(model.executionProvider, word).toBe(uses === 'gpu' ? 'cuda' : 'cpu');
      const [sample] = await runRecursion(model, { tokens: new Int32Array(81).fill(3), batchSize: 1, halting: { mode: 'fixed', steps: 1 } });
      expect(sample!.tokens).toHaveLength(81);
      await model.dispose();
    }
    // No device word is the default, 'auto'.
    expect(createNodeRuntime().device).toBe('auto');
  });

  it('rejects unknown devices and bad thread counts up front', () => {
    for (const word of ['tpu', 'wasm', 'webgpu', 'GPU', '']) {
      expect(() => createNodeRuntime({ device: word as never }), word).toThrow(expect.objectContaining({ name: 'UnsupportedDeviceError', field: 'device', message: expect.stringMatching(/auto, cpu or gpu/) }));
    }
    expect(() => createNodeRuntime({ threads: -1 })).toThrow(InvalidInputError);
    expect(() => createNodeRuntime({ threads: 1.5 })).toThrow(expect.objectContaining({ field: 'threads' }));
    // --threads 100000 once hung at 10 GB: refused up front now.
    expect(() => createNodeRuntime({ threads: 100_000 })).toThrow(expect.objectContaining({ field: 'threads' }));
    expect(() => createNodeRuntime({ concurrentSteps: 0 })).toThrow(InvalidInputError);
    // The old name of the thread count is refused, saying the new one; a misspelt setting is refused, not ignored.
    expect(() => createNodeRuntime({ intraOpThreads: 2 } as never)).toThrow(expect.objectContaining({ name: 'InvalidInputError', field: 'intraOpThreads', message: expect.stringMatching(/use threads/) }));
    expect(() => createNodeRuntime({ interOpThreads: 1 } as never)).toThrow(expect.objectContaining({ field: 'interOpThreads', message: expect.stringMatching(/threads/) }));
    expect(() => createNodeRuntime({ thread: 1 } as never)).toThrow(expect.objectContaining({ field: 'thread', message: expect.stringMatching(/device, threads, concurrentSteps/) }));
  });
});
