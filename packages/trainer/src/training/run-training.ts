import { appendFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Architecture, InvalidInputError, type Recursion, runsAnyGridSize, withGrid } from '@trm/core';
import type { NodeDevice } from '@trm/runtime-node';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import type { DepthStage } from './depth-stages';
import type { OptimizerSettings } from './optimizer-settings';
import { type OrtTrainerOptions, OrtTrmTrainer } from './ort-trainer';
import { type ParameterValues, trmParameterSpecs } from '../network/trm-parameters';
import type { StepMetrics, TrainerState } from './trainer-state';
import { TrainingDivergedError } from './training-diverged-error';
import type { TrainingDataSource } from './training-data-source';

/** What runTraining needs of an engine; the tfjs and onnxruntime trainers both provide it. */
export interface TrmTrainer {
  readonly architecture: Architecture;
  readonly recursion: Recursion;
  readonly batchSize: number;
  readonly optimizer: OptimizerSettings;
  readonly step: number;
  readonly examples: number;
  readonly wallSeconds: number;
  /** Where it trains, in the shared device words (the onnxruntime engine; tfjs says nothing). */
  readonly device?: 'cpu' | 'gpu';
  trainStep(data: TrainingDataSource): StepMetrics | Promise<StepMetrics>;
  parameterValues(which?: 'ema' | 'live'): Map<string, Float32Array>;
  state(): TrainerState;
  dispose(): void;
}

export type TrainingEngine = 'ort' | 'tfjs';

export type TrainingEvent =
  | { type: 'start'; step: number; resumed: boolean; engine: string }
  | { type: 'step'; metrics: StepMetrics }
  | { type: 'checkpoint'; step: number; directory: string }
  | { type: 'done'; step: number; wallSeconds: number };

export interface TrainingRunOptions {
  architecture: Architecture;
  recursion: Recursion;
  data: TrainingDataSource;
  batchSize: number;
  /** Optimizer steps to reach (counted from 0, including resumed ones). */
  steps: number;
  /** Stop after this many seconds of this process's training, checkpointing first. */
  maxSeconds?: number;
  seed: number;
  optimizer?: Partial<OptimizerSettings>;
  outDirectory: string;
  checkpointEvery: number;
  /** Continue from outDirectory's checkpoint when there is one. */
  resume: boolean;
  /** 'ort' (onnxruntime, default) or 'tfjs' (needs a tfjs backend initialised first). */
  engine?: TrainingEngine;
  /** onnxruntime only: threads a step uses, and the device ('auto' | 'cpu' | 'gpu', default 'auto'; 'cuda' = 'gpu'). */
  threads?: number;
  device?: NodeDevice;
  /** onnxruntime only: progressive recursion depth (CGAR); see progressiveDepthStages. */
  depthStages?: readonly DepthStage[];
  /**
   * The task's correctness in token space, for tasks with several valid answers (`tokenCorrectness`
   * in core): an answer it accepts counts as right (halting target, accuracy) and becomes the
   * slot's target. Without it, right means equal to the label.
   */
  judge?: (tokens: Int32Array, predicted: Int32Array) => boolean;
  /** Candidate models: the task's rules in token space and the state pool's settings (onnxruntime only). */
  candidates?: OrtTrainerOptions['candidates'];
  /**
   * Train at this grid size, also when resuming a run trained at another (conv models: no weight
   * depends on the size, so a size curriculum is a sequence of resumed runs). The checkpoint
   * records the sizes trained on and the step each began at.
   */
  grid?: { height: number; width: number };
  /**
   * Start from a trained model's weights (warm start) instead of random ones, with fresh
   * optimizer state; the architecture must be the model's. A resumed run ignores it (its
   * checkpoint holds the weights) but keeps the record of where it started.
   */
  from?: { parameters: ParameterValues; model: { id: string; sha256: string; steps: number; examples: number; cpuSeconds?: number } };
  onEvent?: (event: TrainingEvent) => void;
  /** Called after each checkpoint is written (export, evaluation). */
  onCheckpoint?: (trainer: TrmTrainer) => Promise<void>;
  signal?: AbortSignal;
}

/** Trains with checkpoints and resume; metrics go to `metrics.jsonl` in the output directory. */
export async function runTraining(options: TrainingRunOptions): Promise<TrmTrainer> {
  try {
    await mkdir(options.outDirectory, { recursive: true });
  } catch (error) {
    throw new InvalidInputError({ field: 'outDirectory', message: `cannot make the folder: ${(error as Error).message}`, value: options.outDirectory, cause: error });
  }
  const engine = options.engine ?? 'ort';
  const { trainer, record, resumed } = await startTrainer(options, engine);
  try {
    recordDataAndGrid(options.data, trainer, record);
    const cpuSeconds = cpuClock(record.cpuSecondsBefore);
    options.onEvent?.({ type: 'start', step: trainer.step, resumed, engine });
    const checkpoint = () => writeCheckpoint(options, trainer, record.config, cpuSeconds);
    await trainSteps(options, trainer, checkpoint, cpuSeconds);
    if (trainer.step % options.checkpointEvery !== 0) await checkpoint();
    options.onEvent?.({ type: 'done', step: trainer.step, wallSeconds: trainer.wallSeconds });
    return trainer;
  } catch (error) {
    // The caller gets no trainer to dispose when the run fails.
    trainer.dispose();
    throw error;
  }
}

/** What a checkpoint records beside the weights: the settings, and what earlier processes of a resumed run did. */
interface RunRecord {
  config: Record<string, unknown>;
  /** Which data trained which steps: a resumed run may change its data. */
  dataHistory: { fromStep: number; description: string }[];
  gridHistory: { fromStep: number; height: number; width: number }[];
  /** CPU seconds of every earlier process that trained this run (the data worker's included). */
  cpuSecondsBefore: number;
  /** The checkpoint's puzzle names, which a resumed run must keep. */
  puzzleNames?: string[];
}

type TrainerSettings = { architecture: Architecture; recursion: Recursion; seed: number; initial?: TrainerState };

/** A new trainer, a resumed one, or one warm-started from a model's weights. */
async function startTrainer(options: TrainingRunOptions, engine: TrainingEngine): Promise<{ trainer: TrmTrainer; record: RunRecord; resumed: boolean }> {
  const create = trainerFactory(options, engine);
  const record: RunRecord = {
    config: { batchSize: options.batchSize, optimizer: options.optimizer ?? {}, engine, ...(options.depthStages ? { depthStages: options.depthStages } : {}) },
    dataHistory: [],
    gridHistory: [],
    cpuSecondsBefore: 0,
  };
  const resumed = options.resume && existsSync(join(options.outDirectory, 'checkpoint.json'));
  let trainer: TrmTrainer;
  if (resumed) trainer = await resumeTrainer(options, create, record);
  else if (options.from) trainer = await warmStartTrainer(options, options.from, create, record);
  else trainer = await create({ architecture: resizeTo(options.grid, options.architecture), recursion: options.recursion, seed: options.seed });
  return { trainer, record, resumed };
}

function trainerFactory(options: TrainingRunOptions, engine: TrainingEngine): (settings: TrainerSettings) => Promise<TrmTrainer> {
  return async (settings) => {
    const common = { ...settings, batchSize: options.batchSize, optimizer: options.optimizer, judge: options.judge };
    if (engine === 'ort') return OrtTrmTrainer.create({ ...common, threads: options.threads, device: options.device, depthStages: options.depthStages, candidates: options.candidates });
    if (settings.architecture.input === 'candidates') throw new InvalidInputError({ field: 'engine', message: 'candidate models train on onnxruntime only (--engine ort)', value: engine });
    if (options.depthStages?.length) throw new Error('depth stages need the onnxruntime engine');
    // Loaded on demand, so that training on onnxruntime never loads tfjs.
    const { TfjsTrmTrainer } = await import('./train-trm');
    return new TfjsTrmTrainer(common);
  };
}

/** The architecture at the run's grid size (conv models only: no weight depends on the size). */
function resizeTo(grid: TrainingRunOptions['grid'], architecture: Architecture): Architecture {
  if (!grid) return architecture;
  if (!runsAnyGridSize(architecture)) {
    const own = architecture.grid;
    if (own?.height === grid.height && own.width === grid.width) return architecture;
    throw new InvalidInputError({ field: 'grid', message: `only conv models train at several grid sizes; this one is ${architecture.mixer}`, value: grid });
  }
  return withGrid(architecture, grid);
}

async function resumeTrainer(options: TrainingRunOptions, create: (settings: TrainerSettings) => Promise<TrmTrainer>, record: RunRecord): Promise<TrmTrainer> {
  const { header, groups } = await loadCheckpoint(options.outDirectory);
  checkResumedArchitecture(options, header.architecture);
  record.dataHistory = (header.config.dataHistory as RunRecord['dataHistory'] | undefined) ?? [];
  record.gridHistory = (header.config.gridHistory as RunRecord['gridHistory'] | undefined) ?? [];
  record.cpuSecondsBefore = (header.config.cpuSeconds as number | undefined) ?? 0;
  record.puzzleNames = header.config.puzzleNames as string[] | undefined;
  if (header.config.from) record.config.from = header.config.from;
  return create({
    architecture: resizeTo(options.grid, header.architecture),
    recursion: header.recursion,
    seed: header.seed + header.step,
    initial: {
      step: header.step,
      examples: header.examples,
      wallSeconds: header.wallSeconds,
      parameters: groups.parameters,
      ema: groups.ema,
      firstMoment: groups.firstMoment,
      secondMoment: groups.secondMoment,
    },
  });
}

/**
 * A resumed run trains the checkpoint's network: one asked for with other settings (another
 * hidden size, another task's vocabulary) is refused, not silently swapped. The grid may differ
 * (a size curriculum resizes conv models); puzzle identifiers are checked against the data later.
 */
function checkResumedArchitecture(options: TrainingRunOptions, saved: Architecture) {
  const asked = resizeTo(options.grid, options.architecture);
  const resumed = resizeTo(options.grid, saved);
  const keys = new Set([...Object.keys(asked), ...Object.keys(resumed)] as (keyof Architecture)[]);
  for (const key of keys) {
    if (key === 'puzzleIdentifiers') continue;
    if (JSON.stringify(asked[key]) !== JSON.stringify(resumed[key])) {
      throw new InvalidInputError({
        field: `architecture.${key}`,
        message: `the checkpoint in ${options.outDirectory} has ${key} ${JSON.stringify(resumed[key])}, this run asks for ${JSON.stringify(asked[key])}: resume with the run's own settings, or train into another folder`,
        value: asked[key],
      });
    }
  }
}

/** A trainer that starts from a model's weights, with fresh optimizer state. */
async function warmStartTrainer(options: TrainingRunOptions, from: NonNullable<TrainingRunOptions['from']>, create: (settings: TrainerSettings) => Promise<TrmTrainer>, record: RunRecord): Promise<TrmTrainer> {
  const architecture = resizeTo(options.grid, options.architecture);
  const { parameters } = from;
  for (const spec of trmParameterSpecs(architecture)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (parameters.get(spec.name)?.length !== size) throw new InvalidInputError({ field: 'from', message: `parameter ${spec.name}: the model's weights do not fit this architecture (${parameters.get(spec.name)?.length ?? 'missing'} values, expected ${size})`, value: spec.name });
  }
  const trainable = trmParameterSpecs(architecture).filter((spec) => spec.trainable).map((spec) => spec.name);
  const copy = (names: string[]) => new Map(names.map((name) => [name, parameters.get(name)!.slice()]));
  const zeros = () => new Map(trainable.map((name) => [name, new Float32Array(parameters.get(name)!.length)]));
  const trainer = await create({
    architecture,
    recursion: options.recursion,
    seed: options.seed,
    initial: { step: 0, examples: 0, wallSeconds: 0, parameters: copy(trmParameterSpecs(architecture).map((spec) => spec.name)), ema: copy(trainable), firstMoment: zeros(), secondMoment: zeros() },
  });
  record.config.from = from.model;
  return trainer;
}

/** Records the data and grid this process trains on; the puzzle names must be the checkpoint's and fit the embedding table. */
function recordDataAndGrid(data: TrainingDataSource, trainer: TrmTrainer, record: RunRecord) {
  const { config, dataHistory, gridHistory } = record;
  if (dataHistory.at(-1)?.description !== data.description) dataHistory.push({ fromStep: trainer.step, description: data.description });
  const puzzleNames = data.puzzleNames;
  if (puzzleNames) {
    // The identifiers are the embedding table's rows: a resumed run must keep every one of them.
    const before = record.puzzleNames;
    if (before && before.some((name, index) => puzzleNames[index] !== name)) {
      throw new InvalidInputError({ field: 'data.puzzleNames', message: `the checkpoint's puzzles differ from this data's (first: ${before.find((name, index) => puzzleNames[index] !== name)}); train the same puzzles in the same order`, value: puzzleNames.length });
    }
    if (puzzleNames.length + 1 !== trainer.architecture.puzzleIdentifiers) {
      throw new InvalidInputError({ field: 'architecture.puzzleIdentifiers', message: `the data names ${puzzleNames.length} puzzles, so the model needs ${puzzleNames.length + 1} identifiers (0 = unseen), not ${trainer.architecture.puzzleIdentifiers}`, value: trainer.architecture.puzzleIdentifiers });
    }
    config.puzzleNames = [...puzzleNames];
  }
  config.dataHistory = dataHistory;
  const grid = trainer.architecture.grid;
  const lastGrid = gridHistory.at(-1);
  if (grid && (lastGrid?.height !== grid.height || lastGrid.width !== grid.width)) gridHistory.push({ fromStep: trainer.step, ...grid });
  if (gridHistory.length > 0) config.gridHistory = gridHistory;
}

/** CPU seconds of the whole run: earlier processes' plus this one's since now. */
function cpuClock(before: number): () => number {
  const start = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(start);
    return before + (used.user + used.system) / 1e6;
  };
}

async function writeCheckpoint(options: TrainingRunOptions, trainer: TrmTrainer, config: Record<string, unknown>, cpuSeconds: () => number) {
  const state = trainer.state();
  config.cpuSeconds = Number(cpuSeconds().toFixed(2));
  await saveCheckpoint(
    options.outDirectory,
    {
      architecture: trainer.architecture,
      recursion: trainer.recursion,
      step: state.step,
      examples: state.examples,
      wallSeconds: state.wallSeconds,
      seed: options.seed,
      config,
    },
    { parameters: state.parameters, ema: state.ema, firstMoment: state.firstMoment, secondMoment: state.secondMoment },
  );
  options.onEvent?.({ type: 'checkpoint', step: state.step, directory: options.outDirectory });
  await options.onCheckpoint?.(trainer);
}

/** Optimizer steps until the step count, the time bound or the signal; each appends its metrics and checkpoints on schedule. */
async function trainSteps(options: TrainingRunOptions, trainer: TrmTrainer, checkpoint: () => Promise<void>, cpuSeconds: () => number) {
  // Time the trainer spends making or awaiting examples, so a slow data source shows in the metrics.
  let dataSeconds = 0;
  const timedData = {
    description: options.data.description,
    next() {
      const started = performance.now();
      const example = options.data.next();
      dataSeconds += (performance.now() - started) / 1000;
      return example;
    },
  };
  const started = performance.now();
  const metricsFile = join(options.outDirectory, 'metrics.jsonl');
  while (trainer.step < options.steps) {
    if (options.signal?.aborted) break;
    if (options.maxSeconds !== undefined && (performance.now() - started) / 1000 > options.maxSeconds) break;
    // At most every slot refills; a worker-backed source has them ready unless it fell behind.
    const waitStarted = performance.now();
    await options.data.ready?.(options.batchSize);
    dataSeconds = (performance.now() - waitStarted) / 1000;
    const metrics = { ...(await trainer.trainStep(timedData)), dataWaitSeconds: dataSeconds, cpuSeconds: cpuSeconds() };
    await appendMetrics(metricsFile, `${JSON.stringify({ time: new Date().toISOString(), ...metrics })}\n`);
    // Once the loss is NaN or infinite every later step is too, and so are the weights: stop before they are saved.
    if (!Number.isFinite(metrics.loss)) {
      throw new TrainingDivergedError({ step: metrics.step, field: 'loss', message: `the loss is ${metrics.loss} (learning rate ${metrics.learningRate}); nothing from this step is saved (lower the learning rate)` });
    }
    options.onEvent?.({ type: 'step', metrics });
    if (trainer.step % options.checkpointEvery === 0) await checkpoint();
  }
}

/** One line of metrics.jsonl; a disk that refuses it is the output folder's error, typed. */
async function appendMetrics(file: string, line: string) {
  try {
    await appendFile(file, line);
  } catch (error) {
    throw new InvalidInputError({ field: 'outDirectory', message: `cannot write ${file}: ${(error as Error).message}`, value: file, cause: error });
  }
}
