import type { Architecture, Recursion, TaskV1 } from '@trm/core';

// Training rules: how a task's codec and defaults become the network trained for it.

/** The token mixers a TRM can use (conv needs a grid task). */
export type Mixer = Architecture['mixer'];
export const mixers: readonly Mixer[] = ['mlp', 'attention', 'conv', 'relations'];

export interface ArchitectureOptions {
  hiddenSize?: number;
  mixer?: Mixer;
  kernelSize?: number;
  dilation?: number;
  /** Grid side, for grid tasks with several sizes. */
  side?: number;
  /** Learned puzzle embeddings (1 without per-puzzle ones; the training data's names + 1). */
  puzzleIdentifiers?: number;
  /** 'candidates': the network reads the task's candidate sets and outputs keep logits (tasks with a domain). */
  input?: 'tokens' | 'candidates';
  /** Attention: rotary positions along the sequence ('1d', default) or the grid's rows and columns ('2d', grid tasks). */
  rope?: '1d' | '2d';
}

/** The TRM architecture of a task: its codec's shape and vocabulary, its defaults, the options given. */
export function taskArchitecture(task: TaskV1<any, any>, options: ArchitectureOptions): Architecture {
  const defaults = task.defaults.architecture;
  const hiddenSize = options.hiddenSize ?? defaults.hiddenSize ?? 128;
  const mixer = options.mixer ?? defaults.mixer ?? 'mlp';
  const grid = options.side ? { height: options.side, width: options.side } : task.codec.grid;
  const sequenceLength = grid && (options.side || mixer === 'conv') ? grid.height * grid.width : task.codec.sequenceLength;
  return {
    family: 'trm',
    mixer,
    ...(grid && (mixer === 'conv' || options.side || options.rope === '2d') ? { grid } : {}),
    ...(options.rope === '2d' ? { rope: '2d' as const } : {}),
    ...(mixer === 'conv' ? { kernelSize: options.kernelSize ?? defaults.kernelSize ?? 3, dilation: options.dilation ?? defaults.dilation ?? 1 } : {}),
    ...(mixer === 'conv' && defaults.prefixToCells ? { prefixToCells: true } : {}),
    ...(options.input === 'candidates' ? { input: 'candidates' as const } : {}),
    // The relations mixer mixes along the groups the task's domain declares (a grid puzzle's rows, columns, boxes).
    ...(mixer === 'relations' ? { relations: (task.domain?.relations ?? []).map((group) => [...group]) } : {}),
    hiddenSize,
    layers: 2,
    heads: Math.max(1, hiddenSize / 32),
    // SwiGLU inner size 8/3 * D rounded up to a multiple of 64, as in the reference.
    channelInnerSize: Math.ceil((hiddenSize * 8) / 3 / 64) * 64,
    sequenceInnerSize: Math.ceil(((sequenceLength + 1) * 8) / 3 / 32) * 32,
    rmsNormEpsilon: 1e-5,
    ropeTheta: 10000,
    vocabularySize: task.codec.vocabulary.length,
    sequenceLength,
    puzzleEmbeddingLength: 1,
    puzzleIdentifiers: options.puzzleIdentifiers ?? 1,
  };
}

/** The recursion a task trains with: its defaults, with the cycles and latent steps given. */
export function taskRecursion(task: TaskV1<any, any>, options: { cycles?: number; latentSteps?: number }): Recursion {
  return { ...task.defaults.recursion, ...(options.cycles ? { cycles: options.cycles } : {}), ...(options.latentSteps ? { latentSteps: options.latentSteps } : {}) };
}
