import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkerTrainingData } from './worker-training-data';

// A data module as a task package would export it: a seeded factory of endless examples.
const dataModule = `
export function createCountingData(options) {
  let value = options.seed;
  return {
    description: 'counting from ' + options.seed,
    next() {
      value = (value * 1103515245 + 12345) % 2147483648;
      return { tokens: Int32Array.of(value % 7, value % 11), labels: Int32Array.of(value % 13, value % 5) };
    },
  };
}
export function createBrokenData() {
  throw new Error('bad options');
}
`;

async function writeDataModule() {
  const directory = await mkdtemp(join(tmpdir(), 'trm-worker-data-'));
  const path = join(directory, 'data.mjs');
  await writeFile(path, dataModule);
  return path;
}

describe('training data made on a worker thread', () => {
  it('yields the same examples, in the same order, as the factory on the main thread', async () => {
    const path = await writeDataModule();
    const inline = (await import(path)).createCountingData({ seed: 42 });
    const worker = await createWorkerTrainingData({ module: path, exportName: 'createCountingData', options: { seed: 42 }, bufferSize: 16 });
    expect(worker.description).toBe('counting from 42');
    for (let round = 0; round < 5; round++) {
      await worker.ready(10);
      for (let index = 0; index < 10; index++) {
        const expected = inline.next();
        const actual = worker.next();
        expect([...actual.tokens, ...actual.labels]).toEqual([...expected.tokens, ...expected.labels]);
      }
    }
    await worker.close();
  });

  it('serves a request larger than its buffer', async () => {
    const path = await writeDataModule();
    const worker = await createWorkerTrainingData({ module: path, exportName: 'createCountingData', options: { seed: 1 }, bufferSize: 4 });
    await worker.ready(20);
    for (let index = 0; index < 20; index++) expect(worker.next().tokens.length).toBe(2);
    await worker.close();
  });

  it('reports a factory that throws instead of hanging', async () => {
    const path = await writeDataModule();
    await expect(createWorkerTrainingData({ module: path, exportName: 'createBrokenData', options: {} })).rejects.toThrow(/bad options/);
  });

  it('refuses next() before ready() rather than returning nothing', async () => {
    const path = await writeDataModule();
    const worker = await createWorkerTrainingData({ module: path, exportName: 'createCountingData', options: { seed: 3 }, bufferSize: 4 });
    await worker.ready(4);
    for (let index = 0; index < 4; index++) worker.next();
    // The buffer is empty until the worker answers the top-up request.
    expect(() => {
      for (let index = 0; index < 100; index++) worker.next();
    }).toThrow(/ready/);
    await worker.close();
  });
});

describe('a worker data source and the process', () => {
  // Handles that keep the event loop alive (unref'd ones are not listed).
  const alive = () => process.getActiveResourcesInfo().filter((name) => name === 'MessagePort' || name === 'Worker').length;

  it('an idle source keeps nothing alive, so a run that fails without closing it still exits', async () => {
    const path = await writeDataModule();
    const before = alive();
    const worker = await createWorkerTrainingData({ module: path, exportName: 'createCountingData', options: { seed: 5 }, bufferSize: 8 });
    await worker.ready(8);
    expect(alive()).toBe(before);
    await worker.close();
  });

  it('a wait for examples does keep the process alive until they come', async () => {
    const path = await writeDataModule();
    const worker = await createWorkerTrainingData({ module: path, exportName: 'createCountingData', options: { seed: 6 }, bufferSize: 4 });
    const before = alive();
    const waiting = worker.ready(5000);
    expect(alive()).toBeGreaterThan(before);
    await waiting;
    expect(alive()).toBe(before);
    await worker.close();
  });
});
