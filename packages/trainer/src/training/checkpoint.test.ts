import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fullDisk } from '../testing/full-disk';
import { InvalidInputError, ModelLoadError } from '@trm/core';
import { initializeParameters, trmParameterSpecs } from '../network/trm-parameters';
import { tinyArchitecture } from '../testing/test-models';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { TrainingDivergedError } from './training-diverged-error';

// Tests run as root, where permissions stop nothing: a full disk is simulated instead.
vi.mock('node:fs/promises', async (original) => (await import('../testing/full-disk')).withFullDisk(await original()));

const architecture = tinyArchitecture({ hiddenSize: 8, channelInnerSize: 16, sequenceInnerSize: 8, sequenceLength: 4, vocabularySize: 5 });
const recursion = { latentSteps: 1, cycles: 1, maxSupervisionSteps: 2 };

function state(seed: number) {
  const parameters = initializeParameters(architecture, seed);
  const trainable = trmParameterSpecs(architecture).filter((spec) => spec.trainable).map((spec) => spec.name);
  const copy = () => new Map(trainable.map((name) => [name, parameters.get(name)!.slice()]));
  return { parameters, ema: copy(), firstMoment: copy(), secondMoment: copy() };
}

const header = (step: number) => ({ architecture, recursion, step, examples: 4 * step, wallSeconds: 1, seed: 1, config: {} });

/** Fails with a typed error of `type` whose message and field match. */
async function refused(promise: Promise<unknown>, type: { isInstance(error: unknown): boolean }, match: { message: RegExp; field?: string | RegExp }) {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(type.isInstance(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(match.message);
  if (match.field !== undefined) expect((error as { field?: string }).field).toMatch(match.field);
}

describe('checkpoints', () => {
  let directory: string;
  let run = 0;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-checkpoint-'));
  });
  afterEach(() => {
    fullDisk.file = undefined;
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  /** A folder with a good checkpoint at step 1. */
  async function saved() {
    const folder = join(directory, `run-${run++}`);
    await saveCheckpoint(folder, header(1), state(1));
    return folder;
  }

  it('round-trips every tensor', async () => {
    const folder = await saved();
    const { header: read, groups } = await loadCheckpoint(folder);
    expect(read.step).toBe(1);
    expect(Array.from(groups.ema!.get('embedding.tokens')!)).toEqual(Array.from(state(1).ema.get('embedding.tokens')!));
  });

  it('a header that is not JSON, or not a checkpoint header, is a ModelLoadError naming checkpoint.json (and the field)', async () => {
    const folder = await saved();
    await writeFile(join(folder, 'checkpoint.json'), '{"format": "trm-checkp');
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /checkpoint\.json: not valid JSON/ });
    await writeFile(join(folder, 'checkpoint.json'), JSON.stringify({ format: 'trm-checkpoint-v1', step: -3 }));
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /checkpoint\.json: not a checkpoint header/, field: /./ });
    await refused(loadCheckpoint(join(directory, 'nowhere')), ModelLoadError, { message: /checkpoint\.json: cannot read/ });
  });

  it('a binary file one float short or one byte long is a ModelLoadError naming checkpoint.bin', async () => {
    const folder = await saved();
    const bytes = await readFile(join(folder, 'checkpoint.bin'));
    await writeFile(join(folder, 'checkpoint.bin'), bytes.subarray(0, bytes.length - 4));
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /checkpoint\.bin: holds \d+ bytes, but checkpoint\.json lists/, field: 'tensors' });
    await writeFile(join(folder, 'checkpoint.bin'), Buffer.concat([bytes, Buffer.of(0)]));
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /checkpoint\.bin: holds \d+ bytes/, field: 'tensors' });
  });

  it('tensors from another save (same size, other values) are refused by their sha256', async () => {
    const folder = await saved();
    await saveCheckpoint(join(directory, 'other'), header(2), state(2));
    await writeFile(join(folder, 'checkpoint.bin'), await readFile(join(directory, 'other', 'checkpoint.bin')));
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /checkpoint\.bin: does not match the sha256/, field: 'binary.sha256' });
  });

  it('a NaN in the tensors (a checkpoint without a recorded sha256) is a ModelLoadError naming the tensor', async () => {
    const folder = await saved();
    const json = JSON.parse(await readFile(join(folder, 'checkpoint.json'), 'utf8'));
    // Since v2 the sha256 is required: deleting it is refused by itself ...
    delete json.binary;
    await writeFile(join(folder, 'checkpoint.json'), JSON.stringify(json));
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /binary: required in trm-checkpoint-v2/, field: 'binary' });
    // ... and a v1 checkpoint (written before it was recorded) is checked value by value.
    json.format = 'trm-checkpoint-v1';
    await writeFile(join(folder, 'checkpoint.json'), JSON.stringify(json));
    const bytes = await readFile(join(folder, 'checkpoint.bin'));
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(4 * 3, Number.NaN, true); // the first tensor's fourth value
    await writeFile(join(folder, 'checkpoint.bin'), bytes);
    const first = json.tensors[0];
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /holds NaN at index 3/, field: `${first.group}.${first.name}` });
  });

  it("a header whose architecture does not fit its tensors (another network's) is a ModelLoadError, not a trainer crash", async () => {
    const folder = await saved();
    const json = JSON.parse(await readFile(join(folder, 'checkpoint.json'), 'utf8'));
    json.architecture.hiddenSize = 16;
    await writeFile(join(folder, 'checkpoint.json'), JSON.stringify(json));
    await refused(loadCheckpoint(folder), ModelLoadError, { message: /checkpoint\.json: parameters embedding\.tokens: 40 values, but the checkpoint's architecture needs 80/, field: 'tensors' });
  });

  it('non-finite weights are never saved: a TrainingDivergedError naming the step and tensor, the last checkpoint kept', async () => {
    const folder = await saved();
    const diverged = state(3);
    diverged.parameters.get('embedding.tokens')![5] = Number.POSITIVE_INFINITY;
    await refused(saveCheckpoint(folder, header(7), diverged), TrainingDivergedError, { message: /^step 7: parameters embedding\.tokens holds Infinity \(index 5\)/, field: 'parameters.embedding.tokens' });
    expect((await loadCheckpoint(folder)).header.step).toBe(1);
  });

  it.each(['checkpoint.bin', 'checkpoint.json'])('a full disk while writing %s keeps the last checkpoint whole and leaves no temporary file', async (file) => {
    const folder = await saved();
    fullDisk.file = file;
    await refused(saveCheckpoint(folder, header(2), state(2)), InvalidInputError, { message: /cannot write the checkpoint .*ENOSPC/, field: 'outDirectory' });
    fullDisk.file = undefined;
    expect((await loadCheckpoint(folder)).header.step).toBe(1);
    expect((await readdir(folder)).sort()).toEqual(['checkpoint.bin', 'checkpoint.json']);
  });
});
