import type { TaskTrainingDataV1 } from '@trm/core';
import type { ArcPair, ArcTask } from './arc-task';
import { createArcTrainingData } from './arc-training-data';
import { arcCanvasSide } from './arc-variants';

export interface ArcAdaptationPlan {
  /** The demonstrations adapted on, as their own stream (identifiers 1..variants = `name@0..`). */
  data: TaskTrainingDataV1 & { readonly puzzleNames: readonly string[] };
  /** The demonstration held out as the self-check (null when the task has too few to spare one). */
  heldOut: ArcPair | null;
  /** The canvas side the task runs on. */
  side: number;
  name: string;
  /**
   * What adapts by default: every weight. Measured on the 108 ConceptARC tasks <= 16x16 with the
   * shipped model and 100 steps: pass@2 1.9% unadapted, 3.7% embeddings only, 5.6% all weights.
   */
  train: 'embedding' | 'all';
}

/**
 * Test-time training data for one task: its demonstration pairs in `variants` fixed variants
 * (each its own embedding), randomly translated, on the task's own canvas. With three or more
 * demonstrations the last is held out: after adapting, whether the model reproduces it is the
 * task's self-check (evidence, not proof: the test input may need more than the demonstrations show).
 */
export function planArcAdaptation(task: ArcTask, options: { name?: string; variants?: number; seed?: number; holdOut?: boolean } = {}): ArcAdaptationPlan {
  const name = options.name ?? 'task';
  const holdOut = options.holdOut ?? task.train.length >= 3;
  const heldOut = holdOut && task.train.length >= 2 ? task.train[task.train.length - 1]! : null;
  const shown: ArcTask = { train: heldOut ? task.train.slice(0, -1) : task.train, test: task.test };
  const side = arcCanvasSide(task);
  const data = createArcTrainingData({ tasks: [shown], names: [name], seed: options.seed ?? 1, variants: options.variants ?? 8, side, translate: true });
  return { data: data as ArcAdaptationPlan['data'], heldOut, side, name, train: 'all' };
}
