/** AdamW with warm-up, gradient clipping and an EMA of the weights, as in the reference; shared by both engines and adaptation. */
export interface OptimizerSettings {
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Global gradient-norm clip; 0 disables. */
  gradientClip: number;
  /** Final EMA decay; warmed up as min(decay, (1 + k) / (10 + k)). */
  emaDecay: number;
}

export const defaultOptimizerSettings: OptimizerSettings = {
  learningRate: 1e-3,
  warmupSteps: 200,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  epsilon: 1e-8,
  gradientClip: 1,
  emaDecay: 0.999,
};

/** Linear warm-up to the base learning rate, then constant (as in the reference). */
export function warmedUpLearningRate(optimizer: OptimizerSettings, step: number): number {
  const { learningRate, warmupSteps } = optimizer;
  return warmupSteps > 0 ? learningRate * Math.min(1, (step + 1) / warmupSteps) : learningRate;
}
