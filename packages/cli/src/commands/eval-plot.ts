import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { EvaluationReport } from './evaluation-report';

/**
 * An evaluation as one SVG: accuracy by level (or by rating bucket when the data has no levels)
 * with the share verified beside it, and the histogram of supervision steps used.
 */
export async function renderEvaluation(report: EvaluationReport): Promise<string> {
  const buckets = Object.keys(report.byLevel).length > 0 ? report.byLevel : report.byRating;
  const by = Object.keys(report.byLevel).length > 0 ? 'level' : 'rating';
  const bars = [
    { bucket: 'all', measure: report.accuracyMetric, value: report.exactAccuracy, count: report.count },
    ...Object.entries(buckets).map(([bucket, entry]) => ({ bucket, measure: report.accuracyMetric, value: entry.exactAccuracy, count: entry.count })),
    { bucket: 'all', measure: 'verified', value: report.verifiedRate, count: report.count },
    ...Object.entries(buckets).map(([bucket, entry]) => ({ bucket, measure: 'verified', value: entry.verified / entry.count, count: entry.count })),
  ];
  const steps = Object.entries(report.stepsHistogram).map(([step, count]) => ({ steps: Number(step), count }));
  const settings = Object.entries(report.settings).map(([key, value]) => `${key} ${value}`).join(', ');
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${report.model} on ${report.dataset}`, subtitle: `${report.count} puzzles; ${settings}` },
    hconcat: [
      {
        data: { values: bars },
        width: { step: 18 },
        height: 220,
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'bucket', type: 'nominal', title: by, sort: null },
          xOffset: { field: 'measure' },
          y: { field: 'value', type: 'quantitative', title: 'share of puzzles', scale: { domain: [0, 1] } },
          color: { field: 'measure', type: 'nominal', title: null },
        },
      },
      {
        data: { values: steps },
        width: 260,
        height: 220,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'steps', type: 'ordinal', title: 'supervision steps used' },
          y: { field: 'count', type: 'quantitative', title: 'puzzles' },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
