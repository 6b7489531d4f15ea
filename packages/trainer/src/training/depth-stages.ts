import type { Recursion } from '@trm/core';

/** From `fromStep` on (until the next stage), train with this recursion depth. */
export interface DepthStage {
  fromStep: number;
  cycles: number;
  latentSteps: number;
}

/** The recursion trained at `step` under `stages` (the model's own before or without them). */
export function recursionAtStep(recursion: Recursion, stages: readonly DepthStage[] | undefined, step: number): Recursion {
  const stage = stages?.filter((candidate) => candidate.fromStep <= step).at(-1);
  return stage ? { ...recursion, cycles: stage.cycles, latentSteps: stage.latentSteps } : recursion;
}

/** The stages of the default CGAR-style schedule: 30% at about half depth, 30% between, then full. */
export function progressiveDepthStages(recursion: Recursion, totalSteps: number): DepthStage[] {
  const half = (value: number) => Math.max(1, Math.ceil(value / 2));
  return [
    { fromStep: 0, cycles: half(recursion.cycles), latentSteps: half(recursion.latentSteps) },
    { fromStep: Math.round(0.3 * totalSteps), cycles: recursion.cycles, latentSteps: half(recursion.latentSteps) },
    { fromStep: Math.round(0.6 * totalSteps), cycles: recursion.cycles, latentSteps: recursion.latentSteps },
  ];
}
