import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { InvalidInputError, type ModelSourceV1, createSolver, createSpecialist, type Solver, type SolveOptionsV1, type SpecialistV1 } from '@trm/core';
import { adaptModel } from '@trm/trainer/adapt';
import { type ArcAnswer, type ArcPuzzle, type ArcTask, type ArcTestAnswer, answerArcTask, arcTask, parseArcTask, planArcAdaptation, readArcTasks, sameArcGrid } from '@trm/tasks-arc';
import { numberOption } from '../arguments';
import { solveOptionsFromFlags } from '../halting-options';
import { runtimeFromFlags } from '../runtime-options';
import { loadSpecialist } from '../tasks';
import type { CliIo } from '../main';
import type { TaskV1 } from '@trm/core';

async function arcSolver(task: TaskV1<any, any>, values: Record<string, unknown>): Promise<Solver<ArcPuzzle, ArcAnswer>> {
  const specialist = await loadSpecialist(task, values.model as string | undefined);
  return (await createSolver({ specialist, runtime: runtimeFromFlags(values) })) as Solver<ArcPuzzle, ArcAnswer>;
}

function variantsOption(values: Record<string, unknown>): number | undefined {
  return values.variants === undefined ? undefined : numberOption(values, 'variants', 8, { integer: true, min: 1, max: 64 });
}

/** The bytes of a model's weights, wherever the source keeps them. */
async function weightBytes(source: ModelSourceV1): Promise<Uint8Array> {
  const weights = source.weights;
  if (weights instanceof Uint8Array) return weights;
  if (typeof weights === 'function') return weights();
  const path = weights instanceof URL ? fileURLToPath(weights) : weights.startsWith('file:') ? fileURLToPath(weights) : weights;
  return new Uint8Array(await readFile(path));
}

export interface ArcRun {
  answers: ArcTestAnswer[];
  adapted: boolean;
  /** With adaptation and 3+ demonstrations: whether the adapted model reproduced the held-out one. */
  selfCheck: boolean | null;
  adaptSeconds: number;
}

/**
 * Answers one task, adapting to its demonstrations first when `adaptSteps` > 0: the task's own
 * embeddings (from the same-named ones if the model knows the task, else from its unseen one)
 * are trained on its augmented demonstrations, the last held out as the self-check.
 */
export async function runArcTask(base: { specialist: SpecialistV1<ArcPuzzle, ArcAnswer>; solver: Solver<ArcPuzzle, ArcAnswer>; bytes: () => Promise<Uint8Array> }, arc: ArcTask, name: string | undefined, settings: { variants?: number; solve: SolveOptionsV1; adaptSteps: number; threads?: number; adaptWeights?: 'embedding' | 'all'; onProgress?: (step: number, steps: number, loss: number) => void }): Promise<ArcRun> {
  if (settings.adaptSteps <= 0) {
    return { answers: await answerArcTask(base.solver, { task: arc, ...(name ? { name } : {}) }, { variants: settings.variants, solve: settings.solve }), adapted: false, selfCheck: null, adaptSeconds: 0 };
  }
  const adaptName = name ?? 'task';
  const plan = planArcAdaptation(arc, { name: adaptName, variants: settings.variants ?? 8 });
  const started = performance.now();
  const adapted = await adaptModel({
    ort,
    manifest: base.specialist.model.manifest,
    weights: await base.bytes(),
    data: plan.data,
    grid: { height: plan.side, width: plan.side },
    steps: settings.adaptSteps,
    train: settings.adaptWeights ?? 'embedding',
    sessionOptions: { intraOpNumThreads: settings.threads ?? 2, interOpNumThreads: 1 },
    onProgress: settings.onProgress ? (event) => settings.onProgress!(event.step, event.steps, event.loss) : undefined,
  });
  const adaptSeconds = (performance.now() - started) / 1000;
  const specialist = createSpecialist(arcTask, { manifest: adapted.manifest, weights: adapted.weights });
  const solver = await createSolver({ specialist, runtime: runtimeFromFlags(settings.threads ? { threads: String(settings.threads) } : {}) });
  try {
    let selfCheck: boolean | null = null;
    if (plan.heldOut) {
      const check = await answerArcTask(solver, { task: { train: arc.train.slice(0, -1), test: [{ input: plan.heldOut.input }] }, name: adaptName }, { variants: settings.variants, solve: settings.solve });
      selfCheck = check[0]!.attempts[0] !== undefined && sameArcGrid(check[0]!.attempts[0]!, plan.heldOut.output);
    }
    const answers = await answerArcTask(solver, { task: arc, name: adaptName }, { variants: settings.variants, solve: settings.solve });
    return { answers, adapted: true, selfCheck, adaptSeconds };
  } finally {
    await solver.dispose();
  }
}

function adaptOption(values: Record<string, unknown>): number {
  return values.adapt === undefined ? 0 : numberOption(values, 'adapt', 0, { integer: true, min: 0, max: 100_000 });
}

/** `trm solve arc TASK.json...`: both attempts for every test input of each task file. */
export async function solveArcFiles(task: TaskV1<any, any>, files: readonly string[], values: Record<string, unknown>, io: CliIo): Promise<number> {
  if (files.length === 0) throw new InvalidInputError({ field: 'puzzle', message: 'give ARC task files: trm solve arc TASK.json [--json]' });
  const tasks = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InvalidInputError({ field: 'puzzle', message: `cannot read ${file}: ${(error as Error).message}`, value: file, cause: error });
    }
    tasks.push({ file, name: basename(file).replace(/\.json$/, ''), task: parseArcTask(text, basename(file)) });
  }
  const { options } = solveOptionsFromFlags(values);
  const solver = await arcSolver(task, values);
  const adaptSteps = adaptOption(values);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const base = { specialist: solver.specialist, solver, bytes: () => weightBytes(solver.specialist.model) };
  try {
    for (const { file, name, task: arc } of tasks) {
      let lastPrint = 0;
      const run = await runArcTask(base, arc, /^[A-Za-z0-9._-]+$/.test(name) ? name : undefined, {
        variants: variantsOption(values),
        solve: options,
        adaptSteps,
        threads,
        onProgress(step, steps, loss) {
          if (Date.now() - lastPrint < 2000 && step < steps) return;
          lastPrint = Date.now();
          io.stderr(`adapting to ${file}: step ${step}/${steps}, loss ${loss.toFixed(4)}`);
        },
      });
      for (const answer of run.answers) {
        if (values.json) {
          io.stdout(JSON.stringify({ task: 'arc', file, testIndex: answer.testIndex, attempts: answer.attempts, adapted: run.adapted, selfCheck: run.selfCheck, known: answer.known, votes: answer.votes.map((vote) => vote.votes), copies: answer.copies, modelId: solver.specialist.modelId }));
          continue;
        }
        if (run.adapted) io.stdout(`adapted to its demonstrations in ${run.adaptSeconds.toFixed(1)} s; self-check (the held-out demonstration): ${run.selfCheck === null ? 'none, too few demonstrations' : run.selfCheck ? 'reproduced' : 'not reproduced'} (evidence, not proof)`);
        io.stdout(`${file} test ${answer.testIndex}: ${answer.copies} variants voted${answer.known ? '' : ' (task unseen by the model)'}`);
        if (answer.attempts.length === 0) io.stdout('  no attempt: no variant answered with a grid');
        answer.attempts.forEach((grid, index) => io.stdout(`attempt ${index + 1} (${answer.votes[index]!.votes} votes):\n${grid.map((row) => row.join('')).join('\n')}\n`));
      }
    }
  } finally {
    await solver.dispose();
  }
  return 0;
}

interface TaskScore {
  name: string;
  /** The canvas side the task ran on. */
  side: number;
  selfCheck: boolean | null;
  tests: number;
  right: number;
  /** Per test input: the share of the answer's cells right, when its shape is right (else 0). */
  cellAccuracy: number;
  shapeRight: number;
  known: boolean;
  cpuSeconds: number;
}

/** `trm eval arc --data FOLDER`: pass@2 against the test outputs, per task and overall, with the CPU time per task. */
export async function evalArcFolder(task: TaskV1<any, any>, values: Record<string, unknown>, io: CliIo): Promise<number> {
  const folder = values.data as string | undefined;
  if (!folder) throw new InvalidInputError({ field: '--data', message: 'required: a folder of ARC task JSON files with their test outputs' });
  if (!(await stat(folder).catch(() => null))) throw new InvalidInputError({ field: '--data', message: `cannot read ${folder}`, value: folder });
  let named = readArcTasks([folder], '--data');
  const missing = named.find((entry) => entry.task.test.some((pair) => pair.output === undefined));
  if (missing) throw new InvalidInputError({ field: '--data', message: `task ${missing.name} has a test input without its output: nothing to score against`, value: missing.name });
  const limit = values.limit === undefined ? undefined : numberOption(values, 'limit', 0, { integer: true, min: 1 });
  const maxSide = values['max-side'] === undefined ? undefined : numberOption(values, 'max-side', 30, { integer: true, min: 2, max: 30 });
  const { arcCanvasSide } = await import('@trm/tasks-arc');
  if (maxSide !== undefined) named = named.filter((entry) => arcCanvasSide(entry.task) <= maxSide);
  if (limit !== undefined) named = named.slice(0, limit);
  const { options } = solveOptionsFromFlags(values);
  const solver = await arcSolver(task, values);
  const adaptSteps = adaptOption(values);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const base = { specialist: solver.specialist, solver, bytes: () => weightBytes(solver.specialist.model) };
  const scores: TaskScore[] = [];
  const started = performance.now();
  try {
    for (const { name, task: arc } of named) {
      const cpu = process.cpuUsage();
      let answers: ArcTestAnswer[];
      let selfCheck: boolean | null = null;
      try {
        const run = await runArcTask(base, arc, name, { variants: variantsOption(values), solve: options, adaptSteps, threads });
        answers = run.answers;
        selfCheck = run.selfCheck;
      } catch (error) {
        // A task the model cannot run (one size only, too small a canvas) scores 0 and is said.
        if (!InvalidInputError.isInstance(error)) throw error;
        io.stderr(`${name}: not run (${error.message})`);
        answers = [];
      }
      const used = process.cpuUsage(cpu);
      let right = 0;
      let cells = 0;
      let shapes = 0;
      arc.test.forEach((pair, index) => {
        const answer = answers[index];
        const expected = pair.output!;
        if (answer?.attempts.some((grid) => sameArcGrid(grid, expected))) right++;
        const first = answer?.attempts[0];
        if (first && first.length === expected.length && first[0]!.length === expected[0]!.length) {
          shapes++;
          let same = 0;
          first.forEach((row, r) => row.forEach((cell, c) => (same += cell === expected[r]![c] ? 1 : 0)));
          cells += same / (expected.length * expected[0]!.length);
        }
      });
      const score: TaskScore = { name, side: arcCanvasSide(arc), selfCheck, tests: arc.test.length, right, cellAccuracy: cells / arc.test.length, shapeRight: shapes / arc.test.length, known: answers[0]?.known ?? false, cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)) };
      scores.push(score);
      if (values.json) io.stdout(JSON.stringify({ type: 'task', ...score }));
      else io.stderr(`${name}: ${right}/${arc.test.length} right, first attempt's cells ${(100 * score.cellAccuracy).toFixed(0)}%${selfCheck === null ? '' : `, self-check ${selfCheck ? 'passed' : 'failed'}`}, ${score.cpuSeconds} CPU s`);
    }
  } finally {
    await solver.dispose();
  }
  // ARC's score: each task counts 1, split over its test inputs.
  const pass2 = scores.reduce((sum, score) => sum + score.right / score.tests, 0) / Math.max(1, scores.length);
  const summary = {
    type: 'summary',
    dataset: folder,
    model: solver.specialist.modelId,
    tasks: scores.length,
    testInputs: scores.reduce((sum, score) => sum + score.tests, 0),
    pass2,
    tasksFullyRight: scores.filter((score) => score.right === score.tests).length,
    shapeRight: scores.reduce((sum, score) => sum + score.shapeRight, 0) / Math.max(1, scores.length),
    cellAccuracyWhenShapeRight: (() => {
      const shaped = scores.filter((score) => score.shapeRight > 0);
      return shaped.reduce((sum, score) => sum + score.cellAccuracy / score.shapeRight, 0) / Math.max(1, shaped.length);
    })(),
    knownTasks: scores.filter((score) => score.known).length,
    // pass@2 by canvas size: what the model was trained at shows here.
    byCanvas: Object.fromEntries(
      [[2, 12], [13, 16], [17, 22], [23, 30]].map(([low, high]) => {
        const bucket = scores.filter((score) => score.side >= low! && score.side <= high!);
        return [`${low}-${high}`, { tasks: bucket.length, pass2: bucket.reduce((sum, score) => sum + score.right / score.tests, 0) / Math.max(1, bucket.length) }];
      }),
    ),
    adapted: adaptSteps > 0,
    adaptSteps,
    // How often the self-check (the held-out demonstration) said right, and how often it was.
    selfCheck: (() => {
      const checked = scores.filter((score) => score.selfCheck !== null);
      const passed = checked.filter((score) => score.selfCheck);
      return { checked: checked.length, passed: passed.length, passedAndRight: passed.filter((score) => score.right === score.tests).length, failedButRight: checked.filter((score) => !score.selfCheck && score.right === score.tests).length };
    })(),
    meanCpuSecondsPerTask: scores.reduce((sum, score) => sum + score.cpuSeconds, 0) / Math.max(1, scores.length),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    settings: { variants: variantsOption(values) ?? 'model', adaptSteps, ...(maxSide ? { maxSide } : {}), ...(limit ? { limit } : {}) },
  };
  if (values.json) io.stdout(JSON.stringify(summary));
  else io.stdout(`ARC pass@2 ${(100 * pass2).toFixed(2)}% on ${scores.length} tasks (${summary.tasksFullyRight} fully right); shape right ${(100 * summary.shapeRight).toFixed(1)}%, cells right when the shape is ${(100 * summary.cellAccuracyWhenShapeRight).toFixed(1)}%; ${summary.meanCpuSecondsPerTask.toFixed(1)} CPU s per task`);
  return 0;
}
