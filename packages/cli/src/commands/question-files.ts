import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InvalidInputError, type ModelSourceV1, type SolveOptionsV1, type Solver, type SpecialistV1, type TaskAttemptsV1, type TaskFilesV1, type TaskV1, createSolver, createSpecialist } from '@trm/core';
import { adaptModel } from '@trm/trainer/adapt';
import { modelBytes } from '../model-bytes';
import { numberOption } from '../arguments';
import { withoutByteOrderMark } from '../csv';
import { solveOptionsFromFlags } from '../halting-options';
import { runtimeFromFlags } from '../runtime-options';
import { loadSpecialist } from '../tasks';
import type { CliIo } from '../cli-io';

// Commands for tasks whose questions are whole files (task.files): solve FILE..., eval --data FOLDER, --adapt.

type FileTask = TaskV1<any, any> & { files: TaskFilesV1<any, any> };

export interface FileRun {
  answers: TaskAttemptsV1<unknown>[];
  adapted: boolean;
  /** What adapted: the embeddings only or every weight. */
  adaptWeights?: 'embedding' | 'all';
  /** With adaptation and a held-out demonstration: whether the adapted model reproduced it. */
  selfCheck: boolean | null;
  adaptSeconds: number;
}

interface RunSettings {
  variants?: number;
  solve: SolveOptionsV1;
  adaptSteps: number;
  threads?: number;
  device?: string;
  adaptWeights?: 'embedding' | 'all';
  onProgress?: (step: number, steps: number, loss: number) => void;
}

/**
 * Answers one question file, adapting to its demonstrations first when `adaptSteps` > 0: its
 * own embeddings (from same-named ones if the model knows it, else from its unseen one) train on
 * its demonstrations, one held out as the self-check where the task can spare it.
 */
async function runFile(task: FileTask, base: { specialist: SpecialistV1<any, any>; solver: Solver<any, any> }, raw: unknown, settings: RunSettings): Promise<FileRun> {
  const answerOptions = { solve: settings.solve, ...(settings.variants ? { variants: settings.variants } : {}) };
  if (settings.adaptSteps <= 0) return { answers: await task.files.answer(base.solver, raw, answerOptions), adapted: false, selfCheck: null, adaptSeconds: 0 };
  if (!task.files.adaptation) throw new InvalidInputError({ field: '--adapt', message: `task ${task.name} declares no adaptation (files.adaptation)` });
  const plan = task.files.adaptation(raw, settings.variants ? { variants: settings.variants } : {});
  // The flag, else what the task measured best.
  const train = settings.adaptWeights ?? plan.train ?? 'embedding';
  const started = performance.now();
  const adapted = await adaptModel({
    ort,
    manifest: base.specialist.model.manifest,
    weights: await modelBytes(base.specialist.model),
    data: plan.data,
    ...(plan.grid ? { grid: plan.grid } : {}),
    steps: settings.adaptSteps,
    train,
    ...(settings.threads ? { threads: settings.threads } : {}),
    onProgress: settings.onProgress ? (event) => settings.onProgress!(event.step, event.steps, event.loss) : undefined,
  });
  const adaptSeconds = (performance.now() - started) / 1000;
  const specialist = createSpecialist(task, { manifest: adapted.manifest, weights: adapted.weights });
  const solver = await createSolver({ specialist, runtime: runtimeFromFlags({ device: settings.device, ...(settings.threads ? { threads: String(settings.threads) } : {}) }) });
  try {
    let selfCheck: boolean | null = null;
    if (plan.selfCheck) {
      const [check] = await task.files.answer(solver, plan.selfCheck.raw, answerOptions);
      const first = check?.attempts[0];
      selfCheck = first !== undefined && task.formatAnswer(first) === task.formatAnswer(plan.selfCheck.expected);
    }
    return { answers: await task.files.answer(solver, task.files.named(raw, plan.name), answerOptions), adapted: true, adaptWeights: train, selfCheck, adaptSeconds };
  } finally {
    await solver.dispose();
  }
}

function settingsFrom(values: Record<string, unknown>): Omit<RunSettings, 'onProgress'> {
  const adaptWeights = values['adapt-weights'] as 'embedding' | 'all' | undefined;
  if (adaptWeights !== undefined && adaptWeights !== 'embedding' && adaptWeights !== 'all') throw new InvalidInputError({ field: '--adapt-weights', message: 'expected embedding or all', value: adaptWeights });
  return {
    variants: values.variants === undefined ? undefined : numberOption(values, 'variants', 8, { integer: true, min: 1, max: 64 }),
    solve: solveOptionsFromFlags(values).options,
    adaptSteps: values.adapt === undefined ? 0 : numberOption(values, 'adapt', 0, { integer: true, min: 0, max: 100_000 }),
    threads: values.threads === undefined ? undefined : numberOption(values, 'threads', 1, { integer: true, min: 1 }),
    device: values.device as string | undefined,
    ...(adaptWeights ? { adaptWeights } : {}),
  };
}

async function readQuestionFile(task: FileTask, file: string, field: string): Promise<unknown> {
  let text: string;
  try {
    text = withoutByteOrderMark(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError({ field, message: `cannot read ${file}: ${(error as Error).message}`, value: file, cause: error });
  }
  return task.files.parseFile(text, basename(file, extname(file)));
}

/** `trm solve <task> FILE...`: the attempts for every question of each file. */
export async function solveQuestionFiles(task: FileTask, files: readonly string[], values: Record<string, unknown>, io: CliIo): Promise<number> {
  if (files.length === 0) throw new InvalidInputError({ field: 'puzzle', message: `give ${task.name} question files: trm solve ${task.name} FILE [--json]` });
  const raws = [];
  for (const file of files) raws.push({ file, raw: await readQuestionFile(task, file, 'puzzle') });
  const settings = settingsFrom(values);
  const specialist = await loadSpecialist(task, values.model as string | undefined);
  const solver = await createSolver({ specialist, runtime: runtimeFromFlags(values) });
  try {
    for (const { file, raw } of raws) {
      let lastPrint = 0;
      const run = await runFile(task, { specialist, solver }, raw, {
        ...settings,
        onProgress(step, steps, loss) {
          if (Date.now() - lastPrint < 2000 && step < steps) return;
          lastPrint = Date.now();
          io.stderr(`adapting to ${file}: step ${step}/${steps}, loss ${loss.toFixed(4)}`);
        },
      });
      if (run.adapted && !values.json) io.stdout(`adapted to its demonstrations in ${run.adaptSeconds.toFixed(1)} s; self-check (a held-out demonstration): ${run.selfCheck === null ? 'none, too few demonstrations' : run.selfCheck ? 'reproduced' : 'not reproduced'} (evidence, not proof)`);
      for (const answer of run.answers) {
        if (values.json) {
          io.stdout(JSON.stringify({ task: task.name, file, testIndex: answer.testIndex, attempts: answer.attempts, adapted: run.adapted, ...(run.adaptWeights ? { adaptWeights: run.adaptWeights } : {}), selfCheck: run.selfCheck, known: answer.known, votes: answer.votes, copies: answer.copies, modelId: specialist.modelId }));
          continue;
        }
        io.stdout(`${file} test ${answer.testIndex}: ${answer.copies} copies voted${answer.known || run.adapted ? '' : ' (unseen by the model)'}`);
        if (answer.attempts.length === 0) io.stdout('  no attempt: no copy gave an answer');
        answer.attempts.forEach((attempt, index) => io.stdout(`attempt ${index + 1} (${answer.votes[index]} votes):\n${task.prettyAnswer ? task.prettyAnswer(attempt, undefined) : task.formatAnswer(attempt)}\n`));
      }
    }
  } finally {
    await solver.dispose();
  }
  return 0;
}

/** Question files under the given folders and their subfolders (as ConceptARC keeps one per concept), or the files themselves; sorted by name within each folder. */
async function questionFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).filter((item) => !item.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isDirectory()) await walk(join(folder, entry.name));
      else files.push(join(folder, entry.name));
    }
  };
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new InvalidInputError({ field: '--data', message: `cannot read ${path}`, value: path });
    if (info.isDirectory()) await walk(path);
    else files.push(path);
  }
  return files;
}

interface FileScore {
  name: string;
  side: number | null;
  tests: number;
  right: number;
  partialCredit: number | null;
  selfCheck: boolean | null;
  known: boolean;
  cpuSeconds: number;
}

/** The question files of `--data` with their references, within `--max-side` and `--limit`. */
async function selectQuestions(task: FileTask, values: Record<string, unknown>, sideOf: (raw: unknown) => number | null) {
  const data = values.data as string | undefined;
  if (!data) throw new InvalidInputError({ field: '--data', message: `required: a folder of ${task.name} question files with their reference answers` });
  const files = await questionFiles(data.split(',').map((path) => path.trim()).filter(Boolean));
  const limit = values.limit === undefined ? undefined : numberOption(values, 'limit', 0, { integer: true, min: 1 });
  const maxSide = values['max-side'] === undefined ? undefined : numberOption(values, 'max-side', 30, { integer: true, min: 1 });
  const questions: { file: string; raw: unknown }[] = [];
  for (const file of files) {
    const raw = await readQuestionFile(task, file, '--data');
    if (task.files.references(raw).some((reference) => reference === undefined)) throw new InvalidInputError({ field: '--data', message: `${file} has a question without its reference answer: nothing to score against`, value: file });
    if (maxSide === undefined || (sideOf(raw) ?? Infinity) <= maxSide) questions.push({ file, raw });
  }
  if (limit !== undefined) questions.splice(limit);
  return { data, questions, limit, maxSide };
}

/** One file's score: pass@k against its references, partial credit of the first attempts. */
function scoreFile(task: FileTask, name: string, raw: unknown, run: FileRun, side: number | null, cpuSeconds: number): FileScore {
  const references = task.files.references(raw);
  let right = 0;
  let credit = 0;
  references.forEach((expected, index) => {
    const attempts = run.answers[index]?.attempts ?? [];
    if (attempts.some((attempt) => task.formatAnswer(attempt) === task.formatAnswer(expected))) right++;
    if (task.files.partialCredit && attempts[0] !== undefined) credit += task.files.partialCredit(attempts[0], expected);
  });
  return {
    name,
    side,
    tests: references.length,
    right,
    partialCredit: task.files.partialCredit ? credit / references.length : null,
    selfCheck: run.selfCheck,
    known: run.answers[0]?.known ?? false,
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
  };
}

/** The whole run: pass@k (each file counts 1, split over its questions), by grid side, self-checks, CPU time. */
function summarizeScores(task: FileTask, scores: FileScore[], context: { data: string; modelId: string; settings: RunSettings; adaptWeightsUsed?: string; maxSide?: number; limit?: number; seconds: number }) {
  const { settings } = context;
  const mean = (list: FileScore[], value: (score: FileScore) => number) => list.reduce((sum, score) => sum + value(score), 0) / Math.max(1, list.length);
  const checked = scores.filter((score) => score.selfCheck !== null);
  return {
    type: 'summary',
    dataset: context.data,
    model: context.modelId,
    tasks: scores.length,
    testInputs: scores.reduce((sum, score) => sum + score.tests, 0),
    passAtK: mean(scores, (score) => score.right / score.tests),
    tasksFullyRight: scores.filter((score) => score.right === score.tests).length,
    partialCredit: task.files.partialCredit ? mean(scores, (score) => score.partialCredit ?? 0) : null,
    knownTasks: scores.filter((score) => score.known).length,
    // By grid side: what the model trained at shows here.
    bySide: Object.fromEntries(
      [[1, 12], [13, 16], [17, 22], [23, 30], [31, Infinity]].flatMap(([low, high]) => {
        const bucket = scores.filter((score) => score.side !== null && score.side >= low! && score.side <= high!);
        return bucket.length === 0 ? [] : [[`${low}-${high === Infinity ? 'up' : high}`, { tasks: bucket.length, passAtK: mean(bucket, (score) => score.right / score.tests), partialCredit: mean(bucket, (score) => score.partialCredit ?? 0) }]];
      }),
    ),
    adapted: settings.adaptSteps > 0,
    adaptSteps: settings.adaptSteps,
    // How often the self-check passed, and how often it was then right.
    selfCheck: { checked: checked.length, passed: checked.filter((score) => score.selfCheck).length, passedAndRight: checked.filter((score) => score.selfCheck && score.right === score.tests).length, failedButRight: checked.filter((score) => !score.selfCheck && score.right === score.tests).length },
    meanCpuSecondsPerTask: mean(scores, (score) => score.cpuSeconds),
    seconds: Number(context.seconds.toFixed(1)),
    settings: { variants: settings.variants ?? 'model', adaptSteps: settings.adaptSteps, ...(settings.adaptSteps > 0 ? { adaptWeights: context.adaptWeightsUsed ?? settings.adaptWeights ?? 'task default' } : {}), ...(context.maxSide ? { maxSide: context.maxSide } : {}), ...(context.limit ? { limit: context.limit } : {}) },
  };
}

/** `trm eval <task> --data FOLDER[,FOLDER]`: pass@k against the files' references, per file and overall, with CPU time per file. */
export async function evalQuestionFiles(task: FileTask, values: Record<string, unknown>, io: CliIo): Promise<number> {
  const settings = settingsFrom(values);
  const specialist = await loadSpecialist(task, values.model as string | undefined);
  const sideOf = (raw: unknown) => {
    try {
      return task.grid?.(specialist.parseInput(raw)).height ?? null;
    } catch {
      return null;
    }
  };
  const { data, questions, limit, maxSide } = await selectQuestions(task, values, sideOf);
  const solver = await createSolver({ specialist, runtime: runtimeFromFlags(values) });
  const scores: FileScore[] = [];
  let adaptWeightsUsed: string | undefined;
  const started = performance.now();
  try {
    for (const { file, raw } of questions) {
      const name = basename(file, extname(file));
      const cpu = process.cpuUsage();
      let run: FileRun;
      try {
        run = await runFile(task, { specialist, solver }, raw, settings);
      } catch (error) {
        // A file the model cannot run (a one-size model, too small a canvas) scores 0, and says so.
        if (!InvalidInputError.isInstance(error)) throw error;
        io.stderr(`${name}: not run (${error.message})`);
        run = { answers: [], adapted: false, selfCheck: null, adaptSeconds: 0 };
      }
      const used = process.cpuUsage(cpu);
      const score = scoreFile(task, name, raw, run, sideOf(raw), (used.user + used.system) / 1e6);
      adaptWeightsUsed ??= run.adaptWeights;
      scores.push(score);
      if (values.json) io.stdout(JSON.stringify({ type: 'task', ...score }));
      else io.stderr(`${name}: ${score.right}/${score.tests} right${score.partialCredit === null ? '' : `, first attempt's partial credit ${(100 * score.partialCredit).toFixed(0)}%`}${score.selfCheck === null ? '' : `, self-check ${score.selfCheck ? 'passed' : 'failed'}`}, ${score.cpuSeconds} CPU s`);
    }
  } finally {
    await solver.dispose();
  }
  const summary = summarizeScores(task, scores, { data, modelId: specialist.modelId, settings, adaptWeightsUsed, maxSide, limit, seconds: (performance.now() - started) / 1000 });
  if (values.json) io.stdout(JSON.stringify(summary));
  else io.stdout(`pass@2 ${(100 * summary.passAtK).toFixed(2)}% on ${scores.length} files (${summary.tasksFullyRight} fully right)${summary.partialCredit === null ? '' : `; first attempts' partial credit ${(100 * summary.partialCredit).toFixed(1)}%`}; ${summary.meanCpuSecondsPerTask.toFixed(1)} CPU s per file`);
  return 0;
}
