import type { ParameterValues } from '../network/trm-parameters';
import type { OptimizerSettings } from './optimizer-settings';

/**
 * AdamW with global-norm clipping and a warmed-up EMA, on plain Float32Arrays (for engines whose
 * gradients arrive in host memory). Decoupled weight decay only where `decay` says so.
 */
export function applyAdamW(options: {
  settings: OptimizerSettings;
  step: number;
  learningRate: number;
  parameters: ParameterValues;
  gradients: ReadonlyMap<string, Float32Array>;
  firstMoment: ParameterValues;
  secondMoment: ParameterValues;
  ema: ParameterValues;
  decay: ReadonlyMap<string, boolean>;
}): { gradientNorm: number } {
  const { settings, step, learningRate, parameters, gradients, firstMoment, secondMoment, ema, decay } = options;
  const { beta1, beta2, epsilon, weightDecay, gradientClip, emaDecay } = settings;
  let squares = 0;
  for (const gradient of gradients.values()) for (let index = 0; index < gradient.length; index++) squares += gradient[index]! * gradient[index]!;
  const gradientNorm = Math.sqrt(squares);
  const clip = gradientClip > 0 ? Math.min(1, gradientClip / (gradientNorm + 1e-6)) : 1;
  const t = step + 1;
  const firstCorrection = 1 / (1 - beta1 ** t);
  const secondCorrection = 1 / (1 - beta2 ** t);
  const emaRate = Math.min(emaDecay, (1 + step) / (10 + step));
  for (const [name, gradient] of gradients) {
    const weights = parameters.get(name)!;
    const m = firstMoment.get(name)!;
    const v = secondMoment.get(name)!;
    const average = ema.get(name)!;
    const shrink = decay.get(name) ? 1 - learningRate * weightDecay : 1;
    for (let index = 0; index < weights.length; index++) {
      const g = gradient[index]! * clip;
      const mi = (m[index] = beta1 * m[index]! + (1 - beta1) * g);
      const vi = (v[index] = beta2 * v[index]! + (1 - beta2) * g * g);
      const w = weights[index]! * shrink - (learningRate * (mi * firstCorrection)) / (Math.sqrt(vi * secondCorrection) + epsilon);
      weights[index] = w;
      average[index] = emaRate * average[index]! + (1 - emaRate) * w;
    }
  }
  return { gradientNorm };
}
