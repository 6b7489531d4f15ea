import { z } from 'zod';
import { InvalidInputError, ManifestError, type ModelSourceV1, type SpecialistV1, parseModelManifest } from '@trm/core';
import defaultManifest from '../model/manifest.json';
import { applyMazeSymmetry, invertMazeSymmetry, type MazeSymmetry } from './maze-augmentations';
import { MAZE_CELLS, MAZE_SIZE, decodeMaze, encodeMaze, formatMaze, parseMazeString } from './maze-codec';
import { isValidShortestPath, mazeProblem } from './maze-rules';

export interface MazePuzzle {
  readonly maze: Uint8Array;
}
export type MazeAnswer = Uint8Array;
export type MazeSpecialist = SpecialistV1<MazePuzzle, MazeAnswer>;

const mazeText = z.string().describe('900 cells (30 rows of 30, newlines allowed): "#" wall, " " free, one "S" start, one "G" goal');
const mazeGrid = z
  .array(z.union([z.string().length(30), z.array(z.string().length(1)).length(30)]))
  .length(30)
  .describe('30 rows, each a 30-character string or 30 one-character strings');

/** The raw maze inputs `parseMazeInput` takes, as a schema (published by routers and services). */
export const mazeInputSchema = z.union([mazeText, mazeGrid, z.object({ maze: z.union([mazeText, mazeGrid]) })]);

/** Accepts 900 characters (or 30 lines), a 30x30 grid of one-character strings, or `{ maze }`. */
export function parseMazeInput(input: unknown, field = 'maze'): MazePuzzle {
  let maze: Uint8Array;
  if (typeof input === 'string') maze = parseMazeString(input, field);
  else if (Array.isArray(input)) {
    if (input.length !== MAZE_SIZE || !input.every((row) => (typeof row === 'string' && row.length === MAZE_SIZE) || (Array.isArray(row) && row.length === MAZE_SIZE))) {
      throw new InvalidInputError({ field, message: 'expected 30 rows of 30 cells', value: input });
    }
    maze = parseMazeString(input.map((row) => (Array.isArray(row) ? row.join('') : row)).join(''), field);
  } else if (typeof input === 'object' && input !== null && 'maze' in input) {
    return parseMazeInput((input as { maze: unknown }).maze, field);
  } else {
    throw new InvalidInputError({ field, message: 'expected a 900-character maze or a 30x30 grid', value: input });
  }
  const problem = mazeProblem(maze);
  if (problem) throw new InvalidInputError({ field, message: problem, value: formatMaze(maze) });
  return { maze };
}

function looksLikeMaze(input: unknown): number {
  const candidate = typeof input === 'object' && input !== null && !Array.isArray(input) && 'maze' in input ? (input as { maze: unknown }).maze : input;
  const text = typeof candidate === 'string' ? candidate.replace(/[\r\n]/g, '') : Array.isArray(candidate) ? candidate.map((row) => (Array.isArray(row) ? row.join('') : String(row))).join('') : '';
  return text.length === MAZE_CELLS && /^[# SGo]+$/.test(text) && text.includes('S') && text.includes('G') ? 1 : 0;
}

export interface MazeSettings {
  /** A different model than the packaged one (manifest plus weights). */
  model?: ModelSourceV1;
}

function packagedModel(): ModelSourceV1 {
  const manifest = parseModelManifest(defaultManifest);
  const file = manifest.weights[0];
  if (!file) throw new ManifestError({ message: 'the packaged manifest lists no weights', field: 'weights' });
  return { manifest, weights: new URL(`../model/${file.path}`, import.meta.url) };
}

/** Creates the maze specialist; without settings it uses the model shipped in this package. */
export function createMaze(settings: MazeSettings = {}): MazeSpecialist {
  const model = settings.model ?? packagedModel();
  const manifest = parseModelManifest(model.manifest);
  if (manifest.task !== 'maze') throw new ManifestError({ message: `model ${manifest.id} is for task "${manifest.task}", not maze`, field: 'task' });
  if (manifest.architecture.sequenceLength !== MAZE_CELLS) throw new ManifestError({ message: 'a maze model needs sequenceLength 900', field: 'architecture.sequenceLength' });
  return {
    specificationVersion: 'v1',
    task: 'maze',
    modelId: manifest.id,
    model: { manifest, weights: model.weights },
    inputSchema: mazeInputSchema,
    parseInput: (input) => parseMazeInput(input),
    detect: looksLikeMaze,
    encode: (input) => encodeMaze(input.maze),
    decode: (tokens) => decodeMaze(tokens),
    verify: (input, answer) => isValidShortestPath(input.maze, answer),
    formatAnswer: formatMaze,
    augment(input, random) {
      const symmetry = random.int(8) as MazeSymmetry;
      return { input: { maze: applyMazeSymmetry(symmetry, input.maze) }, restore: (answer) => invertMazeSymmetry(symmetry, answer) };
    },
  };
}

/** The maze specialist with the packaged model. */
export const maze: MazeSpecialist = /* @__PURE__ */ createMaze();
