import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelLoadError, UnsupportedDeviceError, runRecursion } from '@trm/core';
import { createWebRuntime } from './web-runtime';

// The tiny untrained model the Node runtime's tests use.
const onnx = new Uint8Array(readFileSync(new URL('../../runtime-node/fixtures/tiny.onnx', import.meta.url)));
const manifest = JSON.parse(readFileSync(new URL('../../runtime-node/fixtures/tiny.manifest.json', import.meta.url), 'utf8'));

describe('createWebRuntime (wasm, in Node)', () => {
  it('runs the recursion, reports progress, and matches the Node runtime', async () => {
    const events: string[] = [];
    const model = await createWebRuntime({ device: 'wasm', threads: 1, onProgress: (event) => events.push(event.status) }).load({ manifest, weights: onnx });
    expect(events).toEqual(['initiate', 'done', 'ready']);
    const tokens = Int32Array.from({ length: 2 * 81 }, (_, index) => 1 + (index % 10));
    const web = await runRecursion(model, { tokens, batchSize: 2, halting: { mode: 'fixed', steps: 3 } });
    const { createNodeRuntime } = await import('@trm/runtime-node');
    const nodeModel = await createNodeRuntime({ device: 'cpu' }).load({ manifest, weights: onnx });
    const native = await runRecursion(nodeModel, { tokens, batchSize: 2, halting: { mode: 'fixed', steps: 3 } });
    for (let sample = 0; sample < 2; sample++) {
      expect(Array.from(web[sample]!.tokens)).toEqual(Array.from(native[sample]!.tokens));
      expect(web[sample]!.qHalt).toBeCloseTo(native[sample]!.qHalt, 4);
    }
    await model.dispose();
    await nodeModel.dispose();
  });

  it('serialises concurrent steps and resizes state between batch sizes', async () => {
    const model = await createWebRuntime({ device: 'wasm', threads: 1 }).load({ manifest, weights: onnx });
    const tokens = new Int32Array(81).fill(4);
    const [a, b] = await Promise.all([model.doStep({ batchSize: 1, tokens, state: null }), model.doStep({ batchSize: 1, tokens, state: null })]);
    expect(Array.from(a.logits)).toEqual(Array.from(b.logits));
    const grown = await model.doStep({ batchSize: 2, tokens: new Int32Array(2 * 81).fill(4), state: a.state });
    expect(grown.qHalt).toHaveLength(2);
    await model.dispose();
  });

  it('moves a running slot with carry (continuous batching packs its batch)', async () => {
    const model = await createWebRuntime({ device: 'wasm', threads: 1 }).load({ manifest, weights: onnx });
    const pair = Int32Array.from({ length: 2 * 81 }, (_, index) => (index < 81 ? 2 : 8));
    const first = await model.doStep({ batchSize: 2, tokens: pair, state: null });
    const inPlace = await model.doStep({ batchSize: 2, tokens: pair, state: first.state });
    const moved = await model.doStep({ batchSize: 1, tokens: pair.slice(81), state: first.state, carry: Int32Array.of(1) });
    expect(Array.from(moved.qHalt)[0]).toBeCloseTo(inPlace.qHalt[1]!, 5);
    const largestDifference = moved.logits.reduce((max, value, index) => Math.max(max, Math.abs(value - inPlace.logits[81 * 11 + index]!)), 0);
    expect(largestDifference).toBeLessThan(1e-4);
    await model.dispose();
  });

  it('each device word reports the device it uses (Node has no WebGPU: auto is WebAssembly, gpu a typed error)', async () => {
    const cases: [word: 'auto' | 'cpu' | 'gpu' | 'wasm' | 'webgpu', asked: string, uses: 'cpu' | null][] = [
      ['auto', 'auto', 'cpu'],
      ['cpu', 'cpu', 'cpu'],
      ['wasm', 'cpu', 'cpu'], // today's words, kept as aliases
      ['gpu', 'gpu', null],
      ['webgpu', 'gpu', null],
    ];
    for (const [word, asked, uses] of cases) {
      const ready: unknown[] = [];
      const runtime = createWebRuntime({ device: word, threads: 1, onProgress: (event) => event.status === 'ready' && ready.push(event) });
      expect(runtime.device, word).toBe(asked);
      expect(runtime.name, word).toBe(`onnxruntime-web/${asked}`);
      if (uses === null) {
        await expect(runtime.load({ manifest, weights: onnx }), word).rejects.toSatisfy(
          (error) => UnsupportedDeviceError.isInstance(error) && (error as UnsupportedDeviceError).field === 'device' && /"gpu" \(WebGPU\)/.test((error as Error).message),
        );
        continue;
      }
      const model = await runtime.load({ manifest, weights: onnx });
      expect([model.device, model.executionProvider], word).toEqual(['cpu', 'wasm']);
      expect(ready, word).toEqual([{ status: 'ready', source: manifest.id, device: 'cpu', executionProvider: 'wasm' }]);
      expect((await model.doStep({ batchSize: 1, tokens: new Int32Array(81).fill(3), state: null })).qHalt).toHaveLength(1);
      await model.dispose();
    }
    expect(createWebRuntime().device).toBe('auto');
  });

  it('refuses unknown device words, the old thread setting, and tampered weights, with typed errors', async () => {
    const tampered = onnx.slice();
    tampered[100] ^= 1;
    await expect(createWebRuntime({ device: 'cpu' }).load({ manifest, weights: tampered })).rejects.toSatisfy((error) => ModelLoadError.isInstance(error));
    for (const word of ['cuda', 'tpu', 'WASM']) {
      expect(() => createWebRuntime({ device: word as never }), word).toThrow(expect.objectContaining({ name: 'UnsupportedDeviceError', field: 'device', message: expect.stringMatching(/auto, cpu or gpu/) }));
    }
    expect(() => createWebRuntime({ intraOpThreads: 1 } as never)).toThrow(expect.objectContaining({ name: 'InvalidInputError', field: 'intraOpThreads', message: expect.stringMatching(/use threads/) }));
    expect(() => createWebRuntime({ threads: 0 })).toThrow(expect.objectContaining({ field: 'threads' }));
  });
});

describe('the web bundle', () => {
  it('contains no Node built-ins', () => {
    const bundle = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
    expect(bundle).not.toMatch(/from\s+["']node:|require\(["'](fs|path|crypto|os|url|worker_threads)["']\)|from\s+["'](fs|path|crypto|os|url)["']/);
    expect(bundle).toContain('onnxruntime-web');
    // Nothing runs at import: the only top-level statements are declarations and exports.
    expect(bundle).not.toMatch(/^ort\.env\./m);
  });
});
