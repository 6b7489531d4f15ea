import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { type Architecture, InvalidInputError, type ModelManifest, type Recursion, type TaskV1, type TrainingRecord, fullSequenceLength, parseModelManifest, readsCandidates, runsAnyGridSize, stepGraphNames, withGrid } from '@trm/core';
import { exportStepToOnnx } from '../onnx/export-onnx';
import { TrainingDivergedError } from '../training/training-diverged-error';
import { loadCheckpoint } from '../training/checkpoint';
import { type DepthStage, recursionAtStep } from '../training/depth-stages';
import { writeFilesAtomic } from '../util/write-file-atomic';

/**
 * Exports a checkpoint's EMA weights as an ONNX step graph plus a manifest beside it. Metrics
 * already measured for the same weights (same sha256) are kept.
 */
export async function exportModel(options: {
  checkpointDirectory: string;
  /** Task name; defaults to the task of the run's own manifest. */
  task?: string;
  /** The task's token names (its codec's vocabulary); defaults to the run's own manifest's. */
  vocabulary?: readonly string[];
  out?: string;
  weights?: 'ema' | 'live';
  /** Conv models: the grid the manifest states (default: the size trained at last). */
  grid?: { height: number; width: number };
  training?: Omit<TrainingRecord, 'steps' | 'examples' | 'seed' | 'wallSeconds' | 'cpuSeconds'>;
  /** How the model searches by default (the task's `defaults.search`); else the run's manifest's, else the one beside the output's. */
  search?: TaskV1['defaults']['search'];
}): Promise<{ onnxPath: string; manifestPath: string; manifest: ModelManifest }> {
  const { header, groups } = await loadCheckpoint(options.checkpointDirectory);
  const which = options.weights ?? 'ema';
  const parameters = new Map(groups.parameters);
  // Fixed parameters live only in the "parameters" group; trained ones take the chosen copy.
  for (const [name, value] of groups[which === 'ema' ? 'ema' : 'parameters']) parameters.set(name, value);
  const architecture = options.grid ? manifestGrid(header.architecture, options.grid) : header.architecture;
  // A run stopped inside its depth curriculum (CGAR) runs at the depth it was last trained at.
  const recursion = depthTrainedAt(header.recursion, header.config.depthStages, header.step);
  // The training run writes a manifest beside its checkpoint; exports elsewhere take its record.
  const runManifest = await readManifestIfAny(join(options.checkpointDirectory, 'manifest.json'));
  const onnxPath = options.out ?? join(options.checkpointDirectory, 'model.onnx');
  const manifestPath = join(dirname(onnxPath), 'manifest.json');
  const previous = await readManifestIfAny(manifestPath);
  const task = options.task ?? runManifest?.task ?? previous?.task;
  if (!task) throw new InvalidInputError({ field: 'task', message: 'name the task: the run has no manifest to take it from' });
  const vocabulary = options.vocabulary ?? (runManifest?.task === task ? runManifest.vocabulary.labels : undefined) ?? (previous?.task === task ? previous.vocabulary.labels : undefined);
  if (!vocabulary) throw new InvalidInputError({ field: 'vocabulary', message: `give the ${task} task's vocabulary: the run has no manifest to take it from` });
  if (vocabulary.length !== header.architecture.vocabularySize) throw new InvalidInputError({ field: 'vocabulary', message: `${vocabulary.length} tokens, but the checkpoint has ${header.architecture.vocabularySize}`, value: vocabulary });
  const name = `trm-${architecture.mixer}-h${architecture.hiddenSize}-t${recursion.cycles}n${recursion.latentSteps}`;
  const id = `${task}:${name}`;
  const onnx = exportStepToOnnx({ architecture, recursion, parameters, metadata: { id, step: String(header.step) } });
  // Finite weights can still overflow (a run that diverged one step later): such a model answers NaN, so it is not exported.
  const overflowing = await firstNonFiniteOutput(onnx, architecture);
  if (overflowing) {
    throw new TrainingDivergedError({ step: header.step, field: 'weights', message: `the ${which} weights give non-finite ${overflowing} on a blank input: the run diverged, nothing is exported (lower the learning rate)` });
  }
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const training = options.training ?? runManifest?.training ?? previous?.training;
  if (!training) throw new InvalidInputError({ field: '--checkpoint', message: 'no training record: export from a training run, or beside an existing manifest' });
  const manifest = parseModelManifest({
    specificationVersion: 'v1',
    id,
    task,
    architecture,
    recursion,
    vocabulary: { size: vocabulary.length, labels: [...vocabulary] },
    weights: [{ path: basename(onnxPath), format: 'onnx', sha256, bytes: onnx.length }],
    ...(Array.isArray(header.config.puzzleNames) ? { puzzles: { names: header.config.puzzleNames } } : {}),
    training: {
      ...training,
      data: describeData(header.config.dataHistory, training.data),
      hyperparameters: { ...training.hyperparameters, ...describeDepthStages(header.config.depthStages) },
      ...gridsTrained(header.config.gridHistory),
      steps: header.step,
      examples: header.examples,
      seed: header.seed,
      wallSeconds: Math.round(header.wallSeconds),
      ...(typeof header.config.cpuSeconds === 'number' ? { cpuSeconds: header.config.cpuSeconds } : {}),
      ...(header.config.from ? { from: header.config.from } : {}),
    },
    ...searchSettings(options.search ?? (runManifest?.task === task ? runManifest.search : undefined) ?? (previous?.task === task ? previous.search : undefined), architecture),
    metrics: previous && previous.weights[0]?.sha256 === sha256 ? previous.metrics : [],
    createdAt: new Date().toISOString(),
  });
  try {
    await mkdir(dirname(onnxPath), { recursive: true });
    // Both whole or neither, the weights renamed into place first: a manifest never names weights that are half written.
    await writeFilesAtomic([
      [onnxPath, onnx],
      [manifestPath, `${JSON.stringify(manifest, null, 2)}\n`],
    ]);
  } catch (error) {
    throw new InvalidInputError({ field: 'out', message: `cannot write ${onnxPath} and its manifest: ${(error as Error).message}`, value: onnxPath, cause: error });
  }
  return { onnxPath, manifestPath, manifest };
}

/** One step of the graph from the initial state on a blank input; the first output holding NaN or Infinity, if any. */
async function firstNonFiniteOutput(onnx: Uint8Array, architecture: Architecture): Promise<string | undefined> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const state = () => new ort.Tensor('float32', new Float32Array(fullSequenceLength(architecture) * architecture.hiddenSize), [1, fullSequenceLength(architecture), architecture.hiddenSize]);
    const { sequenceLength: length, vocabularySize: vocabulary } = architecture;
    const outputs = await session.run({
      ...(readsCandidates(architecture)
        ? { [stepGraphNames.candidates]: new ort.Tensor('float32', new Float32Array(length * vocabulary).fill(1), [1, length, vocabulary]) }
        : { [stepGraphNames.tokens]: new ort.Tensor('int32', new Int32Array(length), [1, length]) }),
      [stepGraphNames.puzzleIdentifiers]: new ort.Tensor('int32', new Int32Array(1), [1, 1]),
      [stepGraphNames.y]: state(),
      [stepGraphNames.z]: state(),
      [stepGraphNames.reset]: new ort.Tensor('float32', Float32Array.of(1), [1, 1, 1]),
    });
    for (const name of [stepGraphNames.logits, stepGraphNames.qHalt, stepGraphNames.yOut, stepGraphNames.zOut, ...(readsCandidates(architecture) ? [stepGraphNames.keepLogits] : [])]) {
      if ((outputs[name]!.data as Float32Array).some((value) => !Number.isFinite(value))) return name;
    }
    return undefined;
  } finally {
    await session.release();
  }
}

/** The exported architecture at another grid: only conv weights are size-free. */
function manifestGrid(architecture: Architecture, grid: { height: number; width: number }): Architecture {
  if (!runsAnyGridSize(architecture)) {
    throw new InvalidInputError({ field: '--grid', message: `a ${architecture.mixer}-mixer model runs only the size it was trained at`, value: `${grid.height}x${grid.width}` });
  }
  if (grid.height !== grid.width) throw new InvalidInputError({ field: '--grid', message: 'the exported graph runs square grids', value: `${grid.height}x${grid.width}` });
  return withGrid(architecture, grid);
}

/** The grid sizes a run trained on, with the step each began at, for the manifest. */
function gridsTrained(history: unknown): { grids?: { fromStep: number; height: number; width: number }[] } {
  return Array.isArray(history) && history.length > 0 ? { grids: history as { fromStep: number; height: number; width: number }[] } : {};
}

/** The depth the run trained at last: its own, or its curriculum stage at the last step taken. */
export function depthTrainedAt(recursion: Recursion, stages: unknown, step: number): Recursion {
  if (!Array.isArray(stages) || step === 0) return recursion;
  return recursionAtStep(recursion, stages as DepthStage[], step - 1);
}

/** CGAR stages as a manifest hyperparameter, e.g. "from step 0: T=1 n=1; from step 390: T=2 n=2". */
function describeDepthStages(stages: unknown): Record<string, string> {
  if (!Array.isArray(stages) || stages.length === 0) return {};
  return { depthCurriculum: (stages as { fromStep: number; cycles: number; latentSteps: number }[]).map((stage) => `from step ${stage.fromStep}: T=${stage.cycles} n=${stage.latentSteps}`).join('; ') };
}

/** The training data of every phase of the run, e.g. "steps 0-2299: ...; steps 2300-: ...". */
function describeData(history: unknown, fallback: string): string {
  if (!Array.isArray(history) || history.length === 0) return fallback;
  const phases = history as { fromStep: number; description: string }[];
  if (phases.length === 1) return phases[0]!.description;
  return phases.map((phase, index) => `steps ${phase.fromStep}-${index + 1 < phases.length ? phases[index + 1]!.fromStep - 1 : ''}: ${phase.description}`).join('; ');
}

async function readManifestIfAny(path: string): Promise<ModelManifest | undefined> {
  try {
    return parseModelManifest(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/** A manifest's `search` from a task's defaults: a candidate model runs one step per state, so it takes no stepsPerState. */
function searchSettings(search: ModelManifest['search'], architecture: Architecture): { search?: ModelManifest['search'] } {
  if (!search) return {};
  const { stepsPerState, ...rest } = search;
  const settings = readsCandidates(architecture) || stepsPerState === undefined ? rest : { ...rest, stepsPerState };
  return Object.keys(settings).length > 0 ? { search: settings } : {};
}
