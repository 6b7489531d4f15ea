import { describe, expect, it } from 'vitest';
import { noisyCopy, tinyArchitecture } from '../testing/test-models';
import { progressiveDepthStages } from './depth-stages';
import { OrtTrmTrainer } from './ort-trainer';

describe('progressive recursion depth (CGAR)', () => {
  it('halves the depth for the first 30%, then the cycles, then trains at full depth', () => {
    expect(progressiveDepthStages({ cycles: 3, latentSteps: 6, maxSupervisionSteps: 16 }, 1000)).toEqual([
      { fromStep: 0, cycles: 2, latentSteps: 3 },
      { fromStep: 300, cycles: 3, latentSteps: 3 },
      { fromStep: 600, cycles: 3, latentSteps: 6 },
    ]);
  });

  it('each stage trains exactly what a trainer of that depth trains, and the model keeps its full depth', async () => {
    const architecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceInnerSize: 16 });
    const full = { latentSteps: 2, cycles: 2, maxSupervisionSteps: 4 };
    const shallow = { ...full, latentSteps: 1, cycles: 1 };
    const settings = { architecture, batchSize: 4, seed: 5, threads: 1 };
    const staged = await OrtTrmTrainer.create({ ...settings, recursion: full, depthStages: [{ fromStep: 0, cycles: 1, latentSteps: 1 }, { fromStep: 3, cycles: 2, latentSteps: 2 }] });
    const reference = await OrtTrmTrainer.create({ ...settings, recursion: shallow });
    expect(staged.recursion).toEqual(full);
    expect(staged.depthAt(0)).toEqual(shallow);
    expect(staged.depthAt(3)).toEqual(full);
    const stagedData = noisyCopy(2);
    const referenceData = noisyCopy(2);
    for (let step = 0; step < 3; step++) {
      const a = await staged.trainStep(stagedData);
      const b = await reference.trainStep(referenceData);
      expect(a.loss).toBeCloseTo(b.loss, 5);
    }
    // From step 3 the staged trainer runs the full-depth graph: its gradients now differ from the shallow one's.
    staged.refill(stagedData);
    reference.refill(referenceData);
    const stagedGradients = (await staged.computeGradients()).gradients;
    const shallowGradients = (await reference.computeGradients()).gradients;
    const name = [...stagedGradients.keys()][0]!;
    const difference = stagedGradients.get(name)!.reduce((sum, value, index) => sum + Math.abs(value - shallowGradients.get(name)![index]!), 0);
    expect(difference).toBeGreaterThan(1e-6);
    for (const trainer of [staged, reference]) trainer.dispose();
  });
});
