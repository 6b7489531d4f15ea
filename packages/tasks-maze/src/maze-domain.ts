import type { TaskDomainV1 } from '@trm/core';
import { MazeCell, mazeVocabulary } from './maze-codec';
import type { MazePuzzle } from './maze-input';
import { findCell, mazeDistances } from './maze-search';

const V = mazeVocabulary.length;

/**
 * Which cells a shortest S-G path may still use, given a state: a free cell is on the path
 * (`o` its only candidate), off it (free its only one), or open (both). Exact, by the layers of
 * the shortest paths: in the graph of cells that may be on the path, every path of the shortest
 * length D visits one cell per distance k from S (a layer), so a cell is on some path that fits
 * the state iff it is reachable from S and reaches G through cells one layer apart, with every
 * layer holding a decided path cell restricted to it. Null when no shortest path fits.
 */
export function feasiblePathCells(maze: ArrayLike<number>, mask: Uint8Array): { feasible: Uint8Array; layer: Int32Array; shortest: number } | null {
  const cells = maze.length;
  const { start, goal, shortest } = endsOf(maze);
  if (shortest < 0) return null;
  const onPath = (cell: number) => mask[cell * V + MazeCell.path] === 1;
  const offPath = (cell: number) => mask[cell * V + MazeCell.free] === 1;
  const allowed = (cell: number) => cell === goal || cell === start || (maze[cell] === MazeCell.free && onPath(cell));
  for (let cell = 0; cell < cells; cell++) {
    if (maze[cell] === MazeCell.free && !onPath(cell) && !offPath(cell)) return null; // no candidate left
  }
  const layer = mazeDistances(maze, start, allowed);
  if (layer[goal] !== shortest) return null;
  // The decided path cells: one per layer at most, each inside the layered graph.
  const decidedAt = new Int32Array(shortest + 1).fill(-1);
  for (let cell = 0; cell < cells; cell++) {
    if (maze[cell] !== MazeCell.free || !onPath(cell) || offPath(cell)) continue;
    const k = layer[cell]!;
    if (k <= 0 || k >= shortest || decidedAt[k] !== -1) return null;
    decidedAt[k] = cell;
  }
  const usable = (cell: number) => {
    const k = layer[cell]!;
    return allowed(cell) && k >= 0 && k <= shortest && (decidedAt[k] === -1 || decidedAt[k] === cell || cell === start || cell === goal);
  };
  // Neighbours in the allowed graph differ by at most one layer, so a usable path as short as the
  // layers allow climbs one layer a move: reached from S in `layer` moves, reaching G in the rest.
  const fromStart = mazeDistances(maze, start, usable);
  const toGoal = mazeDistances(maze, goal, usable);
  if (fromStart[goal] !== shortest) return null;
  const feasible = new Uint8Array(cells);
  for (let cell = 0; cell < cells; cell++) {
    const k = layer[cell]!;
    feasible[cell] = maze[cell] === MazeCell.free && k > 0 && fromStart[cell] === k && toGoal[cell] === shortest - k ? 1 : 0;
  }
  return { feasible, layer, shortest };
}

/** S, G and the shortest S-G length of a maze (-1 when unreachable), once per maze: a search asks per state. */
const ends = new WeakMap<object, { start: number; goal: number; shortest: number }>();
function endsOf(maze: ArrayLike<number>): { start: number; goal: number; shortest: number } {
  let known = ends.get(maze);
  if (!known) {
    const start = findCell(maze, MazeCell.start);
    const goal = findCell(maze, MazeCell.goal);
    const shortest = start < 0 || goal < 0 ? -1 : mazeDistances(maze, start, (cell) => maze[cell] !== MazeCell.wall)[goal]!;
    known = { start, goal, shortest };
    ends.set(maze, known);
  }
  return known;
}

/** The candidates of each free cell that a shortest path fitting the state allows: 'o' where one passes, free where one avoids it. */
function compatible(maze: ArrayLike<number>, mask: Uint8Array): Uint8Array | null {
  const found = feasiblePathCells(maze, mask);
  if (!found) return null;
  const { feasible, layer, shortest } = found;
  // A shortest path uses exactly one cell of each layer: a layer's only feasible cell is on every one.
  const perLayer = new Int32Array(shortest + 1);
  for (let cell = 0; cell < maze.length; cell++) if (feasible[cell]) perLayer[layer[cell]!]!++;
  const result = new Uint8Array(mask.length);
  for (let cell = 0; cell < maze.length; cell++) {
    if (maze[cell] !== MazeCell.free) {
      result[cell * V + maze[cell]!] = 1;
      continue;
    }
    if (feasible[cell]) result[cell * V + MazeCell.path] = 1;
    if (!feasible[cell] || perLayer[layer[cell]!]! > 1) result[cell * V + MazeCell.free] = 1;
  }
  return result;
}

/**
 * Mazes as candidate sets: walls, S and G decided; each free cell on a shortest path (`o`) or off
 * it. The rules narrow exactly (see `feasiblePathCells`): after `narrow` every open cell is on some
 * shortest path that fits the state and off another, so a search never meets a dead end, and the
 * network's part is the choice among equally short paths.
 */
export const mazeDomain: TaskDomainV1<MazePuzzle> = {
  candidates({ maze }) {
    const mask = new Uint8Array(maze.length * V);
    for (let cell = 0; cell < maze.length; cell++) {
      if (maze[cell] === MazeCell.free) {
        mask[cell * V + MazeCell.free] = 1;
        mask[cell * V + MazeCell.path] = 1;
      } else mask[cell * V + maze[cell]!] = 1;
    }
    return mask;
  },
  narrow({ maze }, mask) {
    const narrowed = compatible(maze, mask);
    if (!narrowed) return false;
    for (let index = 0; index < mask.length; index++) mask[index] = mask[index]! & narrowed[index]!;
    return true;
  },
  tokens({ maze }, mask) {
    const tokens = new Int32Array(maze.length);
    for (let cell = 0; cell < maze.length; cell++) {
      const decidedOn = maze[cell] === MazeCell.free && mask[cell * V + MazeCell.path] === 1 && mask[cell * V + MazeCell.free] === 0;
      tokens[cell] = decidedOn ? MazeCell.path : maze[cell]!;
    }
    return tokens;
  },
  target: ({ maze }, mask) => compatible(maze, mask),
};
