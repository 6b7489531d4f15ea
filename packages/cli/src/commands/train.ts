import { execSync } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, type TaskV1, createSolver, parseModelManifest, runsAnyGridSize, tokenCorrectness, withGrid } from '@trm/core';
import { createNodeRuntime, maxThreads } from '@trm/runtime-node';
import { type TfjsBackendName, createWorkerTrainingData, exportModel, initializeTfjsBackend, parameterCount, parametersFromModel, progressiveDepthStages, runTraining } from '@trm/trainer';
import { modelBytes } from '../model-bytes';
import { numberOption, parseCommandArguments } from '../arguments';
import { type Mixer, builtInTasks, loadSpecialist, loadTask, mixers, taskArchitecture, taskArgument, taskFlags, taskOptionValues, taskRecursion, withoutTaskArgument } from '../tasks';

export const trainUsage = `trm train <task> [--steps N] [--out DIR] [--batch-size 64] [--hidden N (task default)] [--mixer mlp|attention|conv (task default)]
                (<task>: ${Object.keys(builtInTasks).join(', ')}, a task module file, or an installed task package; or --task <task>)
                [--kernel 3] [--dilation 1] [--size S (grid tasks with several sizes: the side)]
                [--sizes 10,14,20,30 --advance-at 0.8 (conv: a grid-size curriculum; the next size starts once held-out accuracy reaches the bar)]
                [--advance-after 5 (... or once it has not improved for this many evaluations: a plateau)]
                [--eval-count 64] [--eval-every 100 (steps between held-out evaluations, written to metrics.jsonl)]
                [--cycles T] [--latent-steps n] [--lr 1e-3] [--weight-decay 0.1] [--warmup 200] [--seed 1]
                [--checkpoint-every 50] [--max-minutes M] [--resume]
                [--from MODEL (a manifest.json, or "default" for the task's shipped model: train on from its weights)]
                [--engine ort|tfjs] [--threads N] [--device cpu|cuda] [--backend wasm|tensorflow|cpu (tfjs only)]
                [--inline-data (make examples on the training thread instead of a worker)]
                [--depth-curriculum (ort: shallower recursion for the first 60% of steps, CGAR)]
                plus the task's own options (\`trm train <task> --help\` lists them)`;

export async function trainCommand(argv: string[], io: { stdout: (line: string) => void; stderr: (line: string) => void }) {
  const spec = taskArgument(argv);
  const loaded = await loadTask(spec);
  const { task } = loaded;
  const training = task.training;
  if (!training) throw new InvalidInputError({ field: 'task', message: `task "${task.name}" declares no training data (task.training)`, value: spec });
  const { values } = parseCommandArguments(withoutTaskArgument(argv, spec!), {
    steps: { type: 'string' },
    out: { type: 'string' },
    'batch-size': { type: 'string' },
    hidden: { type: 'string' },
    mixer: { type: 'string' },
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
    ...taskFlags(training.options),
  });
  const taskOptions = taskOptionValues(training.options, values);
  const mixer = (values.mixer ?? task.defaults.architecture.mixer ?? 'mlp') as Mixer;
  if (!mixers.includes(mixer)) throw new InvalidInputError({ field: '--mixer', message: `expected ${mixers.join(', ')}`, value: mixer });
  if (mixer === 'conv' && !task.codec.grid) throw new InvalidInputError({ field: '--mixer', message: `the conv mixer needs a grid task; ${task.name} has no codec.grid`, value: mixer });
  const sides = values.sizes === undefined ? undefined : parseSides(values.sizes);
  if (sides && mixer !== 'conv') throw new InvalidInputError({ field: '--sizes', message: 'a grid-size curriculum needs --mixer conv (its weights run at any size)', value: values.sizes });
  const accepted = task.codec.sides;
  const checkSide = (side: number, field: string) => {
    if (!accepted) throw new InvalidInputError({ field, message: `task ${task.name} has one size (codec.sides is not declared)`, value: side });
    if (side < accepted.min || side > accepted.max) throw new InvalidInputError({ field, message: `task ${task.name} takes sides from ${accepted.min} to ${accepted.max}`, value: side });
  };
  for (const side of sides ?? []) checkSide(side, '--sizes');
  const advanceAt = numberOption(values, 'advance-at', 0.8, { min: 0, max: 1 });
  const advanceAfter = numberOption(values, 'advance-after', 5, { integer: true, min: 1 });
  const evalCount = numberOption(values, 'eval-count', 64, { integer: true, min: 1, max: 10_000 });
  const evalEvery = values['eval-every'] === undefined ? undefined : numberOption(values, 'eval-every', 100, { integer: true, min: 1 });
  const backendName = values.backend as TfjsBackendName | undefined;
  if (backendName && !['wasm', 'tensorflow', 'cpu'].includes(backendName)) {
    throw new InvalidInputError({ field: '--backend', message: 'expected wasm, tensorflow or cpu', value: backendName });
  }
  const side = values.size === undefined ? undefined : numberOption(values, 'size', 30, { integer: true, min: 2, max: 256 });
  if (side !== undefined) checkSide(side, '--size');
  // Checked once here, so a bad task option fails before any training starts; it also names the puzzles.
  const seed = numberOption(values, 'seed', 1, { integer: true });
  const firstSide = accepted ? (sides?.[0] ?? side ?? task.codec.grid?.height) : undefined;
  const checked = training.data({ seed, ...taskOptions, ...(firstSide !== undefined ? { side: firstSide } : {}) });
  // --from: the shipped or given model's architecture and weights, its embeddings matched to this data's puzzles by name.
  const from = values.from === undefined ? undefined : await warmStart(task, values.from, checked.puzzleNames, sides?.[0] ?? side, values);
  const architecture = from?.architecture ?? taskArchitecture(task, {
    ...(checked.puzzleNames ? { puzzleIdentifiers: checked.puzzleNames.length + 1 } : {}),
    ...(values.hidden === undefined ? {} : { hiddenSize: numberOption(values, 'hidden', 128, { integer: true, min: 8 }) }),
    mixer,
    kernelSize: values.kernel === undefined ? undefined : oddKernel(values.kernel),
    dilation: values.dilation === undefined ? undefined : numberOption(values, 'dilation', 1, { integer: true, min: 1, max: 8 }),
    side: sides?.[0] ?? side,
  });
  const cycles = values.cycles === undefined ? undefined : numberOption(values, 'cycles', 2, { integer: true, min: 1, max: 64 });
  const latentSteps = values['latent-steps'] === undefined ? undefined : numberOption(values, 'latent-steps', 2, { integer: true, min: 1, max: 64 });
  // The weights do not depend on the recursion depth: a model trained on may recurse deeper.
  const recursion = from
    ? { ...from.recursion, ...(cycles !== undefined ? { cycles } : {}), ...(latentSteps !== undefined ? { latentSteps } : {}) }
    : taskRecursion(task, { cycles, latentSteps });
  const steps = numberOption(values, 'steps', 2000, { integer: true, min: 1 });
  const outDirectory = values.out ?? `runs/${task.name}`;
  const maxMinutes = values['max-minutes'] === undefined ? undefined : numberOption(values, 'max-minutes', 0, { min: 0 });
  const engine = values.engine ?? 'ort';
  if (engine !== 'ort' && engine !== 'tfjs') throw new InvalidInputError({ field: '--engine', message: 'expected ort or tfjs', value: engine });
  const device = values.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'cuda') throw new InvalidInputError({ field: '--device', message: 'expected cpu or cuda', value: device });
  const threads = values.threads === undefined ? undefined : numberOption(values, 'threads', 1, { integer: true, min: 1, max: maxThreads });
  const engineName = engine === 'ort' ? `onnxruntime-node-${device}` : `tfjs-${await initializeTfjsBackend(backendName)}`;
  // A resumed run draws its data from a seed of its resume step, so it does not replay the same puzzles.
  // By default examples are made on a worker thread, ahead of need, so the trainer does not wait.
  const makeData = async (stageSide: number | undefined) => {
    const resumeStep = await checkpointStep(outDirectory);
    const gridSide = accepted ? (stageSide ?? architecture.grid?.height) : undefined;
    const options = { seed: seed + 1_000_003 * resumeStep, ...taskOptions, ...(gridSide !== undefined ? { side: gridSide } : {}) };
    return values['inline-data']
      ? training.data(options)
      : await createWorkerTrainingData({ module: loaded.module, exportName: loaded.exportName, member: ['training', 'data'], options });
  };
  const judge = tokenCorrectness(task);
  if (values['depth-curriculum'] && engine !== 'ort') throw new InvalidInputError({ field: '--depth-curriculum', message: 'needs --engine ort' });
  const depthStages = values['depth-curriculum'] ? progressiveDepthStages(recursion, steps) : undefined;
  const command = `pnpm trm train ${argv.join(' ')}`;
  io.stderr(`training ${task.name}: ${parameterCount(architecture)} parameters, engine ${engineName}, output ${outDirectory}`);
  const startedAt = Date.now();
  // The code that trains is the code at start; later commits during a long run do not count.
  const commit = currentCommit();
  let lastPrint = 0;
  let exactSum = 0;
  let haltedSum = 0;
  // Without --sizes one stage at the architecture's own size; with it, one resumed run per size.
  const stages: (number | undefined)[] = sides ?? [undefined];
  let stage = 0;
  if (sides && values.resume) {
    const trainedAt = await checkpointGrid(outDirectory);
    // A resumed curriculum goes on at the size it trained at last, or the next larger one listed.
    const next = trainedAt === undefined ? 0 : sides.findIndex((side) => side >= trainedAt);
    stage = next < 0 ? sides.length - 1 : next;
  }
  const metricsFile = join(outDirectory, 'metrics.jsonl');
  const checkpointEvery = numberOption(values, 'checkpoint-every', 50, { integer: true, min: 1 });
  for (; stage < stages.length; stage++) {
    const stageSide = stages[stage];
    const last = stage === stages.length - 1;
    const data = await makeData(stageSide);
    const heldOutSide = accepted ? (stageSide ?? architecture.grid?.height) : undefined;
    const heldOut = training.heldOut && (sides || evalEvery) ? training.heldOut({ count: evalCount, seed: 900_001, ...taskOptions, ...(heldOutSide !== undefined ? { side: heldOutSide } : {}) }) : undefined;
    const stop = new AbortController();
    if (stageSide !== undefined) io.stderr(`grid stage ${stage + 1}/${stages.length}: ${stageSide}x${stageSide}${last ? '' : `, until held-out accuracy >= ${advanceAt}`}`);
    let lastEvaluated = -1;
    let best = -1;
    let sinceBest = 0;
    const trainer = await runTraining({
      architecture,
      recursion,
      data,
      grid: stageSide !== undefined ? { height: stageSide, width: stageSide } : undefined,
      signal: stop.signal,
      batchSize: numberOption(values, 'batch-size', 64, { integer: true, min: 1 }),
      steps,
      // --max-minutes bounds the whole command, every stage together.
      maxSeconds: maxMinutes === undefined ? undefined : Math.max(0, maxMinutes * 60 - (Date.now() - startedAt) / 1000),
      seed,
      optimizer: {
        learningRate: numberOption(values, 'lr', 1e-3, { min: 0 }),
        weightDecay: numberOption(values, 'weight-decay', 0.1, { min: 0 }),
        warmupSteps: numberOption(values, 'warmup', 200, { integer: true, min: 0 }),
      },
      outDirectory,
      checkpointEvery,
      resume: (values.resume ?? false) || stage > 0,
      engine,
      threads,
      device,
      depthStages,
      judge,
      ...(from ? { from: { parameters: from.parameters, model: from.model } } : {}),
      onEvent(event) {
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
      },
      async onCheckpoint(trainer) {
        // Every checkpoint also exports a runnable model, so it can be evaluated while training goes on.
        const exported = await exportModel({
          checkpointDirectory: outDirectory,
          task: task.name,
          vocabulary: task.codec.vocabulary,
          training: {
            engine: engineName,
            data: data.description,
            command,
            commit,
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
        if (!heldOut || (lastEvaluated >= 0 && trainer.step - lastEvaluated < (evalEvery ?? checkpointEvery))) return;
        lastEvaluated = trainer.step;
        const result = await evaluateHeldOut(task, exported.manifestPath, heldOut, threads);
        const grid = trainer.architecture.grid;
        const size = grid ? `${grid.height}x${grid.width}` : undefined;
        await appendFile(metricsFile, `${JSON.stringify({ type: 'eval', time: new Date().toISOString(), step: trainer.step, cpuSeconds: await runCpuSeconds(outDirectory), ...(size ? { grid: size } : {}), ...result })}\n`);
        io.stderr(`held-out${size ? ` ${size}` : ''}: ${(100 * result.accuracy).toFixed(1)}% right of ${result.count}, halted ${(100 * result.haltedShare).toFixed(0)}%, mean steps ${result.meanSteps.toFixed(1)}`);
        if (result.accuracy > best) {
          best = result.accuracy;
          sinceBest = 0;
        } else sinceBest++;
        if (!last && (result.accuracy >= advanceAt || sinceBest >= advanceAfter)) {
          io.stderr(result.accuracy >= advanceAt ? `reached ${advanceAt}: next size` : `no better than ${(100 * best).toFixed(1)}% for ${sinceBest} evaluations: next size`);
          stop.abort();
        }
      },
    });
    await (data as { close?: () => Promise<void> }).close?.();
    const reached = trainer.step;
    trainer.dispose();
    if (reached >= steps || (maxMinutes !== undefined && Date.now() - startedAt >= maxMinutes * 60_000)) break;
  }
  io.stderr(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

/** A trained model to start from: its architecture (grid and puzzle table from this run) and weights. */
async function warmStart(task: TaskV1<any, any>, source: string, puzzleNames: readonly string[] | undefined, side: number | undefined, values: Record<string, unknown>) {
  for (const flag of ['hidden', 'mixer', 'kernel', 'dilation'] as const) {
    if (values[flag] !== undefined) throw new InvalidInputError({ field: `--${flag}`, message: `--from ${source} fixes the architecture: leave --${flag} out`, value: values[flag] });
  }
  const specialist = await loadSpecialist(task, source === 'default' ? undefined : source);
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

/** Right answers (the task's correctness, checked by its rules) on held-out inputs with the model just exported (adaptive halting, 16 steps). */
async function evaluateHeldOut(task: TaskV1<any, any>, manifestPath: string, inputs: readonly unknown[], threads: number | undefined) {
  const specialist = await loadSpecialist(task, manifestPath);
  const solver = await createSolver({ specialist, runtime: createNodeRuntime({ device: 'cpu', ...(threads ? { intraOpThreads: threads } : {}) }) });
  try {
    const results = await solver.solveMany(inputs, { maxSteps: 16 });
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
