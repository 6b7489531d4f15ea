import { execSync } from 'node:child_process';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, type Recursion, type TaskV1, createSolver, parseDevice, parseModelManifest, readsCandidates, runsAnyGridSize, tokenCorrectness, withGrid } from '@trm/core';
import { createNodeRuntime, maxThreads } from '@trm/runtime-node';
import {
  type Mixer,
  type TfjsBackendName,
  type DepthStage,
  type TrainingDataSource,
  type TrainingEngine,
  type TrainingEvent,
  type TrainingRunOptions,
  type TrmTrainer,
  checkTask,
  createWorkerTrainingData,
  exportModel,
  initializeTfjsBackend,
  mixers,
  parameterCount,
  parametersFromModel,
  progressiveDepthStages,
  runTraining,
  taskArchitecture,
  taskRecursion,
  type CandidateRules,
} from '@trm/trainer';
import { modelBytes } from '../model-bytes';
import { numberOption, parseCommandArguments } from '../arguments';
import type { CliIo } from '../cli-io';
import { type LoadedTask, builtInTasks, loadSpecialist, loadTask, taskArgument, taskFlags, taskOptionValues, withoutTaskArgument } from '../tasks';

export const trainUsage = `trm train <task> [--steps N] [--out DIR] [--batch-size 64] [--hidden N (task default)] [--mixer mlp|attention|conv|relations (task default)]
                [--input tokens|candidates (candidates: the network reads the task's candidate sets and learns which to keep; tasks with a domain)]
                (<task>: ${Object.keys(builtInTasks).join(', ')}, a task module file, or an installed task package; or --task <task>)
                [--rope 1d|2d (attention: rotary positions along the sequence, or along a grid task's rows and columns)]
                [--kernel 3] [--dilation 1] [--size S (grid tasks with several sizes: the side)]
                [--sizes 10,14,20,30 --advance-at 0.8 (conv: a grid-size curriculum; the next size starts once held-out accuracy reaches the bar)]
                [--advance-after 5 (... or once it has not improved for this many evaluations: a plateau)]
                [--eval-count 64] [--eval-every 100 (steps between held-out evaluations, written to metrics.jsonl)]
                [--cycles T] [--latent-steps n] [--lr 1e-3] [--weight-decay 0.1] [--warmup 200] [--seed 1]
                [--checkpoint-every 50] [--max-minutes M] [--resume]
                [--from MODEL (a manifest.json, or "default" for the task's shipped model: train on from its weights)]
                [--engine ort|tfjs] [--threads N] [--device auto|cpu|gpu (default auto: CUDA where it works, else CPU)] [--backend wasm|tensorflow|cpu (tfjs only)]
                [--inline-data (make examples on the training thread instead of a worker)]
                [--depth-curriculum (ort: shallower recursion for the first 60% of steps, CGAR)]
                plus the task's own options (\`trm train <task> --help\` lists them)`;

const trainFlags = {
  steps: { type: 'string' },
  out: { type: 'string' },
  'batch-size': { type: 'string' },
  hidden: { type: 'string' },
  mixer: { type: 'string' },
  input: { type: 'string' },
  rope: { type: 'string' },
  cycles: { type: 'string' },
  'latent-steps': { type: 'string' },
  lr: { type: 'string' },
  'weight-decay': { type: 'string' },
  warmup: { type: 'string' },
  seed: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'max-minutes': { type: 'string' },
  resume: { type: 'boolean' },
  from: { type: 'string' },
  backend: { type: 'string' },
  engine: { type: 'string' },
  threads: { type: 'string' },
  device: { type: 'string' },
  'depth-curriculum': { type: 'boolean' },
  'inline-data': { type: 'boolean' },
  kernel: { type: 'string' },
  dilation: { type: 'string' },
  size: { type: 'string' },
  sizes: { type: 'string' },
  'advance-at': { type: 'string' },
  'eval-count': { type: 'string' },
  'eval-every': { type: 'string' },
  'advance-after': { type: 'string' },
} as const;

type TrainValues = ReturnType<typeof parseTrainArguments>;
type TaskTraining = NonNullable<TaskV1<any, any>['training']>;

/** Everything a run needs, read from the flags and the task once, before training starts. */
interface TrainPlan {
  readonly loaded: LoadedTask;
  readonly task: TaskV1<any, any>;
  readonly training: TaskTraining;
  readonly values: TrainValues;
  readonly taskOptions: Record<string, unknown>;
  readonly grid: GridPlan;
  readonly schedule: Schedule;
  readonly model: Awaited<ReturnType<typeof planModel>>;
  readonly engine: EnginePlan;
  /** The command as run, and the code that trains: the commit at start (later commits during a long run do not count). */
  readonly command: string;
  readonly commit: string;
  readonly startedAt: number;
}

export async function trainCommand(argv: string[], io: CliIo) {
  const spec = taskArgument(argv);
  const loaded = await loadTask(spec);
  const { task } = loaded;
  const training = task.training;
  if (!training) throw new InvalidInputError({ field: 'task', message: `task "${task.name}" declares no training data (task.training)`, value: spec });
  const values = parseTrainArguments(argv, spec!, training);
  const taskOptions = taskOptionValues(training.options, values);
  const grid = planGrid(task, values);
  candidateInput(task, values); // a flag the task cannot take is refused before its data is made
  const schedule = planSchedule(task, values);
  const model = await planModel(task, training, values, taskOptions, grid, schedule.seed);
  // A task whose parts disagree (encode length, decode, verify) fails here, naming the part, not at solve time.
  checkTask(task, { architecture: model.architecture, data: model.checkData });
  const engine = await planEngine(values, model.recursion, schedule.steps);
  await makeOutputFolder(schedule.outDirectory);
  io.stderr(`training ${task.name}: ${parameterCount(model.architecture)} parameters, engine ${engine.engineName}, output ${schedule.outDirectory}`);
  const plan: TrainPlan = { loaded, task, training, values, taskOptions, grid, schedule, model, engine, command: `pnpm trm train ${argv.join(' ')}`, startedAt: Date.now(), commit: currentCommit() };
  await trainStages(plan, io);
  io.stderr(`done in ${((Date.now() - plan.startedAt) / 1000).toFixed(0)} s`);
}

function parseTrainArguments(argv: string[], spec: string, training: TaskTraining) {
  return parseCommandArguments(withoutTaskArgument(argv, spec), { ...trainFlags, ...taskFlags(training.options) }).values;
}

interface GridPlan {
  readonly mixer: Mixer;
  /** --sizes: a grid-size curriculum (conv), one stage per side. */
  readonly sides?: number[];
  /** --size: the one side to train at. */
  readonly side?: number;
  /** The sides the task takes (grid tasks with several sizes). */
  readonly accepted?: { readonly min: number; readonly max: number };
}

/** The mixer and grid sizes asked for, checked against what the task takes. */
function planGrid(task: TaskV1<any, any>, values: TrainValues): GridPlan {
  const mixer = (values.mixer ?? task.defaults.architecture.mixer ?? 'mlp') as Mixer;
  if (!mixers.includes(mixer)) throw new InvalidInputError({ field: '--mixer', message: `expected ${mixers.join(', ')}`, value: mixer });
  if (mixer === 'relations' && !task.domain?.relations) throw new InvalidInputError({ field: '--mixer', message: `the relations mixer needs a task whose domain declares relations; ${task.name} has none`, value: mixer });
  if (mixer === 'conv' && !task.codec.grid) throw new InvalidInputError({ field: '--mixer', message: `the conv mixer needs a grid task; ${task.name} has no codec.grid`, value: mixer });
  const sides = values.sizes === undefined ? undefined : parseSides(values.sizes);
  if (sides && mixer !== 'conv') throw new InvalidInputError({ field: '--sizes', message: 'a grid-size curriculum needs --mixer conv (its weights run at any size)', value: values.sizes });
  const accepted = task.codec.sides;
  const checkSide = (side: number, field: string) => {
    if (!accepted) throw new InvalidInputError({ field, message: `task ${task.name} has one size (codec.sides is not declared)`, value: side });
    if (side < accepted.min || side > accepted.max) throw new InvalidInputError({ field, message: `task ${task.name} takes sides from ${accepted.min} to ${accepted.max}`, value: side });
  };
  for (const side of sides ?? []) checkSide(side, '--sizes');
  const side = values.size === undefined ? undefined : numberOption(values, 'size', 30, { integer: true, min: 2, max: 256 });
  if (side !== undefined) checkSide(side, '--size');
  return { mixer, sides, side, accepted };
}

/** --rope: '2d' needs attention on a grid task; leaving it out keeps 1-D positions. */
function ropeOption(task: TaskV1<any, any>, mixer: Mixer, value: string | undefined): '1d' | '2d' | undefined {
  if (value === undefined || value === '1d') return undefined;
  if (value !== '2d') throw new InvalidInputError({ field: '--rope', message: 'expected 1d or 2d', value });
  if (mixer !== 'attention') throw new InvalidInputError({ field: '--rope', message: `rotary positions belong to the attention mixer: add --mixer attention (this run uses ${mixer})`, value });
  if (!task.codec.grid) throw new InvalidInputError({ field: '--rope', message: `2d positions need a grid task; ${task.name} has no codec.grid`, value });
  return '2d';
}

interface Schedule {
  readonly seed: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly optimizer: { learningRate: number; weightDecay: number; warmupSteps: number };
  readonly outDirectory: string;
  readonly checkpointEvery: number;
  readonly maxMinutes?: number;
  /** Held-out evaluation: how many inputs, how often; and when a size curriculum moves on. */
  readonly evalCount: number;
  readonly evalEvery?: number;
  readonly advanceAt: number;
  readonly advanceAfter: number;
}

/** Steps, optimizer, checkpoints and held-out evaluations, from the flags. */
function planSchedule(task: TaskV1<any, any>, values: TrainValues): Schedule {
  return {
    seed: numberOption(values, 'seed', 1, { integer: true }),
    steps: numberOption(values, 'steps', 2000, { integer: true, min: 1 }),
    batchSize: numberOption(values, 'batch-size', 64, { integer: true, min: 1 }),
    optimizer: {
      learningRate: numberOption(values, 'lr', 1e-3, { min: 0 }),
      weightDecay: numberOption(values, 'weight-decay', 0.1, { min: 0 }),
      warmupSteps: numberOption(values, 'warmup', 200, { integer: true, min: 0 }),
    },
    outDirectory: values.out ?? `runs/${task.name}`,
    checkpointEvery: numberOption(values, 'checkpoint-every', 50, { integer: true, min: 1 }),
    maxMinutes: values['max-minutes'] === undefined ? undefined : numberOption(values, 'max-minutes', 0, { min: 0 }),
    evalCount: numberOption(values, 'eval-count', 64, { integer: true, min: 1, max: 10_000 }),
    evalEvery: values['eval-every'] === undefined ? undefined : numberOption(values, 'eval-every', 100, { integer: true, min: 1 }),
    advanceAt: numberOption(values, 'advance-at', 0.8, { min: 0, max: 1 }),
    advanceAfter: numberOption(values, 'advance-after', 5, { integer: true, min: 1 }),
  };
}

/** --input: candidates needs a task with a domain and a way back from tokens to its input. */
function candidateInput(task: TaskV1<any, any>, values: TrainValues): 'tokens' | 'candidates' | undefined {
  const input = values.input;
  if (input === undefined || input === 'tokens') return undefined;
  if (input !== 'candidates') throw new InvalidInputError({ field: '--input', message: 'expected tokens or candidates', value: input });
  if (!task.domain || !task.codec.inputFromTokens) throw new InvalidInputError({ field: '--input', message: `candidate models need a task with a domain and inputFromTokens; ${task.name} lacks ${task.domain ? 'codec.inputFromTokens' : 'a domain'}`, value: input });
  return 'candidates';
}

/** The task's rules in token space, for the state pool of a candidate model. */
function candidateRules(task: TaskV1<any, any>): CandidateRules {
  const domain = task.domain!;
  const input = (tokens: Int32Array) => task.codec.inputFromTokens!(tokens);
  const rules: CandidateRules = { candidates: (tokens) => domain.candidates(input(tokens)), narrow: (tokens, mask) => domain.narrow(input(tokens), mask) };
  // A task with several valid answers trains on the union of those a state still allows; one
  // with a single answer on its label (the same target, without a search per state).
  if (tokenCorrectness(task) && domain.target) rules.target = (tokens, mask) => domain.target!(input(tokens), mask);
  return rules;
}

/** The network to train: the task's (or --from's) architecture and recursion, and the data that names its puzzles. */
async function planModel(task: TaskV1<any, any>, training: TaskTraining, values: TrainValues, taskOptions: Record<string, unknown>, grid: GridPlan, seed: number) {
  const { sides, side, accepted } = grid;
  // Made once here, so a bad task option fails before any training starts; it also names the puzzles.
  const firstSide = accepted ? (sides?.[0] ?? side ?? task.codec.grid?.height) : undefined;
  const checkData = training.data({ seed, ...taskOptions, ...(firstSide !== undefined ? { side: firstSide } : {}) });
  // --from: the shipped or given model's architecture and weights, its embeddings matched to this data's puzzles by name.
  const from = values.from === undefined ? undefined : await warmStart(task, values.from, checkData.puzzleNames, sides?.[0] ?? side, values);
  // --from fixes the network: --input may only restate what it reads (and a candidate model needs the task's domain).
  if (from) {
    const reads = from.architecture.input === 'candidates' ? 'candidates' : 'tokens';
    const asked = values.input === undefined ? reads : (candidateInput(task, values) ?? 'tokens');
    if (asked !== reads) throw new InvalidInputError({ field: '--input', message: `the model given with --from reads ${reads}; leave --input out or give ${reads}`, value: values.input });
    if (reads === 'candidates') candidateInput(task, { ...values, input: 'candidates' });
  }
  const architecture = from?.architecture ?? taskArchitecture(task, {
    ...(checkData.puzzleNames ? { puzzleIdentifiers: checkData.puzzleNames.length + 1 } : {}),
    ...(values.hidden === undefined ? {} : { hiddenSize: numberOption(values, 'hidden', 128, { integer: true, min: 8 }) }),
    mixer: grid.mixer,
    kernelSize: values.kernel === undefined ? undefined : oddKernel(values.kernel),
    dilation: values.dilation === undefined ? undefined : numberOption(values, 'dilation', 1, { integer: true, min: 1, max: 8 }),
    side: sides?.[0] ?? side,
    input: candidateInput(task, values),
    rope: ropeOption(task, grid.mixer, values.rope),
  });
  const cycles = values.cycles === undefined ? undefined : numberOption(values, 'cycles', 2, { integer: true, min: 1, max: 64 });
  const latentSteps = values['latent-steps'] === undefined ? undefined : numberOption(values, 'latent-steps', 2, { integer: true, min: 1, max: 64 });
  // The weights do not depend on the recursion depth: a model trained on may recurse deeper.
  const recursion = from
    ? { ...from.recursion, ...(cycles !== undefined ? { cycles } : {}), ...(latentSteps !== undefined ? { latentSteps } : {}) }
    : taskRecursion(task, { cycles, latentSteps });
  return { architecture, recursion, from, checkData };
}

interface EnginePlan {
  readonly engine: TrainingEngine;
  readonly device: TrainingRunOptions['device'];
  readonly threads?: number;
  /** For the manifest's training record, e.g. onnxruntime-node-cpu. */
  readonly engineName: string;
  readonly depthStages?: DepthStage[];
}

/** The engine that trains (onnxruntime or tfjs), where, and its recursion-depth curriculum. */
async function planEngine(values: TrainValues, recursion: Recursion, steps: number): Promise<EnginePlan> {
  const backendName = values.backend as TfjsBackendName | undefined;
  if (backendName && !['wasm', 'tensorflow', 'cpu'].includes(backendName)) {
    throw new InvalidInputError({ field: '--backend', message: 'expected wasm, tensorflow or cpu', value: backendName });
  }
  const engine = values.engine ?? 'ort';
  if (engine !== 'ort' && engine !== 'tfjs') throw new InvalidInputError({ field: '--engine', message: 'expected ort or tfjs', value: engine });
  // The shared device words and default ('auto': CUDA where it works, else the CPU); another word is an UnsupportedDeviceError.
  const device = parseDevice(values.device, 'node');
  const threads = values.threads === undefined ? undefined : numberOption(values, 'threads', 1, { integer: true, min: 1, max: maxThreads });
  const engineName = engine === 'ort' ? `onnxruntime-node-${device}` : `tfjs-${await initializeTfjsBackend(backendName)}`;
  if (values['depth-curriculum'] && engine !== 'ort') throw new InvalidInputError({ field: '--depth-curriculum', message: 'needs --engine ort' });
  const depthStages = values['depth-curriculum'] ? progressiveDepthStages(recursion, steps) : undefined;
  return { engine, device, threads, engineName, depthStages };
}

/** The run's folder, made before any training starts, so a path that cannot be one fails naming --out. */
async function makeOutputFolder(directory: string) {
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new InvalidInputError({ field: '--out', message: `cannot make the folder: ${(error as Error).message}`, value: directory, cause: error });
  }
}

/** One stage at the architecture's own size, or with --sizes one resumed run per size, each run by runTraining. */
async function trainStages(plan: TrainPlan, io: CliIo) {
  const { grid, schedule } = plan;
  const stages: (number | undefined)[] = grid.sides ?? [undefined];
  const onEvent = progressPrinter(schedule.steps, io);
  for (let stage = await firstStage(plan); stage < stages.length; stage++) {
    const data = await makeData(plan, stages[stage]);
    let trainer: TrmTrainer;
    // Whatever fails from here (a checkpoint, a diverged loss, the disk), the data worker is ended, so the command exits.
    try {
      trainer = await trainStage(plan, stage, data, onEvent, io);
    } finally {
      await (data as { close?: () => Promise<void> }).close?.();
    }
    const reached = trainer.step;
    trainer.dispose();
    if (reached >= schedule.steps || (schedule.maxMinutes !== undefined && Date.now() - plan.startedAt >= schedule.maxMinutes * 60_000)) break;
  }
}

/** One stage of the run (the whole run without --sizes): its held-out inputs, then runTraining. */
async function trainStage(plan: TrainPlan, stage: number, data: TrainingDataSource, onEvent: (event: TrainingEvent) => void, io: CliIo): Promise<TrmTrainer> {
  const { grid, schedule } = plan;
  const stages: (number | undefined)[] = grid.sides ?? [undefined];
  const stageSide = stages[stage];
  const last = stage === stages.length - 1;
  const heldOutSide = grid.accepted ? (stageSide ?? plan.model.architecture.grid?.height) : undefined;
  const heldOut = plan.training.heldOut && (grid.sides || schedule.evalEvery) ? plan.training.heldOut({ count: schedule.evalCount, seed: 900_001, ...plan.taskOptions, ...(heldOutSide !== undefined ? { side: heldOutSide } : {}) }) : undefined;
  const stop = new AbortController();
  if (stageSide !== undefined) io.stderr(`grid stage ${stage + 1}/${stages.length}: ${stageSide}x${stageSide}${last ? '' : `, until held-out accuracy >= ${schedule.advanceAt}`}`);
  return await runTraining({
    architecture: plan.model.architecture,
    recursion: plan.model.recursion,
    data,
    grid: stageSide !== undefined ? { height: stageSide, width: stageSide } : undefined,
    signal: stop.signal,
    batchSize: schedule.batchSize,
    steps: schedule.steps,
    // --max-minutes bounds the whole command, every stage together.
    maxSeconds: schedule.maxMinutes === undefined ? undefined : Math.max(0, schedule.maxMinutes * 60 - (Date.now() - plan.startedAt) / 1000),
    seed: schedule.seed,
    optimizer: schedule.optimizer,
    outDirectory: schedule.outDirectory,
    checkpointEvery: schedule.checkpointEvery,
    resume: (plan.values.resume ?? false) || stage > 0,
    engine: plan.engine.engine,
    threads: plan.engine.threads,
    device: plan.engine.device,
    depthStages: plan.engine.depthStages,
    judge: tokenCorrectness(plan.task),
    ...(readsCandidates(plan.model.architecture) ? { candidates: { rules: candidateRules(plan.task) } } : {}),
    ...(plan.model.from ? { from: { parameters: plan.model.from.parameters, model: plan.model.from.model } } : {}),
    onEvent,
    onCheckpoint: checkpointHandler(plan, { data, heldOut, last, stop }, io),
  });
}

/** The stage to start at: the first, or for a resumed curriculum the size it trained at last (or the next larger one listed). */
async function firstStage(plan: TrainPlan): Promise<number> {
  const sides = plan.grid.sides;
  if (!sides || !plan.values.resume) return 0;
  const trainedAt = await checkpointGrid(plan.schedule.outDirectory);
  const next = trainedAt === undefined ? 0 : sides.findIndex((side) => side >= trainedAt);
  return next < 0 ? sides.length - 1 : next;
}

/**
 * A stage's training data. A resumed run draws from a seed of its resume step, so it does not
 * replay the same puzzles; by default examples are made on a worker thread, ahead of need, so the
 * trainer does not wait.
 */
async function makeData(plan: TrainPlan, stageSide: number | undefined): Promise<TrainingDataSource> {
  const resumeStep = await checkpointStep(plan.schedule.outDirectory);
  const gridSide = plan.grid.accepted ? (stageSide ?? plan.model.architecture.grid?.height) : undefined;
  const options = { seed: plan.schedule.seed + 1_000_003 * resumeStep, ...plan.taskOptions, ...(gridSide !== undefined ? { side: gridSide } : {}) };
  return plan.values['inline-data']
    ? plan.training.data(options)
    : await createWorkerTrainingData({ module: plan.loaded.module, exportName: plan.loaded.exportName, member: ['training', 'data'], options });
}

/** Prints a progress line at most every 2 s (and at the last step), with exact accuracy of the slots halted since the last line. */
function progressPrinter(steps: number, io: CliIo): (event: TrainingEvent) => void {
  let lastPrint = 0;
  let exactSum = 0;
  let haltedSum = 0;
  return (event) => {
    if (event.type === 'step') {
      const m = event.metrics;
      if (m.haltedExactAccuracy !== null) {
        exactSum += m.haltedExactAccuracy * m.halted;
        haltedSum += m.halted;
      }
      const now = Date.now();
      if (now - lastPrint > 2000 || m.step === steps) {
        lastPrint = now;
        const fraction = m.step / steps;
        const bar = '#'.repeat(Math.round(fraction * 20)).padEnd(20, '.');
        const exact = haltedSum > 0 ? ((100 * exactSum) / haltedSum).toFixed(1) : '-';
        io.stderr(
          `[${bar}] step ${m.step}/${steps} loss ${m.loss.toFixed(4)} train cell-acc ${(100 * m.tokenAccuracy).toFixed(1)}% train exact@halt ${exact}% ` +
            `${m.samplesPerSecond.toFixed(1)} samples/s ${m.examples} examples, waited ${((m.dataWaitSeconds ?? 0) * 1000).toFixed(0)} ms for data`,
        );
        exactSum = 0;
        haltedSum = 0;
      }
    } else if (event.type === 'checkpoint') {
      io.stderr(`checkpoint at step ${event.step} in ${event.directory}`);
    } else if (event.type === 'start' && event.resumed) {
      io.stderr(`resumed at step ${event.step}`);
    }
  };
}

interface StageRun {
  readonly data: TrainingDataSource;
  readonly heldOut?: unknown[];
  readonly last: boolean;
  /** Aborted when the size curriculum moves on to the next stage. */
  readonly stop: AbortController;
}

/**
 * After every checkpoint: export a runnable model (so it can be evaluated while training goes on);
 * every --eval-every steps, evaluate it on held-out inputs, record that, and end a curriculum
 * stage that reached --advance-at or stopped improving.
 */
function checkpointHandler(plan: TrainPlan, stage: StageRun, io: CliIo): (trainer: TrmTrainer) => Promise<void> {
  const { schedule } = plan;
  let lastEvaluated = -1;
  let best = -1;
  let sinceBest = 0;
  return async (trainer) => {
    const exported = await exportCheckpoint(plan, stage.data, trainer);
    if (!stage.heldOut || (lastEvaluated >= 0 && trainer.step - lastEvaluated < (schedule.evalEvery ?? schedule.checkpointEvery))) return;
    lastEvaluated = trainer.step;
    const result = await evaluateHeldOut(plan.task, exported.manifestPath, stage.heldOut, plan.engine.threads);
    const grid = trainer.architecture.grid;
    const size = grid ? `${grid.height}x${grid.width}` : undefined;
    const line = `${JSON.stringify({ type: 'eval', time: new Date().toISOString(), step: trainer.step, cpuSeconds: await runCpuSeconds(schedule.outDirectory), ...(size ? { grid: size } : {}), ...result })}\n`;
    await appendFile(join(schedule.outDirectory, 'metrics.jsonl'), line).catch((error: Error) => {
      throw new InvalidInputError({ field: '--out', message: `cannot write metrics.jsonl: ${error.message}`, value: schedule.outDirectory, cause: error });
    });
    io.stderr(`held-out${size ? ` ${size}` : ''}: ${(100 * result.accuracy).toFixed(1)}% right of ${result.count}, halted ${(100 * result.haltedShare).toFixed(0)}%, mean steps ${result.meanSteps.toFixed(1)}`);
    if (result.accuracy > best) {
      best = result.accuracy;
      sinceBest = 0;
    } else sinceBest++;
    if (!stage.last && (result.accuracy >= schedule.advanceAt || sinceBest >= schedule.advanceAfter)) {
      io.stderr(result.accuracy >= schedule.advanceAt ? `reached ${schedule.advanceAt}: next size` : `no better than ${(100 * best).toFixed(1)}% for ${sinceBest} evaluations: next size`);
      stage.stop.abort();
    }
  };
}

/** The checkpoint as a model (EMA weights and a manifest with the training record) in the output directory. */
function exportCheckpoint(plan: TrainPlan, data: TrainingDataSource, trainer: TrmTrainer) {
  return exportModel({
    checkpointDirectory: plan.schedule.outDirectory,
    task: plan.task.name,
    vocabulary: plan.task.codec.vocabulary,
    ...(plan.task.defaults.search ? { search: plan.task.defaults.search } : {}),
    training: {
      // What ran: 'auto' resolved by the onnxruntime trainer to cpu or gpu.
      engine: trainer.device ? `onnxruntime-node-${trainer.device}` : plan.engine.engineName,
      data: data.description,
      command: plan.command,
      commit: plan.commit,
      hyperparameters: {
        batchSize: trainer.batchSize,
        learningRate: trainer.optimizer.learningRate,
        weightDecay: trainer.optimizer.weightDecay,
        warmupSteps: trainer.optimizer.warmupSteps,
        emaDecay: trainer.optimizer.emaDecay,
        gradientClip: trainer.optimizer.gradientClip,
      },
    },
  });
}

/** A trained model to start from: its architecture (grid and puzzle table from this run) and weights. */
async function warmStart(task: TaskV1<any, any>, source: string, puzzleNames: readonly string[] | undefined, side: number | undefined, values: Record<string, unknown>) {
  for (const flag of ['hidden', 'mixer', 'kernel', 'dilation', 'rope'] as const) {
    if (values[flag] !== undefined) throw new InvalidInputError({ field: `--${flag}`, message: `--from ${source} fixes the architecture: leave --${flag} out`, value: values[flag] });
  }
  const specialist = await loadSpecialist(task, source === 'default' ? undefined : source, '--from');
  const manifest = parseModelManifest(specialist.model.manifest);
  if (manifest.task !== task.name) throw new InvalidInputError({ field: '--from', message: `the model is for task ${manifest.task}, not ${task.name}`, value: source });
  const weights = await modelBytes(specialist.model);
  let architecture = manifest.architecture;
  if (puzzleNames) architecture = { ...architecture, puzzleIdentifiers: puzzleNames.length + 1 };
  else if (manifest.puzzles) throw new InvalidInputError({ field: '--from', message: `the model has one embedding per puzzle (${manifest.puzzles.names.length}), but this data names none`, value: source });
  if (side !== undefined && (architecture.grid?.height !== side || architecture.grid.width !== side)) {
    if (!runsAnyGridSize(architecture)) throw new InvalidInputError({ field: '--size', message: `the ${architecture.mixer} model runs its own ${architecture.grid?.height}x${architecture.grid?.width} only`, value: side });
    architecture = withGrid(architecture, { height: side, width: side });
  }
  const parameters = parametersFromModel({ manifest, weights, architecture, ...(puzzleNames ? { puzzleNames } : {}) });
  const sha256 = manifest.weights[0]!.sha256;
  return { architecture, recursion: manifest.recursion, parameters, model: { id: manifest.id, sha256, steps: manifest.training.steps, examples: manifest.training.examples, ...(manifest.training.cpuSeconds !== undefined ? { cpuSeconds: manifest.training.cpuSeconds } : {}) } };
}

/** Comma-separated grid sides, each 4 to 64, increasing. */
function parseSides(text: string): number[] {
  const sides = text.split(',').map(Number);
  if (sides.some((side) => !Number.isInteger(side) || side < 4 || side > 64) || sides.some((side, index) => index > 0 && side <= sides[index - 1]!)) {
    throw new InvalidInputError({ field: '--sizes', message: 'expected increasing grid sides from 4 to 64, e.g. 10,14,20,30', value: text });
  }
  return sides;
}

function oddKernel(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 9 || value % 2 === 0) throw new InvalidInputError({ field: '--kernel', message: 'expected an odd kernel side from 1 to 9', value: text });
  return value;
}

/**
 * Right answers (the task's correctness, checked by its rules) on held-out inputs with the model
 * just exported: a token model's network alone (adaptive halting, 16 steps; no search, even where
 * the task searches by default, so the curve measures what training buys), a candidate model's search.
 */
async function evaluateHeldOut(task: TaskV1<any, any>, manifestPath: string, inputs: readonly unknown[], threads: number | undefined) {
  const specialist = await loadSpecialist(task, manifestPath);
  const solver = await createSolver({ specialist, runtime: createNodeRuntime({ device: 'cpu', ...(threads ? { threads } : {}) }) });
  try {
    const alone = readsCandidates(specialist.model.manifest.architecture) ? {} : { searchSteps: 0 };
    const results = await solver.solveMany(inputs, { maxSteps: 16, ...alone });
    return {
      count: results.length,
      // Held-out inputs have no reference answer: right is what the task's rules accept.
      accuracy: results.filter((result) => result.verified).length / results.length,
      haltedShare: results.filter((result) => result.halted).length / results.length,
      // Halting precision: of the answers the model stopped on by itself, the share that were right.
      haltedRight: results.filter((result) => result.halted && result.verified).length,
      meanSteps: results.reduce((sum, result) => sum + result.steps, 0) / results.length,
    };
  } finally {
    await solver.dispose();
  }
}

async function checkpointGrid(directory: string): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(join(directory, 'checkpoint.json'), 'utf8')) as { architecture: { grid?: { height: number } } }).architecture.grid?.height;
  } catch {
    return undefined;
  }
}

/** CPU seconds recorded in the run's checkpoint (all its processes so far). */
async function runCpuSeconds(directory: string): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(join(directory, 'checkpoint.json'), 'utf8')) as { config: { cpuSeconds?: number } }).config.cpuSeconds;
  } catch {
    return undefined;
  }
}

async function checkpointStep(directory: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(join(directory, 'checkpoint.json'), 'utf8')) as { step: number }).step;
  } catch {
    return 0;
  }
}

export function currentCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || 'uncommitted';
  } catch {
    return 'unknown';
  }
}
