import { describe, expect, it } from 'vitest';
import { depthTrainedAt } from './export-model';

describe('export of a run with a depth curriculum', () => {
  const full = { cycles: 2, latentSteps: 2, maxSupervisionSteps: 16 };
  const stages = [
    { fromStep: 0, cycles: 1, latentSteps: 1 },
    { fromStep: 390, cycles: 2, latentSteps: 1 },
    { fromStep: 780, cycles: 2, latentSteps: 2 },
  ];

  it('runs a model stopped mid-curriculum at the depth it was last trained at', () => {
    expect(depthTrainedAt(full, stages, 725)).toEqual({ ...full, cycles: 2, latentSteps: 1 });
    expect(depthTrainedAt(full, stages, 390)).toEqual({ ...full, cycles: 1, latentSteps: 1 }); // steps 0-389 ran shallow
    expect(depthTrainedAt(full, stages, 1300)).toEqual(full);
  });

  it('leaves runs without a curriculum at their own depth', () => {
    expect(depthTrainedAt(full, undefined, 500)).toEqual(full);
  });
});
