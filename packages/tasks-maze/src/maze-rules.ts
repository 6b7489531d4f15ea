import { MazeCell, squareSide } from './maze-codec';
import { findCell, mazeDistances, shortestPathLength } from './maze-search';

/**
 * True when `answer` is `maze` with exactly the cells of one shortest S-G path marked `o`:
 * nothing else changed, no mark on a wall, the marks connect S to G, and there are no extra marks.
 * Any shortest path counts, not only the one a generator stored.
 */
export function isValidShortestPath(maze: ArrayLike<number>, answer: ArrayLike<number>): boolean {
  if (answer.length !== maze.length || squareSide(maze.length) < 2) return false;
  let marks = 0;
  for (let cell = 0; cell < maze.length; cell++) {
    if (answer[cell] === MazeCell.path) {
      if (maze[cell] !== MazeCell.free) return false;
      marks++;
    } else if (answer[cell] !== maze[cell]) {
      return false;
    }
  }
  const shortest = shortestPathLength(maze);
  if (shortest < 0 || marks !== shortest - 1) return false;
  const start = findCell(maze, MazeCell.start);
  const goal = findCell(maze, MazeCell.goal);
  // Walking only on marks, G must be exactly `shortest` moves away: the marks are one shortest path.
  const alongMarks = mazeDistances(answer, start, (cell) => answer[cell] === MazeCell.path || cell === goal);
  return alongMarks[goal] === shortest;
}

/** A maze the solver accepts: exactly one S and one G, and G reachable from S. */
export function mazeProblem(maze: ArrayLike<number>): string | null {
  let starts = 0;
  let goals = 0;
  for (let cell = 0; cell < maze.length; cell++) {
    if (maze[cell] === MazeCell.start) starts++;
    if (maze[cell] === MazeCell.goal) goals++;
  }
  if (starts !== 1) return `needs exactly one S, found ${starts}`;
  if (goals !== 1) return `needs exactly one G, found ${goals}`;
  if (shortestPathLength(maze) < 0) return 'G cannot be reached from S';
  return null;
}
