import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, ModelLoadError } from '@trm/core';
import { exportModel } from '../export/export-model';
import { noisyCopy, tinyArchitecture } from '../testing/test-models';
import { loadCheckpoint } from './checkpoint';
import { runTraining } from './run-training';
import { TrainingDivergedError } from './training-diverged-error';

const architecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceInnerSize: 16 });
const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 2 };
const vocabulary = Array.from({ length: architecture.vocabularySize }, (_, index) => String(index));
const training = { engine: 'test', data: 'noisy copy', commit: 'test', command: 'test', hyperparameters: {} };

/** Fails with a typed error of `type` whose message and field match. */
async function refused(promise: Promise<unknown>, type: { isInstance(error: unknown): boolean }, match: { message: RegExp; field?: string }) {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(type.isInstance(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(match.message);
  if (match.field !== undefined) expect((error as { field?: string }).field).toBe(match.field);
  return error as Error;
}

describe('runTraining when things go wrong', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-run-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });
  const common = (out: string) => ({ architecture, recursion, data: noisyCopy(1), batchSize: 4, seed: 1, outDirectory: out, checkpointEvery: 1, resume: false });

  it('a learning rate of 1e30 stops at the first non-finite loss with a TrainingDivergedError naming the step and loss; the overflowing weights saved before it do not export', async () => {
    const out = join(directory, 'diverges');
    const error = await refused(runTraining({ ...common(out), steps: 20, optimizer: { learningRate: 1e30, warmupSteps: 0 } }), TrainingDivergedError, { message: /^step 2: the loss is NaN \(learning rate 1e\+30\)/, field: 'loss' });
    expect((error as TrainingDivergedError).step).toBe(2);
    // Step 1's weights are finite (about 1e30) and were checkpointed; step 2's NaN was not.
    const { header } = await loadCheckpoint(out);
    expect(header.step).toBe(1);
    // Those weights overflow at the first step, so no model is made of them.
    await refused(exportModel({ checkpointDirectory: out, task: 'test-task', vocabulary, training }), TrainingDivergedError, { message: /^step 1: the ema weights give non-finite (logits|q_halt|y_out|z_out) on a blank input/, field: 'weights' });
    expect((await readdir(out)).filter((name) => name.endsWith('.onnx') || name.includes('manifest'))).toEqual([]);
  });

  it('a model of healthy weights exports and its manifest names the step', async () => {
    const out = join(directory, 'healthy');
    (await runTraining({ ...common(out), steps: 2 })).dispose();
    const exported = await exportModel({ checkpointDirectory: out, task: 'test-task', vocabulary, training });
    expect(exported.manifest.training.steps).toBe(2);
    expect(existsSync(exported.onnxPath)).toBe(true);
  });

  it('exports nothing from a checkpoint with non-finite weights', async () => {
    const out = join(directory, 'nan-export');
    (await runTraining({ ...common(out), steps: 1 })).dispose();
    // A checkpoint written before sha256s were recorded (format v1), with a NaN weight.
    const json = JSON.parse(await readFile(join(out, 'checkpoint.json'), 'utf8'));
    delete json.binary;
    json.format = 'trm-checkpoint-v1';
    await writeFile(join(out, 'checkpoint.json'), JSON.stringify(json));
    const bytes = await readFile(join(out, 'checkpoint.bin'));
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(0, Number.NaN, true);
    await writeFile(join(out, 'checkpoint.bin'), bytes);
    await refused(exportModel({ checkpointDirectory: out, task: 'test-task', vocabulary, training, out: join(out, 'export', 'model.onnx') }), ModelLoadError, { message: /holds NaN at index 0/ });
    expect(existsSync(join(out, 'export'))).toBe(false);
  });

  it('resuming a checkpoint of another architecture is an InvalidInputError naming the field', async () => {
    const out = join(directory, 'resume-other');
    (await runTraining({ ...common(out), steps: 1 })).dispose();
    await refused(runTraining({ ...common(out), architecture: { ...architecture, hiddenSize: 32, channelInnerSize: 64 }, steps: 2, resume: true }), InvalidInputError, { message: /architecture\.hiddenSize: the checkpoint in .* has hiddenSize 16, this run asks for 32/, field: 'architecture.hiddenSize' });
    await refused(runTraining({ ...common(out), architecture: { ...architecture, vocabularySize: 12 }, steps: 2, resume: true }), InvalidInputError, { message: /vocabularySize 11, this run asks for 12/, field: 'architecture.vocabularySize' });
  });

  it('a metrics file that cannot be written is an InvalidInputError naming outDirectory, and the trainer is released', async () => {
    const out = join(directory, 'metrics-blocked');
    await mkdir(join(out, 'metrics.jsonl'), { recursive: true });
    await refused(runTraining({ ...common(out), steps: 2 }), InvalidInputError, { message: /^outDirectory: cannot write .*metrics\.jsonl: EISDIR/, field: 'outDirectory' });
  });

  it('an output folder under a regular file is an InvalidInputError naming outDirectory', async () => {
    const file = join(directory, 'a-file');
    await writeFile(file, 'x');
    await refused(runTraining({ ...common(join(file, 'run')), steps: 1 }), InvalidInputError, { message: /^outDirectory: cannot make the folder/, field: 'outDirectory' });
    expect(await readdir(directory)).not.toContain('run');
  });
});
