import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '@trm/core';
import { writeFileAtomic } from '@trm/trainer';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { numberOption, parseCommandArguments } from '../arguments';

export const curvesUsage = 'trm curves --metrics RUN/metrics.jsonl[,OTHER/metrics.jsonl.gz] [--label conv,attention] --out FILE.svg [--every 20] [--title T]';

/** One point of a learning curve: a run, a measure, its value and the CPU-minutes spent so far. */
export interface CurvePoint {
  run: string;
  measure: string;
  cpuMinutes: number;
  step: number;
  value: number;
}

/**
 * The learning-curve points of a training run's metrics.jsonl: training loss and exact accuracy
 * at halting (averaged over `every` steps, the per-step values are noise) and each held-out
 * evaluation, against the run's CPU-minutes.
 */
export function curvePoints(text: string, run: string, every = 20): CurvePoint[] {
  const points: CurvePoint[] = [];
  let window: { loss: number; exact: number; halted: number; count: number } = { loss: 0, exact: 0, halted: 0, count: 0 };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidInputError({ field: '--metrics', message: `line ${index + 1} of ${run} is not JSON`, value: line.slice(0, 80), cause: error });
    }
    const cpuSeconds = typeof record.cpuSeconds === 'number' ? record.cpuSeconds : undefined;
    const step = Number(record.step);
    if (cpuSeconds === undefined || !Number.isFinite(step)) return;
    const cpuMinutes = cpuSeconds / 60;
    if (record.type === 'eval') {
      points.push({ run, measure: record.grid ? `held-out accuracy (${String(record.grid)})` : 'held-out accuracy', cpuMinutes, step, value: Number(record.accuracy) });
      return;
    }
    window.loss += Number(record.loss);
    if (typeof record.haltedExactAccuracy === 'number') {
      window.exact += record.haltedExactAccuracy * Number(record.halted);
      window.halted += Number(record.halted);
    }
    window.count++;
    if (window.count === every) {
      points.push({ run, measure: 'training loss', cpuMinutes, step, value: window.loss / window.count });
      if (window.halted > 0) points.push({ run, measure: 'training exact at halt', cpuMinutes, step, value: window.exact / window.halted });
      window = { loss: 0, exact: 0, halted: 0, count: 0 };
    }
  });
  return points;
}

/** Renders curves as one SVG: loss on top, accuracies below, one colour per run. */
export async function renderCurves(points: readonly CurvePoint[], title: string): Promise<string> {
  const x = { field: 'cpuMinutes', type: 'quantitative', title: 'CPU-minutes (all threads)' } as const;
  const color = { field: 'run', type: 'nominal', title: 'run', legend: { labelLimit: 320 } } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'accuracy: solid = held-out (fresh held-out inputs, at the size then trained), dashed = training exact at halt' },
    data: { values: points as unknown as Record<string, unknown>[] },
    vconcat: [
      {
        width: 560,
        height: 180,
        transform: [{ filter: "datum.measure === 'training loss'" }],
        mark: { type: 'line' },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: 'training loss', scale: { type: 'log' } }, color },
      },
      {
        width: 560,
        height: 220,
        transform: [{ filter: "datum.measure !== 'training loss'" }],
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
          color,
          // Solid: held-out accuracy (what counts); dashed: training exact at halt (flattering).
          strokeDash: { condition: { test: "indexof(datum.measure, 'held-out') === 0", value: [1, 0] }, value: [4, 3] },
          detail: { field: 'measure', type: 'nominal' },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export async function curvesCommand(argv: string[], io: { stdout: (line: string) => void }) {
  const { values } = parseCommandArguments(argv, { metrics: { type: 'string' }, label: { type: 'string' }, out: { type: 'string' }, every: { type: 'string' }, title: { type: 'string' } });
  if (!values.metrics) throw new InvalidInputError({ field: '--metrics', message: 'required: one or more metrics.jsonl files, comma-separated' });
  if (!values.out) throw new InvalidInputError({ field: '--out', message: 'required: the SVG file to write' });
  const files = values.metrics.split(',');
  const labels = values.label?.split(',') ?? files;
  if (labels.length !== files.length) throw new InvalidInputError({ field: '--label', message: `give one label per metrics file (${files.length})`, value: values.label });
  const every = numberOption(values, 'every', 20, { integer: true, min: 1 });
  const points: CurvePoint[] = [];
  for (const [index, file] of files.entries()) {
    let text: string;
    try {
      // Runs kept beside docs are gzipped (`.jsonl.gz`).
      const bytes = await readFile(file);
      text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    } catch (error) {
      throw new InvalidInputError({ field: '--metrics', message: `cannot read ${file}: ${(error as Error).message}`, value: file, cause: error });
    }
    points.push(...curvePoints(text, labels[index]!, every));
  }
  if (points.length === 0) throw new InvalidInputError({ field: '--metrics', message: 'no points: the files hold no steps with cpuSeconds', value: values.metrics });
  const svg = await renderCurves(points, values.title ?? 'learning curves');
  try {
    await writeFileAtomic(values.out, svg);
  } catch (error) {
    throw new InvalidInputError({ field: '--out', message: `cannot write ${values.out}: ${(error as Error).message}`, value: values.out, cause: error });
  }
  io.stdout(`wrote ${values.out} (${points.length} points from ${files.length} run${files.length > 1 ? 's' : ''})`);
}
