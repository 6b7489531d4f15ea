import { createRandom } from '@trm/core';
import { MAZE_SIZE, MazeCell } from './maze-codec';
import { mazeDistances, solveMaze } from './maze-search';

export interface GeneratedMaze {
  maze: Uint8Array;
  /** One shortest path (the generator's; any shortest path is a right answer). */
  answer: Uint8Array;
  /** Shortest path length in moves. */
  pathLength: number;
  /** Which split the wall layout belongs to. */
  split: 'train' | 'test';
}

/** Path-length bands at 30x30: `hard` is the reference's Maze-Hard (> 110); the others serve curricula. */
export const mazeBands = {
  short: { min: 10, max: 29 },
  medium: { min: 30, max: 60 },
  long: { min: 61, max: 110 },
  hard: { min: 111, max: 10_000 },
} as const;
export type MazeBand = keyof typeof mazeBands;

/**
 * A band's path lengths on a grid of another side, scaled with the side (paths of random mazes
 * grow about linearly with it): `hard` at 48x48 is a path over 177 moves. 30x30 keeps the table.
 */
export function mazeBandRange(band: MazeBand, side = MAZE_SIZE): { min: number; max: number } {
  const { min, max } = mazeBands[band];
  if (side === MAZE_SIZE) return { min, max };
  const scale = side / MAZE_SIZE;
  // Each band ends one move before the next begins, at every side.
  return { min: Math.max(1, Math.round(min * scale)), max: max >= 10_000 ? max : Math.round((max + 1) * scale) - 1 };
}

/** The band a path of `pathLength` moves on a grid of `side` falls in. */
export function mazeBandOf(pathLength: number, side = MAZE_SIZE): MazeBand | undefined {
  return (Object.keys(mazeBands) as MazeBand[]).find((band) => {
    const range = mazeBandRange(band, side);
    return pathLength >= range.min && pathLength <= range.max;
  });
}

/** FNV-1a over the wall layout: decides the split, so a layout is never in both. */
export function layoutSplit(maze: ArrayLike<number>): 'train' | 'test' {
  let hash = 0x811c9dc5;
  for (let cell = 0; cell < maze.length; cell++) {
    hash ^= maze[cell] === MazeCell.wall ? 1 : 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 2 === 0 ? 'train' : 'test';
}

/**
 * The reference recipe (Lehnert et al. 2024, as used by HRM/TRM): 30x30 (or `side` x `side`, bands scaled), 30-50% of cells walls
 * at random, no border wall, start and goal on open cells, shortest path by BFS (= A* on a unit
 * grid). Here the goal is drawn among the open cells whose distance from the start falls in the
 * band, which finds long paths without rejecting most start/goal pairs.
 *
 * Fewer than 1% of layouts hold a path over 110 moves, so for long bands a layout is first
 * screened by a double BFS sweep (a lower bound on its diameter). `pairsPerLayout` > 1 draws
 * several start/goal pairs from each accepted layout: training uses it to make hard mazes
 * cheap; evaluation sets keep the default of one.
 */
export function createMazeGenerator(
  options: { seed?: number; band?: MazeBand; side?: number; minPathLength?: number; maxPathLength?: number; split?: 'train' | 'test'; pairsPerLayout?: number } = {},
) {
  const random = createRandom(options.seed ?? 1);
  const side = options.side ?? MAZE_SIZE;
  const cells = side * side;
  const band = mazeBandRange(options.band ?? 'hard', side);
  const min = options.minPathLength ?? band.min;
  const max = options.maxPathLength ?? band.max;
  const pairsPerLayout = options.pairsPerLayout ?? 1;
  const pending: GeneratedMaze[] = [];
  const isOpen = (layout: Uint8Array) => (cell: number) => layout[cell] !== MazeCell.wall;

  function farthest(distance: Int32Array, open: readonly number[]): number {
    let best = open[0]!;
    for (const cell of open) if (distance[cell]! > distance[best]!) best = cell;
    return best;
  }

  function fromLayout(layout: Uint8Array, open: readonly number[], split: 'train' | 'test') {
    if (min > 2 * side) {
      const sweep = mazeDistances(layout, farthest(mazeDistances(layout, open[random.int(open.length)]!, isOpen(layout)), open), isOpen(layout));
      if (sweep[farthest(sweep, open)]! < min) return;
    }
    const used = new Set<string>();
    for (let attempt = 0; attempt < 8 * pairsPerLayout && pending.length < pairsPerLayout; attempt++) {
      const start = open[random.int(open.length)]!;
      const distance = mazeDistances(layout, start, isOpen(layout));
      const goals = open.filter((cell) => distance[cell]! >= min && distance[cell]! <= max);
      if (goals.length === 0) continue;
      const goal = goals[random.int(goals.length)]!;
      if (used.has(`${start}:${goal}`)) continue;
      used.add(`${start}:${goal}`);
      const maze = layout.slice();
      maze[start] = MazeCell.start;
      maze[goal] = MazeCell.goal;
      pending.push({ maze, answer: solveMaze(maze)!, pathLength: distance[goal]!, split });
    }
  }

  return {
    next(): GeneratedMaze {
      while (pending.length === 0) {
        const density = 0.3 + 0.2 * random.next();
        const layout = new Uint8Array(cells);
        for (let cell = 0; cell < cells; cell++) layout[cell] = random.next() < density ? MazeCell.wall : MazeCell.free;
        const split = layoutSplit(layout);
        if (options.split && split !== options.split) continue;
        const open: number[] = [];
        for (let cell = 0; cell < cells; cell++) if (layout[cell] === MazeCell.free) open.push(cell);
        if (open.length < 2) continue;
        fromLayout(layout, open, split);
      }
      return pending.shift()!;
    },
  };
}

