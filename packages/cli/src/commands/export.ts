import { InvalidInputError } from '@trm/core';
import { exportModel } from '@trm/trainer';
import { parseCommandArguments } from '../arguments';
import { loadTask } from '../tasks';

export const exportUsage = 'trm export --checkpoint DIR [--task <task> (default: the run\'s)] [--out FILE.onnx] [--weights ema|live] [--grid HxW (conv: the size the manifest states; the graph runs any square grid)]';

export async function exportCommand(argv: string[], io: { stdout: (line: string) => void }) {
  const { values } = parseCommandArguments(argv, {
    checkpoint: { type: 'string' },
    out: { type: 'string' },
    weights: { type: 'string' },
    task: { type: 'string' },
    grid: { type: 'string' },
  });
  if (!values.checkpoint) throw new InvalidInputError({ field: '--checkpoint', message: 'required: the training output directory' });
  const weights = values.weights ?? 'ema';
  if (weights !== 'ema' && weights !== 'live') throw new InvalidInputError({ field: '--weights', message: 'expected ema or live', value: weights });
  let grid: { height: number; width: number } | undefined;
  if (values.grid !== undefined) {
    const match = /^(\d+)x(\d+)$/.exec(values.grid);
    if (!match || Number(match[1]) < 2 || Number(match[1]) > 256 || Number(match[2]) < 2 || Number(match[2]) > 256) {
      throw new InvalidInputError({ field: '--grid', message: 'expected HxW with sides from 2 to 256, e.g. 48x48', value: values.grid });
    }
    grid = { height: Number(match[1]), width: Number(match[2]) };
  }
  const task = values.task === undefined ? undefined : (await loadTask(values.task)).task;
  const result = await exportModel({ checkpointDirectory: values.checkpoint, task: task?.name, vocabulary: task?.codec.vocabulary, out: values.out, weights, grid });
  io.stdout(`wrote ${result.onnxPath} (${result.manifest.weights[0]!.bytes} bytes, sha256 ${result.manifest.weights[0]!.sha256}) and ${result.manifestPath}`);
}
