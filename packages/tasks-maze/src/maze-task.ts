import { InvalidInputError, type ModelSourceV1, packagedModelSource, type TaskV1 } from '@trm/core';
import defaultManifest from '../model/manifest.json';
import { applyMazeSymmetry, invertMazeSymmetry, type MazeSymmetry } from './maze-augmentations';
import { MAZE_SIDES, MAZE_SIZE, decodeMaze, encodeMaze, formatMaze, mazeSide, parseMazeString, prettyMaze } from './maze-codec';
import { type MazeBand, createMazeGenerator, mazeBandOf, mazeBands } from './maze-generator';
import { type MazeAnswer, type MazePuzzle, mazeInputSchema, mazeLikeSide, parseMazeInput } from './maze-input';
import { isValidShortestPath } from './maze-rules';
import { mazeDomain } from './maze-domain';
import { createMazeTrainingData } from './maze-training-data';
import { mazeVocabulary } from './maze-codec';

// A literal path, so bundlers that follow `new URL(..., import.meta.url)` copy the file.
export const mazeModelUrl: URL = /* @__PURE__ */ new URL('../model/maze-trm-conv.onnx', import.meta.url);

/** The shipped model; `weights` where a bundle serves the file instead (see `packagedModelSource`). */
export function packagedMazeModel(weights: URL | string | Uint8Array = mazeModelUrl): ModelSourceV1 {
  return packagedModelSource(defaultManifest, weights);
}

const bandNames = Object.keys(mazeBands) as MazeBand[];

function parseBands(value: unknown, field: string): MazeBand[] | undefined {
  if (value === undefined) return undefined;
  const bands = Array.isArray(value) ? value : String(value).split(',');
  for (const band of bands) if (!bandNames.includes(band as MazeBand)) throw new InvalidInputError({ field, message: `expected bands among ${bandNames.join(', ')}`, value: band });
  return bands as MazeBand[];
}

/**
 * Bands of a training size: below 20x20 hard mazes (scaled) are rare enough that making them
 * would compete with training for the CPU, so small sizes train on medium and long paths.
 */
export function defaultTrainingBands(side: number): MazeBand[] {
  return side < 20 ? ['medium', 'long'] : ['medium', 'long', 'hard'];
}

/**
 * Mazes as a task: square grids of side 8-64, find a shortest path from S to G. Random mazes
 * often have several shortest paths: any of them is right, so correctness is the rules'.
 */
export const mazeTask: TaskV1<MazePuzzle, MazeAnswer> = {
  specificationVersion: 'v1',
  name: 'maze',
  description: 'square mazes (side 8-64): mark a shortest path from S to G through free cells',
  codec: {
    vocabulary: mazeVocabulary,
    sequenceLength: MAZE_SIZE * MAZE_SIZE,
    grid: { height: MAZE_SIZE, width: MAZE_SIZE },
    sides: MAZE_SIDES,
    encode: (input) => encodeMaze(input.maze),
    decode: (tokens) => decodeMaze(tokens),
    inputFromTokens: (tokens) => ({ maze: decodeMaze(tokens) }),
  },
  inputSchema: mazeInputSchema,
  parseInput: (input, options) => parseMazeInput(input, 'maze', options?.grid?.height),
  detect: (input) => (mazeLikeSide(input) > 0 ? 1 : 0),
  grid: (input) => {
    const side = mazeSide(input.maze);
    return { height: side, width: side };
  },
  verify: (input, answer) => isValidShortestPath(input.maze, answer),
  correctness: 'verify',
  // Candidate sets per cell (on a shortest path or off it), narrowed exactly: a search is right or abstains.
  domain: mazeDomain,
  accuracyMetric: 'valid-shortest-path',
  formatAnswer: formatMaze,
  formatInput: (input) => formatMaze(input.maze),
  parseAnswer: (text) => parseMazeString(text, 'answer', { allowPath: true }),
  prettyAnswer: (answer) => prettyMaze(answer),
  prettyInput: (input) => prettyMaze(input.maze),
  verifiedMeans: 'the marked path is a shortest path from S to G through free cells',
  unverifiedMeans: 'the marked cells are not a shortest path from S to G, or the maze was changed',
  augment(input, random) {
    const symmetry = random.int(8) as MazeSymmetry;
    return { input: { maze: applyMazeSymmetry(symmetry, input.maze) }, restore: (answer) => invertMazeSymmetry(symmetry, answer) };
  },
  ratingBucket: (pathLength, input) => mazeBandOf(pathLength, mazeSide(input.maze)) ?? 'other',
  training: {
    options: {
      bands: { type: 'string', list: true, choices: bandNames, description: 'path-length bands mixed in equal parts (default: medium,long below 20x20, and hard from 20x20)' },
      target: { type: 'string', choices: ['canonical', 'augmented'], description: 'the canonical path of each augmented maze (default), or the generator\'s path turned with it' },
      'reveal-steps': { type: 'number', integer: true, min: 0, max: 64, description: 'per-step targets: the path revealed from G over the first K supervision steps' },
    },
    data: (options) => {
      const side = options.side ?? MAZE_SIZE;
      return createMazeTrainingData({
        seed: options.seed,
        side,
        bands: parseBands(options.bands, 'bands') ?? defaultTrainingBands(side),
        target: options.target as 'canonical' | 'augmented' | undefined,
        revealSteps: options['reveal-steps'] as number | undefined,
      });
    },
    /** Held-out mazes (test split by wall layout) of one side. */
    heldOut: ({ count, seed, side = MAZE_SIZE, bands }) => {
      const generators = (parseBands(bands, 'bands') ?? defaultTrainingBands(side)).map((band, index) => createMazeGenerator({ seed: seed + 104_729 * index, band, side, split: 'test' }));
      return Array.from({ length: count }, (_, index) => formatMaze(generators[index % generators.length]!.next().maze));
    },
  },
  dataset: {
    options: { band: { type: 'string', choices: bandNames, description: 'path-length band (default hard; bands scale with the side)' } },
    *generate({ count, seed, split, side = MAZE_SIZE, band }) {
      const chosen = (band ?? 'hard') as MazeBand;
      if (!bandNames.includes(chosen)) throw new InvalidInputError({ field: 'band', message: `expected one of ${bandNames.join(', ')}`, value: band });
      const generator = createMazeGenerator({ seed, band: chosen, split, side });
      const source = `trm-maze${side === MAZE_SIZE ? '' : `${side}x${side}`}-${chosen}-${split}-seed${seed}`;
      for (let index = 0; index < count; index++) {
        const { maze, answer, pathLength } = generator.next();
        yield { source, question: formatMaze(maze), answer: formatMaze(answer), rating: pathLength };
      }
    },
  },
  defaults: {
    // Conv: a maze is local, and its weights run at any size (the paper's MLP mixer scored 0%).
    architecture: { mixer: 'conv', hiddenSize: 64, kernelSize: 3, dilation: 1 },
    recursion: { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 },
    // The rules narrow exactly, so a search is always right and one network step orders its dive.
    search: { steps: 2000, stepsPerState: 1, dive: true },
  },
  packagedModel: () => packagedMazeModel(),
};

/** Parses a printed maze answer (path cells marked "o") against the task's rules. */
export function parseMazeAnswer(text: string): MazeAnswer {
  return parseMazeString(text, 'answer', { allowPath: true });
}
