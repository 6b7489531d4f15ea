import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { MazeCell, mazeSide, mazeVocabulary } from './maze-codec';
import { mazeDomain } from './maze-domain';
import { createMazeGenerator } from './maze-generator';
import { isValidShortestPath } from './maze-rules';
import { findCell, mazeDistances, shortestPathLength } from './maze-search';

const V = mazeVocabulary.length;

/** Every shortest S-G path's free cells, by depth-first enumeration (small mazes; undefined past `limit` paths). */
function allShortestPaths(maze: Uint8Array, limit = 20_000): number[][] | undefined {
  const side = mazeSide(maze);
  const start = findCell(maze, MazeCell.start);
  const goal = findCell(maze, MazeCell.goal);
  const toGoal = mazeDistances(maze, goal, (cell) => maze[cell] !== MazeCell.wall);
  const length = toGoal[start]!;
  const paths: number[][] = [];
  const walk = (cell: number, path: number[]): boolean => {
    if (cell === goal) return paths.push(path.slice(0, -1)) <= limit;
    for (const next of [cell - side, cell + side, cell % side > 0 ? cell - 1 : -1, cell % side < side - 1 ? cell + 1 : -1]) {
      if (next < 0 || next >= maze.length || toGoal[next] !== toGoal[cell]! - 1) continue;
      path.push(next);
      if (!walk(next, path)) return false;
      path.pop();
    }
    return true;
  };
  return walk(start, []) && length > 0 ? paths : undefined;
}

const open = (mask: Uint8Array, cell: number) => mask[cell * V + MazeCell.path] === 1 && mask[cell * V + MazeCell.free] === 1;

describe('maze candidate sets', () => {
  const mazes = Array.from({ length: 30 }, (_, index) => createMazeGenerator({ seed: 500 + index, side: 8 + (index % 4) * 2, band: 'medium', split: 'test' }).next().maze);

  it('narrowing is exact: a cell may be on the path iff some shortest path uses it, and off it iff some avoids it (checked against every shortest path)', () => {
    let checked = 0;
    for (const maze of mazes) {
      const paths = allShortestPaths(maze);
      if (!paths) continue;
      checked++;
      const mask = mazeDomain.candidates({ maze });
      expect(mazeDomain.narrow({ maze }, mask)).toBe(true);
      for (let cell = 0; cell < maze.length; cell++) {
        if (maze[cell] !== MazeCell.free) {
          expect(mask[cell * V + maze[cell]!]).toBe(1);
          continue;
        }
        expect(mask[cell * V + MazeCell.path], `cell ${cell} on`).toBe(paths.some((path) => path.includes(cell)) ? 1 : 0);
        expect(mask[cell * V + MazeCell.free], `cell ${cell} off`).toBe(paths.some((path) => !path.includes(cell)) ? 1 : 0);
      }
      // The target of a state is the same union.
      expect(Array.from(mazeDomain.target!({ maze }, mazeDomain.candidates({ maze }))!)).toEqual(Array.from(mask));
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('any choice the narrowed state allows leads on to a valid shortest path: no dead ends, whichever way each open cell is decided', () => {
    const random = createRandom(7);
    for (const maze of mazes) {
      const mask = mazeDomain.candidates({ maze });
      expect(mazeDomain.narrow({ maze }, mask)).toBe(true);
      for (let guard = 0; guard < maze.length; guard++) {
        const cells = Array.from({ length: maze.length }, (_, cell) => cell).filter((cell) => open(mask, cell));
        if (cells.length === 0) break;
        const cell = cells[random.int(cells.length)]!;
        mask[cell * V + (random.next() < 0.5 ? MazeCell.path : MazeCell.free)] = 0;
        expect(mazeDomain.narrow({ maze }, mask)).toBe(true);
      }
      const answer = mazeDomain.tokens({ maze }, mask);
      expect(isValidShortestPath(maze, answer)).toBe(true);
    }
  });

  it('a state no shortest path fits is a contradiction: a decided path cell off every shortest path, or two on one layer', () => {
    for (const maze of mazes.slice(0, 10)) {
      const narrowed = mazeDomain.candidates({ maze });
      mazeDomain.narrow({ maze }, narrowed);
      const offEvery = Array.from({ length: maze.length }, (_, cell) => cell).find((cell) => maze[cell] === MazeCell.free && narrowed[cell * V + MazeCell.path] === 0);
      if (offEvery !== undefined) {
        const mask = mazeDomain.candidates({ maze });
        mask[offEvery * V + MazeCell.free] = 0;
        expect(mazeDomain.narrow({ maze }, mask)).toBe(false);
        expect(mazeDomain.target!({ maze }, mask)).toBeNull();
      }
    }
    // Two cells the same distance from S, both decided on the path.
    const maze = Uint8Array.from('S       ' + ' '.repeat(48) + '       G', (char) => (char === 'S' ? MazeCell.start : char === 'G' ? MazeCell.goal : MazeCell.free));
    expect(shortestPathLength(maze)).toBe(14);
    const mask = mazeDomain.candidates({ maze });
    for (const cell of [1, 8]) mask[cell * V + MazeCell.free] = 0; // both one move from S
    expect(mazeDomain.narrow({ maze }, mask)).toBe(false);
    const empty = mazeDomain.candidates({ maze });
    empty[9 * V + MazeCell.free] = 0;
    empty[9 * V + MazeCell.path] = 0;
    expect(mazeDomain.narrow({ maze }, empty)).toBe(false);
  });
});
