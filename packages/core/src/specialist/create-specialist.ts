import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { ManifestError } from '../contracts/errors/manifest-error';
import { RuntimeError } from '../contracts/errors/runtime-error';
import { TrmError } from '../contracts/errors/trm-error';
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
  const guard = taskCode(task.name);
  const parseInput = guard('parseInput', (input: unknown) => (fixedGrid ? task.parseInput(input, { grid: fixedGrid }) : task.parseInput(input)));
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
    encode: guard('codec.encode', (input: Input) => checkedTokens(task, task.codec.encode(input))),
    ...(task.puzzleIdentifier ? { puzzleIdentifier: guard('puzzleIdentifier', (input: Input) => puzzleIdentifierOf(task, manifest.puzzles?.names ?? [], input)) } : {}),
    decode: guard('codec.decode', (tokens: Int32Array, input: Input) => task.codec.decode(tokens, input)),
    verify: guard('verify', (input: Input, answer: Answer) => task.verify(input, answer) === true),
    formatAnswer: guard('formatAnswer', (answer: Answer) => {
      const text = task.formatAnswer(answer);
      if (typeof text !== 'string') throw new RuntimeError({ field: 'formatAnswer', message: `task "${task.name}": formatAnswer() returned ${typeof text}, expected a string` });
      return text;
    }),
    ...(task.augment ? { augment: task.augment.bind(task) } : {}),
    ...(task.domain ? { domain: task.domain, vocabulary: task.codec.vocabulary } : {}),
  };
}

/** What `encode` returned, as token ids the network can take (a task's bug here is named, not a crash in the batcher). */
function checkedTokens(task: TaskV1<any, any>, tokens: unknown): Int32Array {
  const vocabulary = task.codec.vocabulary.length;
  const bad = (what: string) => new RuntimeError({ field: 'codec.encode', message: `task "${task.name}": encode() returned ${what}; expected an Int32Array of token ids from 0 to ${vocabulary - 1}` });
  if (!(tokens instanceof Int32Array) && !Array.isArray(tokens)) throw bad(tokens === null ? 'null' : typeof tokens);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (!Number.isInteger(token) || token < 0 || token >= vocabulary) throw bad(`${String(token)} at position ${index}`);
  }
  return tokens instanceof Int32Array ? tokens : Int32Array.from(tokens as number[]);
}

/**
 * A task's own code, called for the SDK: its typed errors pass as they are; anything else it
 * throws (a bug in the task) becomes a RuntimeError naming the task and the hook, with the cause.
 */
function taskCode(taskName: string) {
  return <Args extends unknown[], Result>(hook: string, fn: (...args: Args) => Result) =>
    (...args: Args): Result => {
      try {
        return fn(...args);
      } catch (error) {
        if (TrmError.isInstance(error)) throw error;
        throw new RuntimeError({ field: hook, message: `task "${taskName}": ${hook}() threw ${(error as Error)?.name ?? 'a value'}: ${(error as Error)?.message ?? String(error)}`, cause: error });
      }
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
