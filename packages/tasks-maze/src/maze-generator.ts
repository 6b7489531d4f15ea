import { createRandom } from '@trm/core';
import { MAZE_CELLS, MazeCell } from './maze-codec';
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

/** Path-length bands: `hard` is the reference's Maze-Hard (> 110); the others serve curricula. */
export const mazeBands = {
  short: { min: 10, max: 29 },
  medium: { min: 30, max: 60 },
  long: { min: 61, max: 110 },
  hard: { min: 111, max: 10_000 },
} as const;
export type MazeBand = keyof typeof mazeBands;

/** FNV-1a over the wall layout: decides the split, so a layout is never in both. */
export function layoutSplit(maze: ArrayLike<number>): 'train' | 'test' {
  let hash = 0x811c9dc5;
  for (let cell = 0; cell < MAZE_CELLS; cell++) {
    hash ^= maze[cell] === MazeCell.wall ? 1 : 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 2 === 0 ? 'train' : 'test';
}

/**
 * The reference recipe (Lehnert et al. 2024, as used by HRM/TRM): 30x30, 30-50% of cells walls
 * at random, no border wall, start and goal on open cells, shortest path by BFS (= A* on a unit
 * grid). Here the goal is drawn among the open cells whose distance from the start falls in the
 * band, which finds long paths without rejecting most start/goal pairs.
 */
export function createMazeGenerator(options: { seed?: number; band?: MazeBand; minPathLength?: number; maxPathLength?: number; split?: 'train' | 'test' } = {}) {
  const random = createRandom(options.seed ?? 1);
  const band = mazeBands[options.band ?? 'hard'];
  const min = options.minPathLength ?? band.min;
  const max = options.maxPathLength ?? band.max;
  return {
    next(): GeneratedMaze {
      for (;;) {
        const density = 0.3 + 0.2 * random.next();
        const maze = new Uint8Array(MAZE_CELLS);
        for (let cell = 0; cell < MAZE_CELLS; cell++) maze[cell] = random.next() < density ? MazeCell.wall : MazeCell.free;
        const split = layoutSplit(maze);
        if (options.split && split !== options.split) continue;
        const open: number[] = [];
        for (let cell = 0; cell < MAZE_CELLS; cell++) if (maze[cell] === MazeCell.free) open.push(cell);
        for (let attempt = 0; attempt < 8; attempt++) {
          const start = open[random.int(open.length)]!;
          const distance = mazeDistances(maze, start, (cell) => maze[cell] !== MazeCell.wall);
          const goals = open.filter((cell) => distance[cell]! >= min && distance[cell]! <= max);
          if (goals.length === 0) continue;
          const goal = goals[random.int(goals.length)]!;
          maze[start] = MazeCell.start;
          maze[goal] = MazeCell.goal;
          return { maze, answer: solveMaze(maze)!, pathLength: distance[goal]!, split };
        }
      }
    },
  };
}
