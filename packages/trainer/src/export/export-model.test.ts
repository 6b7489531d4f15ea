import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '@trm/core';
import { fullDisk } from '../testing/full-disk';
import { noisyCopy, tinyArchitecture } from '../testing/test-models';
import { runTraining } from '../training/run-training';
import { depthTrainedAt, exportModel } from './export-model';

// Tests run as root, where permissions stop nothing: a full disk is simulated instead.
vi.mock('node:fs/promises', async (original) => (await import('../testing/full-disk')).withFullDisk(await original()));

describe('export of a run with a depth curriculum', () => {
  const full = { cycles: 2, latentSteps: 2, maxSupervisionSteps: 16 };
  const stages = [
    { fromStep: 0, cycles: 1, latentSteps: 1 },
    { fromStep: 390, cycles: 2, latentSteps: 1 },
    { fromStep: 780, cycles: 2, latentSteps: 2 },
  ];

  it('runs a model stopped mid-curriculum at the depth it was last trained at', () => {
    expect(depthTrainedAt(full, stages, 725)).toEqual({ ...full, cycles: 2, latentSteps: 1 });
    expect(depthTrainedAt(full, stages, 390)).toEqual({ ...full, cycles: 1, latentSteps: 1 }); // steps 0-389 ran shallow
    expect(depthTrainedAt(full, stages, 1300)).toEqual(full);
  });

  it('leaves runs without a curriculum at their own depth', () => {
    expect(depthTrainedAt(full, undefined, 500)).toEqual(full);
  });
});

describe('export on a full disk', () => {
  const folders: string[] = [];
  afterEach(() => {
    fullDisk.file = undefined;
  });
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it.each(['model.onnx', 'manifest.json'])('a write of %s that fails leaves the model before it whole (weights and manifest), and no temporary file', async (file) => {
    const out = await mkdtemp(join(tmpdir(), 'trm-export-'));
    folders.push(out);
    const architecture = tinyArchitecture({ hiddenSize: 16, channelInnerSize: 32, sequenceInnerSize: 16 });
    const common = { architecture, recursion: { latentSteps: 1, cycles: 1, maxSupervisionSteps: 2 }, data: noisyCopy(1), batchSize: 4, seed: 1, outDirectory: out, checkpointEvery: 1 };
    const options = { checkpointDirectory: out, task: 'test-task', vocabulary: Array.from({ length: 11 }, (_, index) => String(index)), training: { engine: 'test', data: 'noisy copy', commit: 'test', command: 'test', hyperparameters: {} } };
    (await runTraining({ ...common, steps: 1, resume: false })).dispose();
    await exportModel(options);
    const before = { onnx: await readFile(join(out, 'model.onnx')), manifest: await readFile(join(out, 'manifest.json'), 'utf8') };
    (await runTraining({ ...common, steps: 2, resume: true })).dispose();
    fullDisk.file = file;
    const error = await exportModel(options).catch((failure: unknown) => failure);
    fullDisk.file = undefined;
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'out', message: expect.stringMatching(/cannot write .*model\.onnx and its manifest: ENOSPC/) });
    expect(Buffer.compare(await readFile(join(out, 'model.onnx')), before.onnx)).toBe(0);
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(before.manifest);
    expect(JSON.parse(before.manifest).training.steps).toBe(1);
    expect((await readdir(out)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
