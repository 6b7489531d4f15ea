import { describe, expect, it } from 'vitest';
import { UnsupportedDeviceError, createRandom } from '@trm/core';
import { tinyArchitecture } from '../testing/test-models';
import { OrtTrmTrainer } from './ort-trainer';
import type { TrainingDataSource } from './training-data-source';

const architecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceInnerSize: 16 });
const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 2 };
const settings = { architecture, recursion, batchSize: 2, seed: 1, threads: 1 };

function copyData(seed: number): TrainingDataSource {
  const random = createRandom(seed);
  return {
    description: 'copy task',
    next() {
      const tokens = Int32Array.from({ length: 81 }, () => 1 + random.int(10));
      return { tokens, labels: tokens.slice() };
    },
  };
}

describe('the onnxruntime trainer takes the shared device words', () => {
  it('each word reports the device it trains on; gpu (or cuda) where CUDA is missing is a typed error', async () => {
    const hasCuda = await OrtTrmTrainer.create({ ...settings, device: 'gpu' }).then(
      (trainer) => (trainer.dispose(), true),
      (error) => {
        expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
        expect((error as UnsupportedDeviceError).field).toBe('device');
        return false;
      },
    );
    const cases: ['auto' | 'cpu' | 'gpu' | 'cuda' | undefined, 'cpu' | 'gpu' | null][] = [
      [undefined, hasCuda ? 'gpu' : 'cpu'], // the default is 'auto', as on every path
      ['auto', hasCuda ? 'gpu' : 'cpu'],
      ['cpu', 'cpu'],
      ['gpu', hasCuda ? 'gpu' : null],
      ['cuda', hasCuda ? 'gpu' : null], // today's word, kept as an alias
    ];
    for (const [word, uses] of cases) {
      const trainer = OrtTrmTrainer.create({ ...settings, ...(word ? { device: word } : {}) });
      if (uses === null) {
        await expect(trainer, String(word)).rejects.toSatisfy((error) => UnsupportedDeviceError.isInstance(error));
        continue;
      }
      const ready = await trainer;
      expect(ready.device, String(word)).toBe(uses);
      const metrics = await ready.trainStep(copyData(2));
      expect(Number.isFinite(metrics.loss), String(word)).toBe(true);
      ready.dispose();
    }
  });

  it('an unknown word is refused before any graph is built, naming device', async () => {
    for (const word of ['tpu', 'wasm', 'webgpu']) {
      await expect(OrtTrmTrainer.create({ ...settings, device: word as never }), word).rejects.toSatisfy(
        (error) => UnsupportedDeviceError.isInstance(error) && (error as UnsupportedDeviceError).field === 'device' && /auto, cpu or gpu/.test((error as Error).message),
      );
    }
  });
});
