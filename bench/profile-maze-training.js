// Per-node profile of one training step of the shipped maze model at 30x30, batch 32, 2 threads:
// `node bench/profile-maze-training.js` prints each op type's share of the kernel time (one JSON
// line) from onnxruntime's profile. Inputs are placeholders: the time does not depend on them.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { buildTrainingGraph } from '@trm/trainer';
import { maze } from '@trm/tasks-maze';
import { parseModelManifest, withGrid } from '@trm/core';
const shipped = parseModelManifest(maze.model.manifest);
const architecture = withGrid(shipped.architecture, { height: 30, width: 30 });
const { bytes } = buildTrainingGraph({ architecture, recursion: shipped.recursion, batchSize: 32 });
const session = await ort.InferenceSession.create(bytes, { enableProfiling: true, profileFilePrefix: join(tmpdir(), 'trm-maze-training'), intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
const feeds = {};
for (const meta of session.inputMetadata) {
  const shape = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const size = shape.reduce((a, b) => a * b, 1);
  const type = meta.type;
  feeds[meta.name] = type === 'int32' ? new ort.Tensor('int32', new Int32Array(size).fill(0), shape) : type === 'int64' ? new ort.Tensor('int64', new BigInt64Array(size), shape) : new ort.Tensor('float32', Float32Array.from({ length: size }, () => 0.01 * Math.random()), shape);
}
for (let i = 0; i < 3; i++) await session.run(feeds);
session.endProfiling();
await session.release();
// The binding does not return the file's name: the newest one with the prefix.
const file = readdirSync(tmpdir()).filter((name) => name.startsWith('trm-maze-training') && name.endsWith('.json')).sort().at(-1);
const events = JSON.parse(readFileSync(join(tmpdir(), file), 'utf8'));
rmSync(join(tmpdir(), file));
const byOp = {};
for (const event of events) if (event.cat === 'Node' && event.name.endsWith('_kernel_time')) byOp[event.args.op_name] = (byOp[event.args.op_name] ?? 0) + event.dur;
const total = Object.values(byOp).reduce((a, b) => a + b, 0);
const shares = Object.fromEntries(Object.entries(byOp).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([op, time]) => [op, Number((time / total).toFixed(3))]));
console.log(JSON.stringify({ bench: 'maze-training-profile', grid: '30x30', batchSize: 32, threads: 2, kernelSeconds: Number((total / 1e6).toFixed(2)), shares }));
