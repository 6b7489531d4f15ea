import type { Architecture, Recursion } from '@trm/core';

/** The sudoku model trained on two CPU cores: a small MLP-mixer TRM with shallow recursion. */
export function sudokuArchitecture(options: { hiddenSize?: number; mixer?: 'mlp' | 'attention' } = {}): Architecture {
  const hiddenSize = options.hiddenSize ?? 128;
  return {
    family: 'trm',
    mixer: options.mixer ?? 'mlp',
    hiddenSize,
    layers: 2,
    heads: Math.max(1, hiddenSize / 32),
    // SwiGLU inner size 8/3 * D rounded up to a multiple of 64, as in the reference.
    channelInnerSize: Math.ceil((hiddenSize * 8) / 3 / 64) * 64,
    sequenceInnerSize: 224,
    rmsNormEpsilon: 1e-5,
    ropeTheta: 10000,
    vocabularySize: 11,
    sequenceLength: 81,
    puzzleEmbeddingLength: 1,
    puzzleIdentifiers: 1,
  };
}

export function sudokuRecursion(options: { latentSteps?: number; cycles?: number } = {}): Recursion {
  return { latentSteps: options.latentSteps ?? 2, cycles: options.cycles ?? 2, maxSupervisionSteps: 16 };
}
