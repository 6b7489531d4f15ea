import { MAZE_CELLS, MAZE_SIZE, MazeCell } from './maze-codec';

/**
 * Breadth-first distances (4-neighbour moves) from `from` over cells that `passable` allows.
 * -1 for unreachable. On a unit-cost grid BFS gives the same distances as A*.
 */
export function mazeDistances(grid: ArrayLike<number>, from: number, passable: (cell: number) => boolean): Int32Array {
  const distance = new Int32Array(MAZE_CELLS).fill(-1);
  const queue = new Int32Array(MAZE_CELLS);
  let head = 0;
  let tail = 0;
  distance[from] = 0;
  queue[tail++] = from;
  // Inlined neighbours: the generator runs this thousands of times per hard maze.
  while (head < tail) {
    const cell = queue[head++]!;
    const next = distance[cell]! + 1;
    const column = cell % MAZE_SIZE;
    if (cell >= MAZE_SIZE && distance[cell - MAZE_SIZE] === -1 && passable(cell - MAZE_SIZE)) {
      distance[cell - MAZE_SIZE] = next;
      queue[tail++] = cell - MAZE_SIZE;
    }
    if (cell < MAZE_CELLS - MAZE_SIZE && distance[cell + MAZE_SIZE] === -1 && passable(cell + MAZE_SIZE)) {
      distance[cell + MAZE_SIZE] = next;
      queue[tail++] = cell + MAZE_SIZE;
    }
    if (column > 0 && distance[cell - 1] === -1 && passable(cell - 1)) {
      distance[cell - 1] = next;
      queue[tail++] = cell - 1;
    }
    if (column < MAZE_SIZE - 1 && distance[cell + 1] === -1 && passable(cell + 1)) {
      distance[cell + 1] = next;
      queue[tail++] = cell + 1;
    }
  }
  return distance;
}

export function findCell(grid: ArrayLike<number>, code: number): number {
  for (let cell = 0; cell < grid.length; cell++) if (grid[cell] === code) return cell;
  return -1;
}

/** Shortest path length in moves from S to G (-1 when G is unreachable). */
export function shortestPathLength(grid: ArrayLike<number>): number {
  const start = findCell(grid, MazeCell.start);
  const goal = findCell(grid, MazeCell.goal);
  if (start < 0 || goal < 0) return -1;
  return mazeDistances(grid, start, (cell) => grid[cell] !== MazeCell.wall)[goal]!;
}

/** One shortest path as the answer grid (path cells marked `o`), or null when there is none. */
export function solveMaze(grid: ArrayLike<number>): Uint8Array | null {
  const start = findCell(grid, MazeCell.start);
  const goal = findCell(grid, MazeCell.goal);
  if (start < 0 || goal < 0) return null;
  const fromGoal = mazeDistances(grid, goal, (cell) => grid[cell] !== MazeCell.wall);
  if (fromGoal[start] === -1) return null;
  const answer = Uint8Array.from(grid as ArrayLike<number>);
  let cell = start;
  while (cell !== goal) {
    const row = Math.floor(cell / MAZE_SIZE);
    const column = cell % MAZE_SIZE;
    const candidates = [row > 0 ? cell - MAZE_SIZE : -1, row < MAZE_SIZE - 1 ? cell + MAZE_SIZE : -1, column > 0 ? cell - 1 : -1, column < MAZE_SIZE - 1 ? cell + 1 : -1];
    cell = candidates.find((next) => next >= 0 && fromGoal[next] === fromGoal[cell]! - 1)!;
    if (cell !== goal) answer[cell] = MazeCell.path;
  }
  return answer;
}
