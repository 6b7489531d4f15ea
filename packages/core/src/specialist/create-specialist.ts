import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { ManifestError } from '../contracts/errors/manifest-error';
import { readModelSource } from './read-model-source';
import { runsAnyGridSize } from '../contracts/manifest/architecture';
import { parseModelManifest } from '../contracts/manifest/model-manifest';
import type { ModelSourceV1 } from '../contracts/inference-runtime';
import type { SpecialistV1 } from '../contracts/specialist';
import type { TaskV1 } from '../contracts/task';

/**
 * A specialist is a task plus a trained model: the task's codec, rules and augmentations, run on
 * `model` (default: the model the task's package ships). The model is `{ manifest, weights }`,
 * or the path or URL of a manifest (what `trm train` writes: `'./my-model/manifest.json'`), which
 * is read first, so that form returns a Promise. The manifest must be for this task and its
 * token vocabulary; a grid task runs every size on a model whose weights are size-free, and only
 * the model's own size otherwise.
 */
export function createSpecialist<Input, Answer>(task: TaskV1<Input, Answer>, model?: ModelSourceV1): SpecialistV1<Input, Answer>;
export function createSpecialist<Input, Answer>(task: TaskV1<Input, Answer>, model: string | URL): Promise<SpecialistV1<Input, Answer>>;
export function createSpecialist<Input, Answer>(task: TaskV1<Input, Answer>, model?: ModelSourceV1 | string | URL): SpecialistV1<Input, Answer> | Promise<SpecialistV1<Input, Answer>> {
  if (typeof model === 'string' || model instanceof URL) return readModelSource(model).then((source) => specialistOf(task, source));
  if (model !== undefined && (typeof model !== 'object' || model === null || !('manifest' in model) || !('weights' in model))) {
    throw new InvalidInputError({ field: 'model', message: "expected { manifest, weights } or the path or URL of a manifest.json (e.g. './my-model/manifest.json')", value: model });
  }
  const source = model ?? task.packagedModel?.();
  if (!source) throw new ManifestError({ message: `task "${task.name}" ships no model: pass a model: createSpecialist(task, './my-model/manifest.json') or { manifest, weights }`, field: 'model' });
  return specialistOf(task, source);
}

function specialistOf<Input, Answer>(task: TaskV1<Input, Answer>, source: ModelSourceV1): SpecialistV1<Input, Answer> {
  const manifest = parseModelManifest(source.manifest);
  if (manifest.task !== task.name) throw new ManifestError({ message: `model ${manifest.id} is for task "${manifest.task}", not ${task.name}`, field: 'task' });
  const { architecture } = manifest;
  if (architecture.vocabularySize !== task.codec.vocabulary.length) {
    throw new ManifestError({ message: `the ${task.name} codec has ${task.codec.vocabulary.length} tokens, the model ${architecture.vocabularySize}`, field: 'architecture.vocabularySize' });
  }
  const anySize = task.codec.sides !== undefined && task.grid !== undefined && runsAnyGridSize(architecture);
  if (!anySize && !task.codec.sides && architecture.sequenceLength !== task.codec.sequenceLength) {
    throw new ManifestError({ message: `a ${task.name} model needs sequenceLength ${task.codec.sequenceLength}, got ${architecture.sequenceLength}`, field: 'architecture.sequenceLength' });
  }
  // A fixed-size model of a task with several sizes takes only inputs of its own grid.
  const fixedGrid = !anySize && task.codec.sides ? (architecture.grid ?? task.codec.grid) : undefined;
  const parseInput = (input: unknown) => (fixedGrid ? task.parseInput(input, { grid: fixedGrid }) : task.parseInput(input));
  return {
    specificationVersion: 'v1',
    task: task.name,
    modelId: manifest.id,
    model: { manifest, weights: source.weights },
    inputSchema: task.inputSchema,
    parseInput,
    detect(input) {
      const score = task.detect(input);
      if (score <= 0 || !fixedGrid) return score;
      try {
        parseInput(input);
        return score;
      } catch {
        return 0;
      }
    },
    ...(anySize ? { grid: (input: Input) => task.grid!(input) } : {}),
    encode: (input) => task.codec.encode(input),
    ...(task.puzzleIdentifier ? { puzzleIdentifier: (input: Input) => puzzleIdentifierOf(task, manifest.puzzles?.names ?? [], input) } : {}),
    decode: (tokens, input) => task.codec.decode(tokens, input),
    verify: (input, answer) => task.verify(input, answer),
    formatAnswer: (answer) => task.formatAnswer(answer),
    ...(task.augment ? { augment: task.augment.bind(task) } : {}),
  };
}

/** The task's identifier for an input, checked against the model's embeddings (out of range: 0, unseen). */
function puzzleIdentifierOf<Input, Answer>(task: TaskV1<Input, Answer>, names: readonly string[], input: Input): number {
  const identifier = task.puzzleIdentifier!(input, names);
  return Number.isInteger(identifier) && identifier >= 0 && identifier <= names.length ? identifier : 0;
}

/**
 * A model a package ships: its manifest (checked) and its weights. A bundle that does not follow
 * `new URL(..., import.meta.url)` (esbuild) copies the package's `model/` files and passes where
 * it serves them as `weights`. Bundlers may rename the file (a content hash); the manifest's
 * sha256 still checks it at load.
 */
export function packagedModelSource(manifestJson: unknown, weights: ModelSourceV1['weights']): ModelSourceV1 {
  const manifest = parseModelManifest(manifestJson);
  if (!manifest.weights[0]) throw new ManifestError({ message: 'the packaged manifest lists no weights', field: 'weights' });
  return { manifest, weights };
}
