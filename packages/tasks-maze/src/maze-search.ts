import { MazeCell, mazeSide } from './maze-codec';

/**
 * Breadth-first distances (4-neighbour moves) from `from` over cells that `passable` allows, on
 * the square grid of `grid`. -1 for unreachable. On a unit-cost grid BFS gives A*'s distances.
 */
export function mazeDistances(grid: ArrayLike<number>, from: number, passable: (cell: number) => boolean): Int32Array {
  const side = mazeSide(grid);
  const cells = grid.length;
  const distance = new Int32Array(cells).fill(-1);
  const queue = new Int32Array(cells);
  let head = 0;
  let tail = 0;
  distance[from] = 0;
  queue[tail++] = from;
  // Inlined neighbours: the generator runs this thousands of times per hard maze.
  while (head < tail) {
    const cell = queue[head++]!;
    const next = distance[cell]! + 1;
    const column = cell % side;
    if (cell >= side && distance[cell - side] === -1 && passable(cell - side)) {
      distance[cell - side] = next;
      queue[tail++] = cell - side;
    }
    if (cell < cells - side && distance[cell + side] === -1 && passable(cell + side)) {
      distance[cell + side] = next;
      queue[tail++] = cell + side;
    }
    if (column > 0 && distance[cell - 1] === -1 && passable(cell - 1)) {
      distance[cell - 1] = next;
      queue[tail++] = cell - 1;
    }
    if (column < side - 1 && distance[cell + 1] === -1 && passable(cell + 1)) {
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

/**
 * The cells of the canonical shortest path, from G's neighbour to S's (S and G left out), or null
 * when G cannot be reached: traced back from G, each move to the neighbour one step closer to S,
 * preferring up, then right, down, left.
 */
export function canonicalPathCells(grid: ArrayLike<number>): number[] | null {
  const side = mazeSide(grid);
  const start = findCell(grid, MazeCell.start);
  const goal = findCell(grid, MazeCell.goal);
  if (start < 0 || goal < 0) return null;
  const fromStart = mazeDistances(grid, start, (cell) => grid[cell] !== MazeCell.wall);
  if (fromStart[goal] === -1) return null;
  const cells: number[] = [];
  let cell = goal;
  while (cell !== start) {
    const row = Math.floor(cell / side);
    const column = cell % side;
    const candidates = [row > 0 ? cell - side : -1, column < side - 1 ? cell + 1 : -1, row < side - 1 ? cell + side : -1, column > 0 ? cell - 1 : -1];
    cell = candidates.find((next) => next >= 0 && fromStart[next] === fromStart[cell]! - 1)!;
    if (cell !== start) cells.push(cell);
  }
  return cells;
}

/**
 * The canonical shortest path as the answer grid (path cells marked `o`), or null when there is
 * none (see `canonicalPathCells`). It is a function of the grid as given, so a training target
 * recomputed after each augmentation never contradicts another (an arbitrary path of several would).
 */
export function solveMaze(grid: ArrayLike<number>): Uint8Array | null {
  const cells = canonicalPathCells(grid);
  if (!cells) return null;
  const answer = Uint8Array.from(grid as ArrayLike<number>);
  for (const cell of cells) answer[cell] = MazeCell.path;
  return answer;
}
