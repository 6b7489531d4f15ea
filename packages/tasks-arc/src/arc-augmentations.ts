import type { Random } from '@trm/core';
import { type ArcGrid, type ArcPair, arcMaxSide } from './arc-task';

/** The 8 symmetries of the square: a mirror (left-right) when >= 4, then 0-3 quarter turns clockwise. */
export type ArcDihedral = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const arcDihedrals: readonly ArcDihedral[] = [0, 1, 2, 3, 4, 5, 6, 7];

/**
 * One augmentation: a symmetry, a colour permutation (`colours[c]` is what colour c becomes;
 * 0, the background, stays 0) and, for training only, where the grids sit on the canvas.
 */
export interface ArcAugmentation {
  dihedral: ArcDihedral;
  colours: readonly number[];
  offset?: { row: number; column: number };
}

const mirror = (grid: ArcGrid): ArcGrid => grid.map((row) => [...row].reverse());
const turnClockwise = (grid: ArcGrid): ArcGrid => grid[0]!.map((_, column) => grid.map((row) => row[column]!).reverse());
const turnCounterClockwise = (grid: ArcGrid): ArcGrid => grid[0]!.map((_, column) => grid.map((row) => row[row.length - 1 - column]!));

export function applyArcDihedral(dihedral: ArcDihedral, grid: ArcGrid): ArcGrid {
  let out = dihedral >= 4 ? mirror(grid) : grid.map((row) => [...row]);
  for (let turn = 0; turn < dihedral % 4; turn++) out = turnClockwise(out);
  return out;
}

export function invertArcDihedral(dihedral: ArcDihedral, grid: ArcGrid): ArcGrid {
  let out = grid.map((row) => [...row]);
  for (let turn = 0; turn < dihedral % 4; turn++) out = turnCounterClockwise(out);
  return dihedral >= 4 ? mirror(out) : out;
}

export const identityColours: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function inverseColours(colours: readonly number[]): number[] {
  const inverse = new Array<number>(10);
  colours.forEach((to, from) => (inverse[to] = from));
  return inverse;
}

/** A grid as the augmentation shows it: turned and mirrored, colours permuted. */
export function applyArcAugmentation(augmentation: ArcAugmentation, grid: ArcGrid): ArcGrid {
  return applyArcDihedral(augmentation.dihedral, grid).map((row) => row.map((cell) => augmentation.colours[cell]!));
}

/** Maps an answer to an augmented input back to the original task's frame. */
export function invertArcAugmentation(augmentation: ArcAugmentation, grid: ArcGrid): ArcGrid {
  const inverse = inverseColours(augmentation.colours);
  return invertArcDihedral(augmentation.dihedral, grid.map((row) => row.map((cell) => inverse[cell]!)));
}

export function augmentArcPair(augmentation: ArcAugmentation, pair: ArcPair): ArcPair {
  return { input: applyArcAugmentation(augmentation, pair.input), output: applyArcAugmentation(augmentation, pair.output) };
}

/**
 * A random augmentation: any symmetry, colours 1-9 shuffled (0 kept). With `translateFor`, the
 * grids of that size (largest height and width over a pair, after the symmetry) get a random
 * offset that keeps them on the `side` x `side` canvas (30 unless given); for training only.
 */
export function randomArcAugmentation(random: Random, { translateFor, side = arcMaxSide }: { translateFor?: { height: number; width: number }; side?: number } = {}): ArcAugmentation {
  const dihedral = random.int(8) as ArcDihedral;
  const colours = [0, ...random.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9])];
  if (!translateFor) return { dihedral, colours };
  const turned = dihedral % 2 === 1;
  const height = turned ? translateFor.width : translateFor.height;
  const width = turned ? translateFor.height : translateFor.width;
  return { dihedral, colours, offset: { row: random.int(Math.max(1, side - height + 1)), column: random.int(Math.max(1, side - width + 1)) } };
}

/** One candidate answer, already mapped back to the task's frame; null when it was not a grid. */
export interface ArcCandidate {
  grid: ArcGrid | null;
  /** The halting head's confidence, sigmoid(q_halt), for breaking ties. */
  confidence: number;
}

export interface ArcVote {
  grid: ArcGrid;
  votes: number;
  meanConfidence: number;
}

/**
 * Votes the answers of augmented copies: most votes first, ties broken by the mean halting
 * confidence; the first two are the pass@2 attempts.
 */
export function voteArcAnswers(candidates: readonly ArcCandidate[], top = 2): ArcVote[] {
  const tally = new Map<string, { grid: ArcGrid; votes: number; confidence: number }>();
  for (const { grid, confidence } of candidates) {
    if (!grid) continue;
    const key = JSON.stringify(grid);
    const entry = tally.get(key) ?? { grid, votes: 0, confidence: 0 };
    entry.votes++;
    entry.confidence += confidence;
    tally.set(key, entry);
  }
  return [...tally.values()]
    .map(({ grid, votes, confidence }) => ({ grid, votes, meanConfidence: confidence / votes }))
    .sort((a, b) => b.votes - a.votes || b.meanConfidence - a.meanConfidence)
    .slice(0, top);
}
