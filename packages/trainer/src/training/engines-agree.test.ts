import { beforeAll, describe, expect, it } from 'vitest';
import { initializeTfjsBackend } from '../tfjs/tfjs-backend';
import { noisyCopy, tinyArchitecture } from '../testing/test-models';
import { OrtTrmTrainer } from './ort-trainer';
import { TfjsTrmTrainer } from './train-trm';

describe('the onnxruntime and tfjs engines train alike', () => {
  beforeAll(async () => {
    await initializeTfjsBackend('wasm');
  });

  it('same seed, same data: loss curves agree over the first hundred steps', async () => {
    const architecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceInnerSize: 16 });
    const recursion = { latentSteps: 1, cycles: 2, maxSupervisionSteps: 4 };
    const settings = { architecture, recursion, batchSize: 4, seed: 3, optimizer: { learningRate: 3e-3, warmupSteps: 10 } };
    const ort = await OrtTrmTrainer.create({ ...settings, threads: 1 });
    const tfjs = new TfjsTrmTrainer(settings);
    const ortData = noisyCopy(1);
    const tfjsData = noisyCopy(1);
    const ortLoss: number[] = [];
    const tfjsLoss: number[] = [];
    for (let step = 0; step < 100; step++) {
      ortLoss.push((await ort.trainStep(ortData)).loss);
      tfjsLoss.push(tfjs.trainStep(tfjsData).loss);
    }
    ort.dispose();
    tfjs.dispose();
    // Both learn...
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(ortLoss.slice(-10))).toBeLessThan(mean(ortLoss.slice(0, 10)) * 0.9);
    // ...and follow the same curve, step by step.
    // ...step by step at first (float rounding only)...
    const relative = ortLoss.map((loss, index) => Math.abs(loss - tfjsLoss[index]!) / tfjsLoss[index]!);
    expect(Math.max(...relative.slice(0, 10))).toBeLessThan(1e-4);
    // ...then as curves: Adam amplifies rounding differences, so compare 10-step averages.
    for (let start = 0; start + 10 <= 100; start += 10) {
      const a = mean(ortLoss.slice(start, start + 10));
      const b = mean(tfjsLoss.slice(start, start + 10));
      expect(Math.abs(a - b) / b, `steps ${start}-${start + 9}`).toBeLessThan(5e-2);
    }
  });
});
