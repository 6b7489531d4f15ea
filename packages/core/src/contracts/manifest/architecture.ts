import { z } from 'zod';

/**
 * The network's shape. One description serves every lowering (the trainer's tfjs graph and the
 * exported ONNX graph), so every field that changes the arithmetic lives here.
 */
export const architectureSchema = z.object({
  family: z.literal('trm'),
  /**
   * How positions exchange information: self-attention (with RoPE), an MLP over the sequence, or
   * `conv`: each cell of a 2-D grid mixes with its k x k neighbourhood (no weight depends on the
   * grid's size, so one checkpoint runs at any size).
   */
  mixer: z.enum(['attention', 'mlp', 'conv', 'relations']),
  /**
   * What the network reads: `tokens` (default), one id per position; or `candidates`, the task's
   * candidate sets as a [positions x vocabulary] 0/1 mask, each position the sum of its candidates'
   * embeddings, with a keep logit per candidate among the outputs (`keep_logits`).
   */
  input: z.enum(['tokens', 'candidates']).optional(),
  /**
   * Relations mixer: the groups of positions that constrain each other (a 9x9 puzzle's 27 units). Each
   * group's mean goes through one shared SwiGLU and back to its members; no weight depends on a
   * position.
   */
  relations: z.array(z.array(z.number().int().min(0)).min(1).max(65_536)).min(1).max(65_536).optional(),
  // Upper bounds far above any model this SDK trains: a manifest's sizes become buffer sizes.
  hiddenSize: z.number().int().positive().max(16_384),
  /** Blocks in the one shared network (the paper uses 2). */
  layers: z.number().int().positive().max(256),
  /** Attention heads; ignored by the MLP mixer. */
  heads: z.number().int().positive().max(1024),
  /** SwiGLU inner size over channels. */
  channelInnerSize: z.number().int().positive().max(65_536),
  /** SwiGLU inner size over positions (MLP mixer only). */
  sequenceInnerSize: z.number().int().positive().max(65_536),
  rmsNormEpsilon: z.number().positive(),
  ropeTheta: z.number().positive(),
  /**
   * Attention: rotary positions along the sequence (`1d`, the default) or along the grid's rows and
   * columns (`2d`: half of each head's rotations turn with the row, half with the column; needs
   * `grid`), so a cell's neighbours in its column are as near as those in its row.
   */
  rope: z.enum(['1d', '2d']).optional(),
  vocabularySize: z.number().int().min(2).max(65_536),
  /** Token positions of one example (81 for a 9x9 grid, 900 for 30x30). */
  sequenceLength: z.number().int().positive().max(65_536),
  /**
   * The token positions as a 2-D grid, row-major (height x width = sequenceLength). Required by
   * the conv mixer; for a conv model it is the size it was exported at, and it runs at others.
   */
  grid: z.object({ height: z.number().int().positive().max(256), width: z.number().int().positive().max(256) }).optional(),
  /** Conv mixer: the odd kernel side k and the spacing of its taps (dilation). */
  kernelSize: z.number().int().positive().max(63).optional(),
  dilation: z.number().int().positive().max(64).optional(),
  /**
   * Conv mixer: every cell also reads the first prefix position (the puzzle embedding, and the
   * pooled grid) through one more weight per layer. Without it no cell ever sees the puzzle
   * embedding, so per-puzzle embeddings would change nothing.
   */
  prefixToCells: z.boolean().optional(),
  /** Learned positions prepended to the sequence; the halting head reads the first. */
  puzzleEmbeddingLength: z.number().int().min(1).max(1024),
  /** Distinct puzzle identifiers with their own learned embedding (1 for tasks without per-puzzle embeddings). */
  puzzleIdentifiers: z.number().int().min(1).max(10_000_000),
});
export type Architecture = z.infer<typeof architectureSchema>;

/** The schema with the checks that span fields (grid against length, conv needs a grid). */
export const checkedArchitectureSchema = architectureSchema.superRefine((architecture, context) => {
  const { grid } = architecture;
  if (grid && grid.height * grid.width !== architecture.sequenceLength) {
    context.addIssue({ code: 'custom', path: ['grid'], message: `grid ${grid.height}x${grid.width} does not hold sequenceLength ${architecture.sequenceLength}` });
  }
  // One sample's state (y or z) is one buffer: keep it under 512 MB.
  if ((architecture.puzzleEmbeddingLength + architecture.sequenceLength) * architecture.hiddenSize > 2 ** 27) {
    context.addIssue({ code: 'custom', path: ['hiddenSize'], message: `positions x hiddenSize is over 2^27 floats (512 MB per sample's state): too large for a runtime` });
  }
  if (architecture.mixer === 'relations') {
    if (!architecture.relations) context.addIssue({ code: 'custom', path: ['relations'], message: 'the relations mixer needs relations (groups of positions)' });
    for (const [index, group] of (architecture.relations ?? []).entries()) {
      if (group.some((position) => position >= architecture.sequenceLength)) context.addIssue({ code: 'custom', path: ['relations', index], message: `a position is past sequenceLength ${architecture.sequenceLength}` });
    }
  } else if (architecture.relations) {
    context.addIssue({ code: 'custom', path: ['relations'], message: 'applies to the relations mixer only' });
  }
  if (architecture.rope === '2d') {
    if (architecture.mixer !== 'attention') context.addIssue({ code: 'custom', path: ['rope'], message: 'rotary positions apply to the attention mixer only' });
    if (!grid) context.addIssue({ code: 'custom', path: ['rope'], message: "'2d' needs the grid (rows and columns) of the positions" });
    if ((architecture.hiddenSize / architecture.heads) % 4 !== 0) context.addIssue({ code: 'custom', path: ['rope'], message: "'2d' needs a head size (hiddenSize / heads) divisible by 4" });
  }
  if (architecture.mixer === 'conv') {
    if (!grid) context.addIssue({ code: 'custom', path: ['grid'], message: 'the conv mixer needs a grid' });
    if ((architecture.kernelSize ?? 3) % 2 !== 1) context.addIssue({ code: 'custom', path: ['kernelSize'], message: 'must be odd' });
  } else if (architecture.prefixToCells) {
    context.addIssue({ code: 'custom', path: ['prefixToCells'], message: 'applies to the conv mixer only (attention and MLP mixers already reach every position)' });
  }
});

/** Conv-mixer kernel side and dilation with their defaults (3 and 1). */
export function convKernel(architecture: Architecture): { size: number; dilation: number } {
  return { size: architecture.kernelSize ?? 3, dilation: architecture.dilation ?? 1 };
}

/** True when one exported step graph runs any square grid (the conv mixer), not only its own size. */
export function runsAnyGridSize(architecture: Architecture): boolean {
  return architecture.mixer === 'conv';
}

/** True when the network reads candidate sets (a float mask) instead of token ids. */
export function readsCandidates(architecture: Architecture): boolean {
  return architecture.input === 'candidates';
}

/** The architecture re-sized to a square or rectangular grid (conv models only: no weight changes). */
export function withGrid(architecture: Architecture, grid: { height: number; width: number }): Architecture {
  return { ...architecture, grid: { ...grid }, sequenceLength: grid.height * grid.width };
}

export const recursionSchema = z.object({
  /** n: latent updates per recursion. */
  latentSteps: z.number().int().positive(),
  /** T: recursions per supervision step. */
  cycles: z.number().int().positive(),
  /** N_sup: supervision steps the model was trained to use. */
  maxSupervisionSteps: z.number().int().positive(),
});
export type Recursion = z.infer<typeof recursionSchema>;

/** Total positions the network sees: prefix plus tokens. */
export function fullSequenceLength(architecture: Architecture): number {
  return architecture.puzzleEmbeddingLength + architecture.sequenceLength;
}

/** True when the architecture already runs this grid (a model without a declared grid: by its cell count). */
export function hasGrid(architecture: Architecture, grid: { height: number; width: number }): boolean {
  const own = architecture.grid;
  return own ? own.height === grid.height && own.width === grid.width : architecture.sequenceLength === grid.height * grid.width;
}
