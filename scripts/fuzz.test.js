// Property-based fuzzing (fast-check) of the public parsers and entry points: every input gives
// a typed error or a correct result, never another exception, a hang or a 500.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrmError, createRandom, parseModelManifest, resolveSolveOptions } from '@trm/core';
import { createMockRuntime, testManifest } from '@trm/core/test';
import { createRouter } from '@trm/router';
import { mazeTask, parseMazeString } from '@trm/tasks-maze';
import { parseSudokuString, solveSudoku, sudokuTask } from '@trm/tasks-sudoku';
import { main } from '@trm/cli';
import { task as latinTask } from '../examples/custom-task/latin-square.js';

const runs = Number(process.env.TRM_FUZZ_RUNS ?? 300);

/** Calls `fn`; a thrown error must be one of the SDK's typed errors, with a field. */
function typedOrValue(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    if (!TrmError.isInstance(error)) throw new Error(`untyped ${error?.name}: ${error?.message}`);
    expect(typeof error.message).toBe('string');
    return { error };
  }
}

// Strings near the formats (digits, maze characters, separators) find more than random text.
const gridish = fc.string({ unit: fc.constantFrom('.', '0', '1', '5', '9', '#', ' ', 'S', 'G', 'o', '\n', '|', '-', 'x'), maxLength: 1200 });
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), gridish, fc.array(fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 10 }), { maxLength: 10 }));

describe('fuzz: task input parsers', () => {
  for (const task of [sudokuTask, mazeTask, latinTask]) {
    it(`${task.name}: parseInput gives a typed error or an input that encodes to the codec's shape`, () => {
      fc.assert(
        fc.property(anyJson, (raw) => {
          const outcome = typedOrValue(() => task.parseInput(raw));
          if (outcome.value) {
            const tokens = task.codec.encode(outcome.value);
            const grid = task.grid?.(outcome.value);
            expect(tokens.length).toBe(grid ? grid.height * grid.width : task.codec.sequenceLength);
            expect(tokens.every((token) => token >= 0 && token < task.codec.vocabulary.length)).toBe(true);
            // detect never throws, on anything
            expect(task.detect(raw)).toBeGreaterThanOrEqual(0);
          }
        }),
        { numRuns: runs },
      );
    });
  }

  it('sudoku and maze text parsers and the backtracking solver: typed errors only', () => {
    fc.assert(
      fc.property(gridish, (text) => {
        typedOrValue(() => parseSudokuString(text));
        typedOrValue(() => parseMazeString(text, 'maze', { allowPath: true }));
        typedOrValue(() => solveSudoku(text));
      }),
      { numRuns: runs },
    );
  });
});

describe('fuzz: options, manifests, router requests', () => {
  const optionValue = fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double(), fc.string({ maxLength: 4 }), fc.constant(undefined), fc.constant(null), fc.boolean());
  const options = fc.dictionary(fc.constantFrom('maxSteps', 'minSteps', 'fixedSteps', 'verifySteps', 'patience', 'copies', 'noise', 'seed', 'maxStep', 'halting'), optionValue, { maxKeys: 4 });

  it('solve options: a typed error naming the key, or bounded, consistent settings', () => {
    fc.assert(
      fc.property(fc.oneof(options, anyJson), (raw) => {
        const outcome = typedOrValue(() => resolveSolveOptions(raw));
        if (outcome.error) expect(outcome.error.field).toMatch(/^options/);
        else {
          const { halting, copies } = outcome.value;
          expect(copies).toBeGreaterThanOrEqual(1);
          if (halting.mode === 'adaptive') expect(halting.minSteps).toBeLessThanOrEqual(halting.maxSteps);
        }
      }),
      { numRuns: runs },
    );
  });

  it('manifests: parseModelManifest refuses bad ones with a typed error', () => {
    const good = testManifest();
    const mutated = fc.record({ key: fc.constantFrom(...Object.keys(good), 'extra'), value: anyJson }).map(({ key, value }) => ({ ...good, [key]: value }));
    fc.assert(fc.property(fc.oneof(mutated, anyJson), (raw) => void typedOrValue(() => parseModelManifest(raw))), { numRuns: runs });
  });

  it('router requests: every request settles, as an answer whose verified flag is honest or as a typed error', async () => {
    const manifest = { ...testManifest({ sequenceLength: 81, vocabularySize: 11 }), id: 'sudoku:mock', task: 'sudoku' };
    const runtime = createMockRuntime({ manifest, script: { answer: ({ tokens }) => Array.from(tokens), qHalt: () => 1 } });
    const { createSpecialist } = await import('@trm/core');
    const router = createRouter({ specialists: [createSpecialist(sudokuTask, { manifest, weights: new Uint8Array() })], runtime });
    const request = fc.oneof(anyJson, fc.record({ task: fc.oneof(fc.constant('sudoku'), fc.string({ maxLength: 6 }), fc.integer()), input: anyJson }));
    await fc.assert(
      fc.asyncProperty(request, options, async (raw, solveOptions) => {
        try {
          const result = await router.solve(raw, solveOptions);
          // The mock repeats the puzzle, so the answer verifies only if the puzzle was already full and right.
          expect(result.verified).toBe(!result.answer.includes('0'));
        } catch (error) {
          if (!TrmError.isInstance(error)) throw new Error(`untyped ${error?.name}: ${error?.message}`);
        }
      }),
      { numRuns: Math.min(runs, 200) },
    );
    await router.dispose();
  });
});

describe('fuzz: CLI arguments', () => {
  it('any arguments: exit code 0, 1 for usage, 2 for typed errors; never an uncaught error', async () => {
    const flag = fc.constantFrom('--max-steps', '--min-steps', '--fixed-steps', '--copies', '--noise', '--seed', '--threads', '--batch-size', '--json', '--bogus', '--task', '--input', '--model');
    const word = fc.oneof(fc.constantFrom('solve', 'eval', 'data', 'export', 'curves', 'sudoku', 'maze', 'toString', '__proto__', 'constructor', '0x10', '-1', '1e9', 'NaN', '', '/dev/null'), fc.string({ maxLength: 8 }));
    const argv = fc.tuple(fc.constantFrom('solve', 'eval', 'data', 'export', 'curves', 'frobnicate'), fc.array(fc.oneof(flag, word), { maxLength: 6 }));
    await fc.assert(
      fc.asyncProperty(argv, async ([command, rest]) => {
        const stderr = [];
        // Solving is kept out: a valid puzzle would run the model; every other path is exercised.
        const args = [command, ...rest.filter((arg) => !/^[0-9.]{81}$/.test(arg))];
        const code = await main(args, { stdout: () => {}, stderr: (line) => stderr.push(line) });
        expect([0, 1, 2]).toContain(code);
        expect(stderr.join('\n')).not.toMatch(/^error: .*\n\s+at /m); // no stack traces
      }),
      { numRuns: Math.min(runs, 150) },
    );
  });
});

describe('fuzz: random generators round-trip through the parsers', () => {
  it('a generated latin-square puzzle always parses and its generator square verifies', async () => {
    const { randomPuzzle } = await import('../examples/custom-task/latin-square.js');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 36 }), (seed, blanks) => {
        const { givens, solution } = randomPuzzle(createRandom(seed), [blanks, blanks]);
        const input = latinTask.parseInput(latinTask.formatInput({ givens }));
        expect(latinTask.verify(input, solution)).toBe(true);
      }),
      { numRuns: runs },
    );
  });
});

describe('fuzz: service bodies (examples/node-service, real models)', () => {
  it('any body, any bytes: a result or a typed 4xx naming what is wrong, never a 500', async () => {
    const { buildApp } = await import('../examples/node-service/app.js');
    const { createSudokuGenerator, formatSudoku } = await import('@trm/tasks-sudoku');
    const app = await buildApp();
    const puzzle = formatSudoku(createSudokuGenerator({ seed: 12 }).next().puzzle);
    // Real puzzles with a few cells changed, wrapped every way the service accepts, besides random JSON.
    const mutated = fc.array(fc.tuple(fc.integer({ min: 0, max: 80 }), fc.constantFrom('.', '0', '5', 'x', '')), { maxLength: 3 }).map((edits) => edits.reduce((text, [at, to]) => text.slice(0, at) + to + text.slice(at + 1), puzzle));
    const entry = fc.oneof(
      anyJson,
      mutated,
      fc.record({ task: fc.oneof(fc.constantFrom('sudoku', 'maze', 'latin'), fc.jsonValue({ maxDepth: 1 })), input: fc.oneof(mutated, anyJson) }, { requiredKeys: [] }),
      fc.record({ input: mutated, options: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.constantFrom('maxSteps', 'fixedSteps', 'copies', 'noise', 'seed', 'signal', 'x'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })) }),
    );
    const payload = fc.oneof(
      fc.oneof(entry, fc.array(entry, { maxLength: 5 })).map((body) => ({ text: JSON.stringify(body) ?? 'null', type: 'application/json' })),
      fc.record({ text: fc.string({ maxLength: 60 }), type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', '') }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(payload, async ({ text, type }) => {
          const response = await app.inject({ method: 'POST', url: '/solve', payload: text, headers: type ? { 'content-type': type } : {} });
          expect(response.statusCode).not.toBe(500);
          const body = response.json();
          const entries = response.statusCode === 200 && Array.isArray(body) ? body : [{ status: response.statusCode, ...body }];
          for (const one of entries) {
            expect([200, 400, 413, 415]).toContain(one.status);
            if (one.status !== 200) {
              expect(one.error.name).toMatch(/Error$/);
              expect(typeof one.error.message).toBe('string');
            } else expect(typeof one.answer).toBe('string');
          }
        }),
        { numRuns: Math.min(runs, 200) },
      );
    } finally {
      await app.close();
    }
  });
});
