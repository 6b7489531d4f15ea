import { z } from 'zod';
import { ManifestError } from '../errors/manifest-error';
import { checkedArchitectureSchema, readsCandidates, recursionSchema } from './architecture';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

export const weightFileSchema = z.object({
  path: z.string().min(1),
  format: z.literal('onnx'),
  sha256: sha256Schema,
  bytes: z.number().int().positive(),
});
export type WeightFile = z.infer<typeof weightFileSchema>;

export const measuredMetricSchema = z.object({
  dataset: z.string().min(1),
  /** Subset of the dataset, e.g. a difficulty level; 'all' for the whole file. */
  subset: z.string().min(1),
  /** What was counted, named by the task: `exact-accuracy` (equal to the reference), `verified-accuracy` (any answer the rules accept), or the task's own name for it. */
  metric: z.string().regex(/^[a-z0-9-]+$/, 'lower-case words joined by dashes'),
  value: z.number().min(0).max(1),
  count: z.number().int().positive(),
  /** The command that produced the figure, runnable from the repository root. */
  command: z.string().min(1),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  measuredAt: z.string().min(1),
});
export type MeasuredMetric = z.infer<typeof measuredMetricSchema>;

export const trainingRecordSchema = z.object({
  engine: z.string().min(1),
  data: z.string().min(1),
  steps: z.number().int().nonnegative(),
  examples: z.number().int().nonnegative(),
  seed: z.number().int(),
  commit: z.string().min(1),
  wallSeconds: z.number().nonnegative(),
  /** CPU seconds of the training processes (all threads: 2 busy cores count twice their wall time). */
  cpuSeconds: z.number().nonnegative().optional(),
  command: z.string().min(1),
  hyperparameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** The model this run started from (warm start: its weights, fresh optimizer state); steps, examples and CPU seconds above count this run only. */
  from: z
    .object({ id: z.string().min(1), sha256: sha256Schema, steps: z.number().int().nonnegative(), examples: z.number().int().nonnegative(), cpuSeconds: z.number().nonnegative().optional() })
    .optional(),
  /** Grid sizes trained on, in order, with the step each began at (size curricula). */
  grids: z.array(z.object({ fromStep: z.number().int().nonnegative(), height: z.number().int().positive(), width: z.number().int().positive() })).optional(),
});
export type TrainingRecord = z.infer<typeof trainingRecordSchema>;

/** How a model searches unless a call says otherwise (a manifest's `search`; a task's `defaults.search` less keepThreshold). */
export const searchSettingsSchema = z.object({
  keepThreshold: z.number().gt(0).lt(1).optional(),
  steps: z.number().int().min(1).max(1_000_000).optional(),
  stepsPerState: z.number().int().min(1).max(4096).optional(),
  dive: z.boolean().optional(),
});

export const modelManifestSchema = z.object({
  specificationVersion: z.literal('v1'),
  /** `task:name`, e.g. `<task>:trm-mlp-h128`. */
  id: z.string().regex(/^[a-z0-9-]+:[a-z0-9.-]+$/, 'an id of the form task:name'),
  task: z.string().min(1),
  architecture: checkedArchitectureSchema,
  recursion: recursionSchema,
  vocabulary: z.object({
    size: z.number().int().min(2),
    /** Human-readable label of each token id (index = id). */
    labels: z.array(z.string()),
  }),
  weights: z.array(weightFileSchema).min(1),
  /**
   * Models with one learned embedding per puzzle (e.g. one per task of an abstraction benchmark): the puzzle named `names[i]` has
   * identifier i + 1; identifier 0 is the embedding of a puzzle never seen in training.
   */
  puzzles: z.object({ names: z.array(z.string().min(1)) }).optional(),
  training: trainingRecordSchema,
  /**
   * How the model searches unless a call says otherwise. steps: the budget of network steps per
   * input (a token model with it searches by default; a candidate model always searches, 2000
   * without it). keepThreshold (candidate models): how sure the network must be before a candidate
   * is dropped, a property of its calibration. stepsPerState (token models): the steps each state
   * runs unless the call sets its own. dive: follow one network step's scores down, running the
   * network again only after a dead end.
   */
  search: searchSettingsSchema.optional(),
  metrics: z.array(measuredMetricSchema).default([]),
  createdAt: z.string().min(1),
});
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Manifests this module has checked; frozen, so what was checked is what is used. */
const checked = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates a manifest, naming the first offending field in a ManifestError. The result is
 * frozen and remembered: giving it back (a specialist's model to a runtime, say) returns it at
 * once, so a manifest is parsed once per load however many doors it passes.
 */
export function parseModelManifest(value: unknown): ModelManifest {
  if (typeof value === 'object' && value !== null && checked.has(value)) return value as ModelManifest;
  const result = modelManifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue ? issue.path.join('.') : '';
    throw new ManifestError({
      message: `invalid model manifest at "${field || '(root)'}": ${issue?.message ?? 'unknown problem'}`,
      field: field || undefined,
      cause: result.error,
    });
  }
  const manifest = result.data;
  if (manifest.vocabulary.size !== manifest.architecture.vocabularySize) {
    throw new ManifestError({
      message: `vocabulary.size (${manifest.vocabulary.size}) differs from architecture.vocabularySize (${manifest.architecture.vocabularySize})`,
      field: 'vocabulary.size',
    });
  }
  if (manifest.vocabulary.labels.length !== manifest.vocabulary.size) {
    throw new ManifestError({ message: 'vocabulary.labels must name every token id', field: 'vocabulary.labels' });
  }
  // Search settings that would do nothing are refused, naming them.
  const reads = readsCandidates(manifest.architecture);
  if (manifest.search?.keepThreshold !== undefined && !reads) {
    throw new ManifestError({ message: "search.keepThreshold applies to candidate models (architecture.input 'candidates'); a token model drops nothing", field: 'search.keepThreshold' });
  }
  if (manifest.search?.stepsPerState !== undefined && reads) {
    throw new ManifestError({ message: 'a candidate model runs one network step per search state: leave search.stepsPerState out', field: 'search.stepsPerState' });
  }
  if (manifest.id.split(':')[0] !== manifest.task) {
    throw new ManifestError({ message: `id "${manifest.id}" must start with task "${manifest.task}:"`, field: 'id' });
  }
  if (manifest.puzzles && manifest.puzzles.names.length + 1 !== manifest.architecture.puzzleIdentifiers) {
    throw new ManifestError({
      message: `puzzles.names lists ${manifest.puzzles.names.length} puzzles, so architecture.puzzleIdentifiers must be ${manifest.puzzles.names.length + 1} (0 = unseen), not ${manifest.architecture.puzzleIdentifiers}`,
      field: 'puzzles.names',
    });
  }
  checked.add(deepFreeze(manifest));
  return manifest;
}
