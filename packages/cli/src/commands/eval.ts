import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InvalidInputError, type MeasuredMetric, type SolveResult, type SpecialistV1, type TaskV1, createSolver, isCorrectAnswer, parseModelManifest, taskAccuracyMetric } from '@trm/core';
import { writeFileAtomic } from '@trm/trainer';
import { numberOption, parseCommandArguments } from '../arguments';
import { parseCsv } from '../csv';
import { describeInference, haltingFlags, solveOptionsFromFlags } from '../halting-options';
import { loadSpecialist, loadTask, taskArgument, withoutTaskArgument } from '../tasks';
import { runtimeFlags, runtimeFromFlags } from '../runtime-options';
import type { CliIo } from '../cli-io';
import { renderEvaluation } from './eval-plot';
import type { EvaluationBucket as Bucket, EvaluationReport } from './evaluation-report';
import { evalQuestionFiles } from './question-files';

export const evalUsage = `trm eval <task> --data FILE.csv [--limit N] [--level A,B] [--json] [--record] [--model manifest.json] [--plot out.svg (accuracy by level or band, steps histogram)]
      [--max-steps 16] [--fixed-steps N] [--verify-steps N] [--patience P] [--copies K] [--noise S] [--search-steps N (0: no search)] [--keep-threshold 0.1] [--dive|--no-dive] [--batch-size 64] [--device auto|cpu|gpu] [--threads N]
      (--limit takes the first N puzzles of each level when the file has a "level" column)
  trm eval <task> --data FOLDER[,FOLDER] [--adapt STEPS] [--adapt-weights embedding|all (default: what the task measured best)] [--variants V] [--limit N] [--max-side S] [--json]
      (tasks whose questions are whole files: pass@2 against each file's reference answers, per file and overall, CPU time per file)`;

const evalFlags = {
  data: { type: 'string' },
  limit: { type: 'string' },
  level: { type: 'string' },
  json: { type: 'boolean' },
  record: { type: 'boolean' },
  model: { type: 'string' },
  plot: { type: 'string' },
  'batch-size': { type: 'string' },
  variants: { type: 'string' },
  'max-side': { type: 'string' },
  adapt: { type: 'string' },
  'adapt-weights': { type: 'string' },
  ...haltingFlags,
  ...runtimeFlags,
} as const;

type EvalValues = ReturnType<typeof parseEvalArguments>;
type Row = Record<string, string>;

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const spec = taskArgument(argv);
  const { task } = await loadTask(spec);
  const values = parseEvalArguments(argv, spec!);
  // Tasks whose questions are whole files score them by their own protocol (attempts, pass@k).
  if (task.files) return evalQuestionFiles(task as Parameters<typeof evalQuestionFiles>[0], values, io);
  if (!values.data) throw new InvalidInputError({ field: '--data', message: 'required: a CSV with question and answer columns' });
  if (values.record && !values.model) throw new InvalidInputError({ field: '--record', message: 'needs --model: the manifest to record into' });
  const { rows, levels, limit } = await readEvalRows(values.data, values);
  const { options: inference, resolved } = solveOptionsFromFlags(values);
  const batchSize = numberOption(values, 'batch-size', 64, { integer: true, min: 1 });
  const specialist = await loadSpecialist(task, values.model);
  const solver = await createSolver({ specialist, runtime: runtimeFromFlags(values) });
  const started = performance.now();
  let results;
  try {
    results = await solver.solveMany(rows.map((row) => row.question!), { ...inference, batchSize });
  } finally {
    await solver.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const settings = describeInference(resolved, specialist.model.manifest);
  if (limit !== undefined) settings.limitPerLevel = limit;
  if (levels) settings.levels = levels.join(',');
  const report = evaluationReport(task, specialist, rows, results, { dataset: basename(values.data), seconds, settings });
  await writeReport(report, values, io);
  if (values.record && values.model) await recordMetrics(values.model, report, `pnpm trm eval ${argv.filter((arg) => arg !== '--record' && arg !== '--json').join(' ')}`);
  return 0;
}

function parseEvalArguments(argv: string[], spec: string) {
  return parseCommandArguments(withoutTaskArgument(argv, spec), evalFlags).values;
}

/** The CSV's rows, without empty level and rating cells, filtered by --level and cut to --limit per level. */
async function readEvalRows(path: string, values: EvalValues): Promise<{ rows: Row[]; levels?: string[]; limit?: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError({ field: '--data', message: `cannot read ${path}: ${(error as Error).message}`, value: path, cause: error });
  }
  // Empty level or rating cells mean none (generated sets leave the column they do not use empty).
  let rows = parseCsv(text).map((row) => Object.fromEntries(Object.entries(row).filter(([key, value]) => !((key === 'level' || key === 'rating') && value === ''))));
  if (rows.length > 0 && (!('question' in rows[0]!) || !('answer' in rows[0]!))) {
    throw new InvalidInputError({ field: '--data', message: 'the CSV needs "question" and "answer" columns' });
  }
  const levels = values.level?.split(',').map((level) => level.trim());
  if (levels) rows = rows.filter((row) => row.level !== undefined && levels.includes(row.level));
  if (levels && rows.length === 0) throw new InvalidInputError({ field: '--level', message: 'no rows have these levels', value: values.level });
  const limit = values.limit === undefined ? undefined : numberOption(values, 'limit', 0, { integer: true, min: 1 });
  if (limit !== undefined) {
    const taken = new Map<string, number>();
    rows = rows.filter((row) => {
      const key = row.level ?? 'all';
      const count = taken.get(key) ?? 0;
      taken.set(key, count + 1);
      return count < limit;
    });
  }
  return { rows, levels, limit };
}

/** Scores every answer against its row (by the task's correctness, from the printed answer) and sums the counts. */
function evaluationReport(
  task: TaskV1<any, any>,
  specialist: SpecialistV1<any, any>,
  rows: readonly Row[],
  results: readonly SolveResult<any>[],
  run: { dataset: string; seconds: number; settings: EvaluationReport['settings'] },
): EvaluationReport {
  const total: Bucket = { count: 0, exact: 0, verified: 0 };
  const byLevel = new Map<string, Bucket>();
  const byRating = new Map<string, Bucket>();
  const stepsHistogram: Record<string, number> = {};
  let verifiedButWrong = 0;
  let cellsRight = 0;
  let cellsToFill = 0;
  let stepSum = 0;
  let sampleSteps = 0;
  let halted = 0;
  let haltedRight = 0;
  let abstained = 0;
  let wrong = 0;
  let branches = 0;
  let deadEnds = 0;
  results.forEach((result, index) => {
    const row = rows[index]!;
    const question = row.question!;
    const expected = row.answer!;
    // Judged again from the printed answer where the task can read one: what a user of the CSV sees.
    const input = specialist.parseInput(question);
    const answer = task.parseAnswer ? safely(() => task.parseAnswer!(result.answer, input)) : result.value;
    const exact = answer !== undefined && isCorrectAnswer(task, input, answer, expected);
    for (let cell = 0; cell < Math.min(question.length, expected.length, result.answer.length); cell++) {
      if (question[cell] !== expected[cell]) {
        cellsToFill++;
        if (result.answer[cell] === expected[cell]) cellsRight++;
      }
    }
    if (result.verified && !exact) verifiedButWrong++;
    if (result.abstained) abstained++;
    else if (!exact) wrong++;
    branches += result.cost.branches ?? 0;
    deadEnds += result.cost.deadEnds ?? 0;
    const buckets = [total];
    if (row.level !== undefined) buckets.push(getBucket(byLevel, row.level));
    if (row.rating !== undefined && row.rating !== '') buckets.push(getBucket(byRating, task.ratingBucket ? task.ratingBucket(Number(row.rating), input) : String(row.rating)));
    for (const bucket of buckets) {
      bucket.count++;
      if (exact) bucket.exact++;
      if (result.verified) bucket.verified++;
    }
    stepsHistogram[result.steps] = (stepsHistogram[result.steps] ?? 0) + 1;
    stepSum += result.steps;
    sampleSteps += result.cost.sampleSteps;
    if (result.halted) {
      halted++;
      if (exact) haltedRight++;
    }
  });
  const withAccuracy = (map: Map<string, Bucket>) =>
    Object.fromEntries([...map].map(([key, bucket]) => [key, { ...bucket, exactAccuracy: bucket.exact / bucket.count }]));
  return {
    dataset: run.dataset,
    model: specialist.modelId,
    count: total.count,
    accuracyMetric: taskAccuracyMetric(task),
    exactAccuracy: total.exact / Math.max(1, total.count),
    cellAccuracy: cellsRight / Math.max(1, cellsToFill),
    verifiedRate: total.verified / Math.max(1, total.count),
    verifiedButWrong,
    abstained,
    wrong,
    // A candidate model searches without being asked to.
    ...(results.some((result) => result.cost.branches !== undefined) ? { search: searchCosts(results, rows, branches, deadEnds) } : {}),
    byLevel: withAccuracy(byLevel),
    byRating: withAccuracy(byRating),
    stepsHistogram,
    meanSteps: stepSum / Math.max(1, total.count),
    haltedShare: halted / Math.max(1, total.count),
    haltedPrecision: halted > 0 ? haltedRight / halted : null,
    meanSampleSteps: sampleSteps / Math.max(1, total.count),
    puzzlesPerSecond: total.count / run.seconds,
    seconds: run.seconds,
    settings: run.settings,
  };
}

function searchCosts(results: readonly SolveResult<any>[], rows: readonly Row[], branches: number, deadEnds: number): NonNullable<EvaluationReport['search']> {
  const steps = results.map((result) => result.cost.sampleSteps).sort((a, b) => a - b);
  const at = (share: number) => steps[Math.min(steps.length - 1, Math.floor(share * steps.length))] ?? 0;
  const ratings = rows.map((row) => Number(row.rating)).filter((rating) => Number.isFinite(rating));
  const mean = (value: (result: SolveResult<any>) => number | undefined) => results.reduce((sum, result) => sum + (value(result) ?? 0), 0) / Math.max(1, results.length);
  const narrows = results.some((result) => result.cost.eliminations !== undefined);
  return {
    meanBranches: branches / Math.max(1, results.length),
    meanDeadEnds: deadEnds / Math.max(1, results.length),
    ...(narrows ? { meanEliminations: mean((result) => result.cost.eliminations), meanFallbacks: mean((result) => result.cost.fallbacks) } : {}),
    // Answers found without a single branch point: deduction (the rules and the network) alone.
    deductionOnly: results.filter((result) => result.verified && result.cost.branches === 0).length / Math.max(1, results.length),
    medianNetworkSteps: at(0.5),
    p99NetworkSteps: at(0.99),
    ...(ratings.length === rows.length && rows.length > 0 ? { meanRating: ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length } : {}),
  };
}

/** --plot writes the SVG; the report goes to stdout as JSON (--json) or as lines for people. */
async function writeReport(report: EvaluationReport, values: EvalValues, io: CliIo) {
  if (values.plot) {
    try {
      await writeFileAtomic(values.plot, await renderEvaluation(report));
    } catch (error) {
      throw new InvalidInputError({ field: '--plot', message: `cannot write ${values.plot}: ${(error as Error).message}`, value: values.plot, cause: error });
    }
    io.stderr(`wrote ${values.plot}`);
  }
  if (values.json) io.stdout(JSON.stringify(report));
  else printReport(report, io);
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function getBucket(map: Map<string, Bucket>, key: string): Bucket {
  let bucket = map.get(key);
  if (!bucket) map.set(key, (bucket = { count: 0, exact: 0, verified: 0 }));
  return bucket;
}

function printReport(report: EvaluationReport, io: CliIo) {
  const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
  io.stdout(`${report.dataset}: ${report.count} puzzles, model ${report.model}`);
  io.stdout(`${report.accuracyMetric.replace(/-/g, ' ')} ${percent(report.exactAccuracy)}, cells ${percent(report.cellAccuracy)}, verified ${percent(report.verifiedRate)}, mean steps ${report.meanSteps.toFixed(2)}, ${report.puzzlesPerSecond.toFixed(1)} puzzles/s`);
  for (const [title, buckets] of [['level', report.byLevel], ['rating', report.byRating]] as const) {
    for (const [name, bucket] of Object.entries(buckets)) io.stdout(`  ${title} ${name.padEnd(10)} ${percent(bucket.exactAccuracy).padStart(6)}  (${bucket.exact}/${bucket.count}), verified ${percent(bucket.verified / bucket.count)}`);
  }
  io.stdout(`right ${report.count - report.wrong - report.abstained}, wrong ${report.wrong}, abstained ${report.abstained}${report.verifiedButWrong > 0 ? `, VERIFIED BUT WRONG ${report.verifiedButWrong}` : ''}`);
  if (report.search) io.stdout(`search: ${report.search.meanBranches.toFixed(1)} branch points and ${report.search.meanDeadEnds.toFixed(1)} dead ends per puzzle${report.search.meanEliminations !== undefined ? `, ${report.search.meanEliminations.toFixed(1)} candidates dropped by the network and ${(report.search.meanFallbacks ?? 0).toFixed(1)} fallbacks` : ''}, ${(100 * report.search.deductionOnly).toFixed(1)}% solved without branching, network steps median ${report.search.medianNetworkSteps}, p99 ${report.search.p99NetworkSteps}${report.search.meanRating !== undefined ? `; the data's mean rating ${report.search.meanRating.toFixed(1)}` : ''}`);
  io.stdout(`halted by itself: ${percent(report.haltedShare)}${report.haltedPrecision === null ? '' : `, of which right ${percent(report.haltedPrecision)}`}`);
  io.stdout(`steps: ${Object.entries(report.stepsHistogram).map(([steps, count]) => `${steps}:${count}`).join(' ')}`);
}

/** Writes the report's accuracies into the manifest, replacing earlier figures for the same data and settings. */
async function recordMetrics(manifestPath: string, report: EvaluationReport, command: string) {
  const manifest = parseModelManifest(JSON.parse(await readFile(manifestPath, 'utf8')));
  const measuredAt = new Date().toISOString();
  const entries: MeasuredMetric[] = [
    { dataset: report.dataset, subset: 'all', metric: report.accuracyMetric, value: report.exactAccuracy, count: report.count, command, settings: report.settings, measuredAt },
    // Levels when the file has them (difficulty levels), else the task's rating buckets (e.g. path-length bands).
    ...Object.entries(Object.keys(report.byLevel).length > 0 ? report.byLevel : report.byRating).map(([level, bucket]) => ({
      dataset: report.dataset,
      subset: `${Object.keys(report.byLevel).length > 0 ? 'level' : 'rating'}:${level}`,
      metric: report.accuracyMetric,
      value: bucket.exactAccuracy,
      count: bucket.count,
      command,
      settings: report.settings,
      measuredAt,
    })),
  ];
  const same = (a: MeasuredMetric, b: MeasuredMetric) => a.dataset === b.dataset && a.subset === b.subset && JSON.stringify(a.settings) === JSON.stringify(b.settings);
  const metrics = [...manifest.metrics.filter((old) => !entries.some((entry) => same(old, entry))), ...entries];
  try {
    // Replaced whole: a full disk leaves the manifest as it was, never half written (the model would no longer load).
    await writeFileAtomic(manifestPath, `${JSON.stringify({ ...manifest, metrics }, null, 2)}\n`);
  } catch (error) {
    throw new InvalidInputError({ field: '--record', message: `cannot write ${manifestPath}: ${(error as Error).message}`, value: manifestPath, cause: error });
  }
}
