import { readFile } from 'node:fs/promises';
import { InvalidInputError, type SolveResult, TrmError, createSolver } from '@trm/core';
import { loadIsolatedTask } from '@trm/core/node';
import { numberOption, parseCommandArguments } from '../arguments';
import { parseCsv, withoutByteOrderMark } from '../csv';
import { haltingFlags, solveOptionsFromFlags } from '../halting-options';
import { createRouter } from '@trm/router';
import { builtInSpecialists, builtInTaskPackage, builtInTasks, loadSpecialist, loadTask, taskArgument, withoutTaskArgument } from '../tasks';
import { runtimeFlags, runtimeFromFlags } from '../runtime-options';
import type { CliIo } from '../cli-io';
import { solveQuestionFiles } from './question-files';

export const solveUsage = `trm solve --input FILE --json                  (mixed requests, each line routed; adds "task")
  trm solve <task> <puzzle> [--json]               (<task>: ${Object.keys(builtInTasks).join(', ')}, a task module file or package; or --task <task>)
  trm solve <task> --input FILE --json             (one puzzle per line, or a CSV with a "question" column)
  trm solve <task> FILE... [--json] [--adapt STEPS] [--adapt-weights embedding|all] [--variants V]   (tasks whose questions are whole files: the attempts for each question; --adapt trains on the file's demonstrations first)
      options: [--max-steps 16] [--min-steps 1] [--fixed-steps N] [--verify-steps N] [--patience P] [--copies K] [--noise S] [--seed S]
               [--search-steps N (tasks with candidate sets: narrow and branch up to N network steps, else abstain; with --max-steps 1-4 per state; 0: the network alone, for a model that searches by default)]
               [--dive | --no-dive (in a search: follow one network step's scores down, stepping again only after a dead end; default: the manifest's)]
               [--model manifest.json] [--device auto|cpu|gpu (default auto: CUDA where it works, else CPU)] [--threads N] [--batch-size 64]
               [--task-budget-ms 1000] (a task module's own detect, parseInput and verify run in a worker thread, stopped past this per call)`;

/** One puzzle of an input file and the line it is on (1-based, counting blank lines). */
export interface PuzzleLine {
  readonly line: number;
  readonly text: string;
}

/**
 * A refused line as printed beside its error: cut like an error's `received` (its line number
 * says which it was), so a 10 MB line is not written back whole.
 */
function echoedInput(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Reads puzzles from a file: a CSV with a `question` column, or one puzzle per line. */
export async function readPuzzleFile(path: string): Promise<PuzzleLine[]> {
  let text: string;
  try {
    text = withoutByteOrderMark(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InvalidInputError({ field: '--input', message: `cannot read ${path}: ${(error as Error).message}`, value: path, cause: error });
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.split(',').includes('question')) {
    // Line numbers of the data rows, blank lines counted, as an editor shows them.
    const lines = text.split(/\r?\n/);
    const rowLines = lines.map((line, index) => ({ line, number: index + 1 })).filter((entry, index) => index > 0 && entry.line.trim() !== '').map((entry) => entry.number);
    return parseCsv(text, '--input').map((row, index) => ({ line: rowLines[index] ?? index + 2, text: row.question! }));
  }
  // Lines are kept as they are: a grid line's leading and trailing spaces are cells.
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ line: index + 1, text: line }))
    .filter((entry) => entry.text.trim() !== '');
}

/** Without a task: every line (raw puzzle text or a JSON object) goes to the specialist it fits. */
async function solveRouted(values: Record<string, unknown> & { input?: string; json?: boolean }, io: CliIo): Promise<number> {
  if (!values.input) throw new InvalidInputError({ field: '--input', message: 'without a task, give --input FILE (one request per line)' });
  const entries = await readPuzzleFile(values.input);
  const lines = entries.map((entry) => entry.text);
  const specialists = await builtInSpecialists();
  const router = createRouter({ specialists, runtime: runtimeFromFlags(values) });
  const requests = lines.map((line) => {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) return line;
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return line;
    }
  });
  const { options } = solveOptionsFromFlags(values);
  let failures = 0;
  try {
    // Every line is checked first; the valid ones are then solved in one call, fed to the
    // batches at the pace they free up (a 10,000-line file never overflows the queue).
    const checked = requests.map((request, index) => {
      try {
        return { index, routed: router.parse(request) };
      } catch (reason) {
        return { index, reason };
      }
    });
    const valid = checked.filter((entry) => 'routed' in entry);
    const results = await router.solveMany(valid.map((entry) => entry.routed!), options);
    const byIndex = new Map(valid.map((entry, at) => [entry.index, results[at]!]));
    checked.forEach(({ index, reason }) => {
      const result = byIndex.get(index);
      if (result) {
        const { task, answer, steps, verified, halted, converged, confidence, cost } = result;
        const line = { task, input: lines[index], answer, steps, verified, halted, converged, confidence: Number(confidence.toFixed(4)), cost };
        io.stdout(values.json ? JSON.stringify(line) : `${task}: ${answer} (${steps} steps, ${verified ? 'verified' : 'not verified'})`);
      } else {
        failures++;
        // A line that breaks something below the SDK (a stack overflow on absurd nesting) is that line's error.
        const error = TrmError.isInstance(reason) ? reason : new InvalidInputError({ field: 'input', message: `cannot be read: ${(reason as Error)?.message ?? String(reason)}`, cause: reason });
        const line = entries[index]!.line;
        const body = { task: null, input: echoedInput(lines[index]!), error: { name: error.name, field: `line ${line}: ${error.field ?? ''}`, message: error.message } };
        if (values.json) io.stdout(JSON.stringify(body));
        else io.stderr(`${error.name}: ${error.message} (line ${line})`);
      }
    });
  } finally {
    await router.dispose();
  }
  return failures > 0 ? 2 : 0;
}

export async function solveCommand(argv: string[], io: CliIo): Promise<number> {
  const spec = taskArgument(argv);
  const { values, positionals } = parseCommandArguments(spec === undefined ? argv : withoutTaskArgument(argv, spec), {
    input: { type: 'string' },
    json: { type: 'boolean' },
    model: { type: 'string' },
    'batch-size': { type: 'string' },
    variants: { type: 'string' },
    adapt: { type: 'string' },
    'adapt-weights': { type: 'string' },
    'task-budget-ms': { type: 'string' },
    ...haltingFlags,
    ...runtimeFlags,
  });
  if (spec === undefined) return solveRouted(values, io);
  const loaded = await loadTask(spec);
  // A task of the user's own runs its detect, parseInput and verify in a worker thread, each call
  // bounded: a hook that loops is a TaskTimeoutError for that line, not a frozen command.
  const budgetMs = numberOption(values, 'task-budget-ms', 1000, { integer: true, min: 1, max: 3_600_000 });
  const task = builtInTaskPackage(loaded.task.name) !== undefined ? loaded.task : await loadIsolatedTask(loaded.module, { exportName: loaded.exportName, budgetMs });
  // Tasks whose questions are whole files answer each file's questions by their own protocol.
  if (task.files && !values.input) return solveQuestionFiles(task as Parameters<typeof solveQuestionFiles>[0], positionals, values, io);
  const puzzles: PuzzleLine[] = values.input ? await readPuzzleFile(values.input) : positionals.map((text, index) => ({ line: index + 1, text }));
  if (puzzles.length === 0) throw new InvalidInputError({ field: 'puzzle', message: 'give a puzzle or --input FILE' });
  const { options: inference } = solveOptionsFromFlags(values);
  const batchSize = numberOption(values, 'batch-size', 64, { integer: true, min: 1, max: 65_536 });
  const specialist = await loadSpecialist(task, values.model);
  let failures = 0;
  // Every input is checked before the model loads: bad lines cost no session, and are reported in place.
  const parsed = puzzles.map((puzzle) => {
    try {
      specialist.parseInput(puzzle.text);
      return { puzzle, error: null };
    } catch (error) {
      if (!TrmError.isInstance(error)) throw error;
      failures++;
      return { puzzle, error: { name: error.name, field: values.input ? `line ${puzzle.line}` : (error.field ?? 'puzzle'), message: error.message } };
    }
  });
  const print = (entry: (typeof parsed)[number], result?: SolveResult<unknown>) => {
    if (entry.error || !result) {
      if (values.json) io.stdout(JSON.stringify({ task: task.name, input: echoedInput(entry.puzzle.text), error: entry.error }));
      else io.stderr(`${entry.error!.name}: ${entry.error!.message} (${entry.error!.field})`);
      return;
    }
    if (values.json) {
      io.stdout(JSON.stringify({ task: task.name, input: entry.puzzle.text, answer: result.answer, steps: result.steps, verified: result.verified, halted: result.halted, converged: result.converged, confidence: Number(result.confidence.toFixed(4)), ...(result.abstained !== undefined ? { abstained: result.abstained } : {}), ...(result.candidates ? { candidates: result.candidates } : {}), cost: result.cost }));
      return;
    }
    const input = specialist.parseInput(entry.puzzle.text);
    const prettyInput = task.prettyInput ? task.prettyInput(input) : task.formatInput(input);
    const prettyAnswer = task.prettyAnswer ? task.prettyAnswer(result.value, input) : result.answer;
    io.stdout(`puzzle:\n${prettyInput}\n\nanswer:\n${prettyAnswer}\n`);
    // A search's own line says what it spent; the step count of its last state would mislead.
    if (result.cost.branches === undefined) io.stdout(`steps: ${result.steps}${result.halted ? ' (halted by the model)' : ''}${result.converged ? ' (stopped: the answer had stopped changing)' : ''}${result.cost.copies > 1 ? `, ${result.cost.copies} augmented copies, ${result.cost.sampleSteps} steps in all` : ''}`);
    if (result.abstained) io.stdout(`abstained: the search spent its ${result.cost.sampleSteps} network steps (${result.cost.branches} branch points, ${result.cost.deadEnds} dead ends) without an answer the rules accept; the answer above is the network's guess`);
    else if (result.cost.branches !== undefined) io.stdout(`search: ${counted(result.cost.branches, 'branch point')}, ${counted(result.cost.deadEnds ?? 0, 'dead end')}, ${counted(result.cost.sampleSteps, 'network step')}`);
    io.stdout(`verified: ${result.verified ? `yes, ${task.verifiedMeans ?? "the task's rules accept the answer"}` : `no, ${task.unverifiedMeans ?? "the task's rules refuse the answer"}`}`);
    io.stdout(`confidence: ${(100 * result.confidence).toFixed(1)}%  model: ${result.modelId}`);
  };
  if (parsed.every((entry) => entry.error)) {
    for (const entry of parsed) print(entry);
    return 2;
  }
  const solver = await createSolver({ specialist, runtime: runtimeFromFlags(values) });
  try {
    // Streamed: answers print chunk by chunk, in input order, so a 100k-line file shows progress.
    const chunk = Math.max(1024, 16 * batchSize);
    for (let start = 0; start < parsed.length; start += chunk) {
      const part = parsed.slice(start, start + chunk);
      const valid = part.filter((entry) => entry.error === null);
      const results = valid.length > 0 ? await solver.solveMany(valid.map((entry) => entry.puzzle.text), { ...inference, batchSize }) : [];
      let next = 0;
      for (const entry of part) print(entry, entry.error ? undefined : results[next++]);
    }
  } finally {
    await solver.dispose();
  }
  return failures > 0 ? 2 : 0;
}

/** "1 network step", "2 network steps". */
function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
