// The same search on a task the SDK does not ship (no core change for it): the Latin square
// declares its candidate sets, and its puzzles, which have several valid completions, are
// solved right or abstained on.
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom, createSolver, createSpecialist } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { domain, isValidCompletion, randomPuzzle, task } from './latin-square.js';

describe('latin squares on candidate sets', () => {
  let solver;
  afterAll(() => solver?.dispose());

  it('narrowing is sound: it never drops the generator’s digit, and a target stays inside its state', () => {
    const random = createRandom(17);
    for (let index = 0; index < 30; index++) {
      const { givens, solution } = randomPuzzle(random, [10, 26]);
      const mask = domain.candidates({ givens });
      expect(domain.narrow({ givens }, mask)).toBe(true);
      for (let cell = 0; cell < 36; cell++) expect(mask[cell * 8 + solution[cell] + 1]).toBe(1);
      // A target only keeps candidates of the state (completions are drawn from it) ...
      const target = domain.target({ givens }, domain.candidates({ givens }));
      for (let index = 0; index < target.length; index++) expect(target[index] <= mask[index]).toBe(true);
      // ... and the state of the generator's own square is its target, exactly.
      const decided = domain.candidates({ givens: solution });
      expect(Array.from(domain.target({ givens }, decided.slice()))).toEqual(Array.from(decided));
    }
  });

  it('puzzles with many blanks: with a search every answer is a valid completion or an abstention, more of them right than without', async () => {
    solver = await createSolver({ specialist: createSpecialist(task), runtime: createNodeRuntime({ threads: 1 }) });
    const random = createRandom(23);
    const puzzles = Array.from({ length: 40 }, () => randomPuzzle(random, [24, 30]));
    const texts = puzzles.map(({ givens }) => task.formatInput({ givens }));
    const plain = await solver.solveMany(texts);
    const searched = await solver.solveMany(texts, { searchSteps: 400, maxSteps: 4 });
    let right = 0;
    searched.forEach((result, index) => {
      if (result.abstained) expect(result.verified).toBe(false);
      else {
        expect(isValidCompletion(puzzles[index].givens, result.value)).toBe(true);
        right++;
      }
    });
    expect(right).toBeGreaterThan(plain.filter((result) => result.verified).length);
  });
});
