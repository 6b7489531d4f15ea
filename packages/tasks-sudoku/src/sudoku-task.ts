import { InvalidInputError, type ModelSourceV1, packagedModelSource, type TaskV1 } from '@trm/core';
import tokenManifest from '../model/manifest.json';
import setsManifest from '../model/sets/manifest.json';
import { sudokuDomain } from './sudoku-domain';
import { decodeSudoku, encodeSudoku, formatSudoku, parseSudokuString, prettySudoku, sudokuVocabulary } from './sudoku-codec';
import { isValidSolution } from './sudoku-rules';
import { applySudokuAugmentation, invertSudokuAugmentation, randomSudokuAugmentation } from './sudoku-augmentations';
import { createSudokuTrainingData } from './sudoku-training-data';
import { createSudokuGenerator, gradeOf } from './sudoku-generator';
import { type SudokuAnswer, type SudokuPuzzle, parseSudokuInput, sudokuInputSchema, looksLikeSudoku } from './sudoku-input';

/**
 * The default model shipped in this package, as a URL bundlers can follow: the candidate model. It
 * reads each state's pencil marks, narrows them and always searches, so an answer is right or it abstains.
 */
// Literal paths, so bundlers that follow `new URL(..., import.meta.url)` copy the files.
export const sudokuModelUrl: URL = /* @__PURE__ */ new URL('../model/sets/sudoku-sets-h64.onnx', import.meta.url);

/** The default model as a model source; `weights` where a bundle serves the file instead (see `packagedModelSource`). */
export function packagedSudokuModel(weights: URL | string | Uint8Array = sudokuModelUrl): ModelSourceV1 {
  return packagedModelSource(setsManifest, weights);
}

/** The earlier token model (it rewrites the whole grid each step; no search unless asked), still shipped. */
export const sudokuTokenModelUrl: URL = /* @__PURE__ */ new URL('../model/sudoku-trm-mlp-h128.onnx', import.meta.url);

/** The token model as a model source; `weights` where a bundle serves the file instead. */
export function packagedSudokuTokenModel(weights: URL | string | Uint8Array = sudokuTokenModelUrl): ModelSourceV1 {
  return packagedModelSource(tokenManifest, weights);
}

/** "MIN-MAX" givens of a training mix, 17 <= MIN <= MAX <= 80. */
function parseGivens(value: unknown): [number, number] | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^(\d+)-(\d+)$/.exec(value) : null;
  if (!match || Number(match[1]) > Number(match[2]) || Number(match[1]) < 17 || Number(match[2]) > 80) {
    throw new InvalidInputError({ field: 'givens', message: 'expected MIN-MAX with 17 <= MIN <= MAX <= 80', value });
  }
  return [Number(match[1]), Number(match[2])];
}

/** Sudoku as a task: 81 cells, one solution per puzzle, so right means equal to the reference. */
export const sudokuTask: TaskV1<SudokuPuzzle, SudokuAnswer> = {
  specificationVersion: 'v1',
  name: 'sudoku',
  description: '9x9 sudoku: fill every blank so each row, column and box holds 1-9 once',
  codec: {
    vocabulary: sudokuVocabulary,
    sequenceLength: 81,
    grid: { height: 9, width: 9 },
    encode: (input) => encodeSudoku(input.givens),
    decode: (tokens) => decodeSudoku(tokens),
    inputFromTokens: (tokens) => ({ givens: decodeSudoku(tokens) }),
  },
  inputSchema: sudokuInputSchema,
  parseInput: (input) => parseSudokuInput(input),
  detect: looksLikeSudoku,
  verify: (input, answer) => isValidSolution(input.givens, answer),
  domain: sudokuDomain,
  // Evaluation puzzles have one solution, so right means equal to the reference.
  correctness: 'exact',
  accuracyMetric: 'exact-accuracy',
  formatAnswer: (answer) => formatSudoku(answer, '0'),
  formatInput: (input) => formatSudoku(input.givens, '.'),
  parseAnswer: (text) => parseSudokuString(text, 'answer'),
  prettyAnswer: (answer) => prettySudoku(answer),
  prettyInput: (input) => prettySudoku(input.givens),
  verifiedMeans: 'the answer obeys every rule and keeps every given',
  unverifiedMeans: 'the answer breaks a rule or changes a given',
  augment(input, random) {
    const augmentation = randomSudokuAugmentation(random);
    return {
      input: { givens: applySudokuAugmentation(augmentation, input.givens) },
      restore: (answer) => invertSudokuAugmentation(augmentation, answer),
    };
  },
  ratingBucket: (rating) => gradeOf(rating),
  training: {
    options: {
      givens: { type: 'string', description: 'MIN-MAX: each puzzle keeps a number of givens drawn from the range (easier puzzles mixed in)' },
      'hard-share': { type: 'number', min: 0, max: 1, description: 'share of mined hard minimal puzzles' },
      'min-dead-ends': { type: 'number', integer: true, min: 0, description: 'dead ends of the backtracking solver a mined hard puzzle needs (default 64)' },
    },
    data: (options) =>
      createSudokuTrainingData({
        seed: options.seed,
        givens: parseGivens(options.givens),
        hardShare: options['hard-share'] as number | undefined,
        minDeadEnds: options['min-dead-ends'] as number | undefined,
      }),
    heldOut: ({ count, seed }) => {
      const generator = createSudokuGenerator({ seed: seed ^ 0x5eed });
      return Array.from({ length: count }, () => formatSudoku(generator.next().puzzle, '.'));
    },
  },
  dataset: {
    options: { 'min-givens': { type: 'number', integer: true, min: 17, max: 80, description: 'stop removing givens at this count (default 17: minimal puzzles)' } },
    *generate({ count, seed, split, ...options }) {
      // The split picks a seed stream; training data uses its own seeds (see createSudokuTrainingData).
      const generator = createSudokuGenerator({ seed: split === 'test' ? seed * 2 + 1 : seed * 2, minGivens: options['min-givens'] as number | undefined });
      for (let index = 0; index < count; index++) {
        const puzzle = generator.next();
        yield { question: formatSudoku(puzzle.puzzle, '.'), answer: formatSudoku(puzzle.solution, '0'), level: puzzle.grade, rating: puzzle.rating };
      }
    },
  },
  defaults: {
    // A small MLP-mixer with shallow recursion: what trains well on two CPU cores.
    architecture: { mixer: 'mlp', hiddenSize: 128 },
    recursion: { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 },
  },
  packagedModel: () => packagedSudokuModel(),
};
