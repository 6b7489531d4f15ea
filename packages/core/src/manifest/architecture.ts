import { z } from 'zod';

/**
 * The network's shape. One description serves every lowering (the trainer's tfjs graph and the
 * exported ONNX graph), so every field that changes the arithmetic lives here.
 */
export const architectureSchema = z.object({
  family: z.literal('trm'),
  /** How positions exchange information: self-attention (with RoPE) or an MLP over the sequence. */
  mixer: z.enum(['attention', 'mlp']),
  hiddenSize: z.number().int().positive(),
  /** Blocks in the one shared network (the paper uses 2). */
  layers: z.number().int().positive(),
  /** Attention heads; ignored by the MLP mixer. */
  heads: z.number().int().positive(),
  /** SwiGLU inner size over channels. */
  channelInnerSize: z.number().int().positive(),
  /** SwiGLU inner size over positions (MLP mixer only). */
  sequenceInnerSize: z.number().int().positive(),
  rmsNormEpsilon: z.number().positive(),
  ropeTheta: z.number().positive(),
  vocabularySize: z.number().int().min(2),
  /** Token positions of one example (81 for sudoku, 900 for a 30x30 grid). */
  sequenceLength: z.number().int().positive(),
  /** Learned positions prepended to the sequence; the halting head reads the first. */
  puzzleEmbeddingLength: z.number().int().min(1),
  /** Distinct puzzle identifiers with their own learned embedding (1 for sudoku and maze). */
  puzzleIdentifiers: z.number().int().min(1),
});
export type Architecture = z.infer<typeof architectureSchema>;

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
