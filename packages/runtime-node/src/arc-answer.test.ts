import { afterAll, describe, expect, it } from 'vitest';
import { createSolver } from '@trm/core';
import { type ArcStepEvent, answerArcTask, createArc } from '@trm/tasks-arc';
import { createNodeRuntime } from './node-runtime';

// The shipped ARC model on a small task with two test inputs of different shapes.
const task = {
  train: [
    { input: [[1, 0, 0], [0, 2, 0]], output: [[0, 0, 1], [0, 2, 0]] },
    { input: [[3, 3], [0, 4]], output: [[3, 3], [4, 0]] },
  ],
  test: [{ input: [[5, 0], [0, 6]] }, { input: [[7, 0, 8]] }],
};

describe('answerArcTask step events (what the web page shows)', () => {
  const solverPromise = createSolver({ specialist: createArc(), runtime: createNodeRuntime({ threads: 1 }) });
  afterAll(async () => (await solverPromise).dispose());

  it('report each test input as given, step by step, ending where a plain solve of it ends, with the same votes', async () => {
    const solver = await solverPromise;
    const solve = { fixedSteps: 3 };
    const events: ArcStepEvent[] = [];
    const watched = await answerArcTask(solver, task, { variants: 4, solve, onStep: (event) => events.push(event) });
    const plain = await answerArcTask(solver, task, { variants: 4, solve });
    expect(watched).toEqual(plain);
    for (const testIndex of [0, 1]) {
      const mine = events.filter((event) => event.testIndex === testIndex);
      expect(mine.map((event) => event.step)).toEqual([1, 2, 3]);
      const alone = await solver.solve({ task, testIndex }, solve);
      expect(mine.at(-1)!.grid ?? []).toEqual(alone.value);
      expect(mine.at(-1)!.confidence).toBeCloseTo(alone.confidence, 5);
    }
  });

  it('refuses an onStep that is not a function, naming it', async () => {
    const solver = await solverPromise;
    await expect(answerArcTask(solver, task, { onStep: 3 as never })).rejects.toMatchObject({ field: 'onStep' });
  });
});
