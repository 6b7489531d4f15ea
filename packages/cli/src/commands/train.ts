import { execSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '@trm/core';
import { type TfjsBackendName, createWorkerTrainingData, initializeTfjsBackend, parameterCount, progressiveDepthStages, runTraining } from '@trm/trainer';
import { numberOption, parseCommandArguments } from '../arguments';
import { parseTask, taskRegistry } from '../tasks';
import { exportCheckpoint } from './export';

export const trainUsage = `trm train sudoku|maze [--steps N] [--out DIR] [--batch-size 64] [--hidden 128] [--mixer mlp|attention]
                [--cycles 2] [--latent-steps 2] [--lr 1e-3] [--weight-decay 0.1] [--warmup 200] [--seed 1]
                [--checkpoint-every 50] [--max-minutes M] [--resume]
                [--engine ort|tfjs] [--threads N] [--device cpu|cuda] [--backend wasm|tensorflow|cpu (tfjs only)]
                [--inline-data (make examples on the training thread instead of a worker)]
                [--depth-curriculum (ort: shallower recursion for the first 60% of steps, CGAR)]
                [--givens MIN-MAX (sudoku: mix easier puzzles in)]
                [--hard-share 0-1 --min-dead-ends 64 (sudoku: share of mined hard minimal puzzles)] [--bands short,medium,long,hard (maze: bands mixed in equal parts)]`;

export async function trainCommand(argv: string[], io: { stdout: (line: string) => void; stderr: (line: string) => void }) {
  const { values, positionals } = parseCommandArguments(argv, {
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
    backend: { type: 'string' },
    engine: { type: 'string' },
    threads: { type: 'string' },
    device: { type: 'string' },
    givens: { type: 'string' },
    'hard-share': { type: 'string' },
    'min-dead-ends': { type: 'string' },
    bands: { type: 'string' },
    'depth-curriculum': { type: 'boolean' },
    'inline-data': { type: 'boolean' },
  });
  const task = parseTask(positionals[0]);
  const entry = taskRegistry[task];
  const mixer = values.mixer ?? entry.architecture({}).mixer;
  if (mixer !== 'mlp' && mixer !== 'attention') throw new InvalidInputError({ field: '--mixer', message: 'expected mlp or attention', value: mixer });
  const backendName = values.backend as TfjsBackendName | undefined;
  if (backendName && !['wasm', 'tensorflow', 'cpu'].includes(backendName)) {
    throw new InvalidInputError({ field: '--backend', message: 'expected wasm, tensorflow or cpu', value: backendName });
  }
  const architecture = entry.architecture({ hiddenSize: numberOption(values, 'hidden', 128, { integer: true, min: 8 }), mixer });
  const recursion = entry.recursion({
    cycles: numberOption(values, 'cycles', 2, { integer: true, min: 1 }),
    latentSteps: numberOption(values, 'latent-steps', 2, { integer: true, min: 1 }),
  });
  const seed = numberOption(values, 'seed', 1, { integer: true });
  const steps = numberOption(values, 'steps', 2000, { integer: true, min: 1 });
  const outDirectory = values.out ?? `runs/${task}`;
  const maxMinutes = values['max-minutes'] === undefined ? undefined : numberOption(values, 'max-minutes', 0, { min: 0 });
  const engine = values.engine ?? 'ort';
  if (engine !== 'ort' && engine !== 'tfjs') throw new InvalidInputError({ field: '--engine', message: 'expected ort or tfjs', value: engine });
  const device = values.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'cuda') throw new InvalidInputError({ field: '--device', message: 'expected cpu or cuda', value: device });
  const threads = values.threads === undefined ? undefined : numberOption(values, 'threads', 1, { integer: true, min: 1 });
  const engineName = engine === 'ort' ? `onnxruntime-node-${device}` : `tfjs-${await initializeTfjsBackend(backendName)}`;
  let givens: [number, number] | undefined;
  if (values.givens !== undefined) {
    const match = /^(\d+)-(\d+)$/.exec(values.givens);
    if (!match || Number(match[1]) > Number(match[2]) || Number(match[1]) < 17 || Number(match[2]) > 80) {
      throw new InvalidInputError({ field: '--givens', message: 'expected MIN-MAX with 17 <= MIN <= MAX <= 80', value: values.givens });
    }
    givens = [Number(match[1]), Number(match[2])];
  }
  // A resumed run draws its data from a seed of its resume step, so it does not replay the same puzzles.
  const resumeStep = values.resume ? await checkpointStep(outDirectory) : 0;
  const dataSeed = seed + 1_000_003 * resumeStep;
  const dataOptions = {
    givens,
    hardShare: values['hard-share'] === undefined ? undefined : numberOption(values, 'hard-share', 0, { min: 0, max: 1 }),
    minDeadEnds: values['min-dead-ends'] === undefined ? undefined : numberOption(values, 'min-dead-ends', 64, { integer: true, min: 0 }),
    bands: values.bands?.split(','),
  };
  // By default examples are made on a worker thread, ahead of need, so the trainer does not wait.
  const data = values['inline-data'] ? entry.trainingData(dataSeed, dataOptions) : await createWorkerTrainingData(entry.trainingDataWorker(dataSeed, dataOptions));
  if (values['depth-curriculum'] && engine !== 'ort') throw new InvalidInputError({ field: '--depth-curriculum', message: 'needs --engine ort' });
  const depthStages = values['depth-curriculum'] ? progressiveDepthStages(recursion, steps) : undefined;
  const command = `pnpm trm train ${argv.join(' ')}`;
  io.stderr(`training ${task}: ${parameterCount(architecture)} parameters, engine ${engineName}, output ${outDirectory}`);
  const startedAt = Date.now();
  // The code that trains is the code at start; later commits during a long run do not count.
  const commit = currentCommit();
  let lastPrint = 0;
  let exactSum = 0;
  let haltedSum = 0;
  await runTraining({
    architecture,
    recursion,
    data,
    batchSize: numberOption(values, 'batch-size', 64, { integer: true, min: 1 }),
    steps,
    maxSeconds: maxMinutes === undefined ? undefined : maxMinutes * 60,
    seed,
    optimizer: {
      learningRate: numberOption(values, 'lr', 1e-3, { min: 0 }),
      weightDecay: numberOption(values, 'weight-decay', 0.1, { min: 0 }),
      warmupSteps: numberOption(values, 'warmup', 200, { integer: true, min: 0 }),
    },
    outDirectory,
    checkpointEvery: numberOption(values, 'checkpoint-every', 50, { integer: true, min: 1 }),
    resume: values.resume ?? false,
    engine,
    threads,
    device,
    depthStages,
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
      await exportCheckpoint({
        checkpointDirectory: outDirectory,
        task,
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
    },
  });
  if ('close' in data) await data.close();
  io.stderr(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
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
