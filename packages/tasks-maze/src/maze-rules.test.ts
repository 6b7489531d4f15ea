import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '@trm/core';
import { applyMazeSymmetry, mazeSymmetries } from './maze-augmentations';
import { MAZE_SIZE, MazeCell, parseMazeString } from './maze-codec';
import { createMazeGenerator, layoutSplit, mazeBandRange, mazeBands } from './maze-generator';
import { isValidShortestPath, mazeProblem } from './maze-rules';
import { shortestPathLength, solveMaze } from './maze-search';

/** An open 30x30 room with S at (0,0) and G at (0,3): two shortest paths exist around nothing. */
function openRoom(): Uint8Array {
  const grid = new Uint8Array(MAZE_SIZE * MAZE_SIZE).fill(MazeCell.free);
  grid[0] = MazeCell.start;
  grid[MAZE_SIZE + 1] = MazeCell.goal; // (1,1): two shortest paths, via (0,1) or via (1,0)
  return grid;
}

describe('maze verifier', () => {
  it('accepts every shortest path, not only one', () => {
    const maze = openRoom();
    const viaTop = maze.slice();
    viaTop[1] = MazeCell.path;
    const viaLeft = maze.slice();
    viaLeft[MAZE_SIZE] = MazeCell.path;
    expect(isValidShortestPath(maze, viaTop)).toBe(true);
    expect(isValidShortestPath(maze, viaLeft)).toBe(true);
  });

  it('rejects extra marks, broken paths, longer paths, marks on walls and changed cells', () => {
    const { maze, answer } = createMazeGenerator({ seed: 3, band: 'medium' }).next();
    expect(isValidShortestPath(maze, answer)).toBe(true);
    const pathCells = [...answer.keys()].filter((cell) => answer[cell] === MazeCell.path);
    const freeCell = [...maze.keys()].find((cell) => maze[cell] === MazeCell.free && answer[cell] !== MazeCell.path)!;
    const wallCell = [...maze.keys()].find((cell) => maze[cell] === MazeCell.wall)!;

    const extra = answer.slice();
    extra[freeCell] = MazeCell.path;
    expect(isValidShortestPath(maze, extra)).toBe(false);

    const broken = answer.slice();
    broken[pathCells[Math.floor(pathCells.length / 2)]!] = MazeCell.free;
    expect(isValidShortestPath(maze, broken)).toBe(false);

    const moved = broken.slice();
    moved[freeCell] = MazeCell.path; // right count, but not a connected path
    expect(isValidShortestPath(maze, moved)).toBe(false);

    const onWall = broken.slice();
    onWall[wallCell] = MazeCell.path;
    expect(isValidShortestPath(maze, onWall)).toBe(false);

    const changed = answer.slice();
    changed[wallCell] = MazeCell.free;
    expect(isValidShortestPath(maze, changed)).toBe(false);

    expect(isValidShortestPath(maze, maze)).toBe(false); // no path at all
  });

  it('names what is wrong with an unsolvable maze', () => {
    const maze = openRoom();
    maze[1] = MazeCell.wall;
    maze[MAZE_SIZE] = MazeCell.wall;
    maze[MAZE_SIZE + 1] = MazeCell.wall;
    maze[5] = MazeCell.goal;
    maze[2] = MazeCell.wall;
    maze[MAZE_SIZE + 2] = MazeCell.wall;
    expect(mazeProblem(maze)).toMatch(/cannot be reached/);
    expect(mazeProblem(openRoom().fill(MazeCell.free))).toMatch(/one S/);
  });
});

describe('maze generator', () => {
  it('keeps the reference recipe: 30-50% walls, one S and G, path length within the band', () => {
    for (const band of ['medium', 'hard'] as const) {
      const generator = createMazeGenerator({ seed: 8, band });
      for (let index = 0; index < 5; index++) {
        const { maze, pathLength } = generator.next();
        const walls = maze.filter((cell) => cell === MazeCell.wall).length / maze.length;
        expect(walls).toBeGreaterThan(0.25);
        expect(walls).toBeLessThan(0.55);
        expect(mazeProblem(maze)).toBeNull();
        expect(shortestPathLength(maze)).toBe(pathLength);
        expect(pathLength).toBeGreaterThanOrEqual(mazeBands[band].min);
        expect(pathLength).toBeLessThanOrEqual(mazeBands[band].max);
      }
    }
  });

  it('splits by wall layout and is reproducible from its seed', () => {
    const test = createMazeGenerator({ seed: 9, band: 'medium', split: 'test' });
    for (let index = 0; index < 5; index++) expect(layoutSplit(test.next().maze)).toBe('test');
    const a = createMazeGenerator({ seed: 10, band: 'medium' }).next();
    const b = createMazeGenerator({ seed: 10, band: 'medium' }).next();
    expect(Array.from(a.maze)).toEqual(Array.from(b.maze));
  });

  it('parses the reference text form', () => {
    const { maze } = createMazeGenerator({ seed: 11, band: 'medium' }).next();
    const text = Array.from(maze, (cell) => ['', '#', ' ', 'S', 'G', 'o'][cell]).join('');
    expect(Array.from(parseMazeString(text))).toEqual(Array.from(maze));
  });
});

/**
 * An independent check of a marked answer, written without the verifier's BFS over marks: a
 * shortest path has no shortcut, so walking from S each step has exactly one unvisited marked (or
 * G) neighbour, and the walk reaches G after exactly the BFS distance, using every mark.
 */
function walkCheck(maze: Uint8Array, answer: Uint8Array): boolean {
  const side = Math.sqrt(maze.length);
  for (let cell = 0; cell < maze.length; cell++) {
    if (answer[cell] === MazeCell.path ? maze[cell] !== MazeCell.free : answer[cell] !== maze[cell]) return false;
  }
  const marks = answer.filter((cell) => cell === MazeCell.path).length;
  const start = maze.indexOf(MazeCell.start);
  const goal = maze.indexOf(MazeCell.goal);
  // Plain BFS distance from S, on its own.
  const distance = new Map<number, number>([[start, 0]]);
  const queue = [start];
  const neighbours = (cell: number) =>
    [cell >= side ? cell - side : -1, cell < maze.length - side ? cell + side : -1, cell % side > 0 ? cell - 1 : -1, cell % side < side - 1 ? cell + 1 : -1].filter((next) => next >= 0);
  while (queue.length > 0) {
    const cell = queue.shift()!;
    for (const next of neighbours(cell)) if (maze[next] !== MazeCell.wall && !distance.has(next)) (distance.set(next, distance.get(cell)! + 1), queue.push(next));
  }
  const shortest = distance.get(goal);
  if (shortest === undefined || marks !== shortest - 1) return false;
  const visited = new Set([start]);
  let cell = start;
  for (let move = 0; move < shortest; move++) {
    const options = neighbours(cell).filter((next) => !visited.has(next) && (answer[next] === MazeCell.path || next === goal));
    if (options.length !== 1) return options.includes(goal) && move === shortest - 1;
    cell = options[0]!;
    visited.add(cell);
  }
  return cell === goal;
}

describe('maze verifier under random mutations', () => {
  it('agrees with an independent walk check on mutated paths of mazes of many sizes', () => {
    let invalid = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 8, max: 24 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('toggle', 'move', 'swap')), { minLength: 1, maxLength: 3 }),
        (seed, side, mutations) => {
          const { maze, answer } = createMazeGenerator({ seed, side, band: 'medium' }).next();
          const mutated = answer.slice();
          const free = [...maze.keys()].filter((cell) => maze[cell] === MazeCell.free);
          for (const [pick, kind] of mutations) {
            const cell = free[pick % free.length]!;
            if (kind === 'toggle') mutated[cell] = mutated[cell] === MazeCell.path ? MazeCell.free : MazeCell.path;
            else if (kind === 'move') {
              const marked = [...mutated.keys()].filter((index) => mutated[index] === MazeCell.path);
              if (marked.length > 0) mutated[marked[pick % marked.length]!] = MazeCell.free;
              mutated[cell] = MazeCell.path;
            } else {
              const wall = [...maze.keys()].filter((index) => maze[index] === MazeCell.wall);
              if (wall.length > 0) mutated[wall[pick % wall.length]!] = MazeCell.path;
            }
          }
          const verdict = isValidShortestPath(maze, mutated);
          if (!verdict) invalid++;
          expect(verdict).toBe(walkCheck(maze, mutated));
          // The unmutated canonical answer always passes both.
          expect(isValidShortestPath(maze, answer) && walkCheck(maze, answer)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
    expect(invalid).toBeGreaterThan(200); // most mutations break the path: the check is exercised
  });
});

describe('canonical shortest path (the training target)', () => {
  it('prefers up, then right, down, left when tracing back from G', () => {
    const room = openRoom(); // S (0,0), G (1,1): via (0,1) [up from G] or via (1,0) [left from G]
    const answer = solveMaze(room)!;
    expect(answer[1]).toBe(MazeCell.path);
    expect(answer[MAZE_SIZE]).toBe(MazeCell.free);
  });

  it('is a function of the grid: the same maze in any orientation gets the path computed in that orientation', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { maze } = createMazeGenerator({ seed, side: 12, band: 'medium' }).next();
      for (const symmetry of mazeSymmetries) {
        const turned = applyMazeSymmetry(symmetry, maze);
        const path = solveMaze(turned)!;
        expect(isValidShortestPath(turned, path)).toBe(true);
        expect(Array.from(solveMaze(Uint8Array.from(turned))!)).toEqual(Array.from(path));
      }
    }
  });
});

describe('mazes of any square side', () => {
  it('parses s lines of s cells keeping leading and trailing spaces, and s*s characters alike', () => {
    for (const side of [8, 17, 48, 64]) {
      const { maze } = createMazeGenerator({ seed: side, side, band: 'short' }).next();
      const text = Array.from(maze, (cell) => ['', '#', ' ', 'S', 'G', 'o'][cell]).join('');
      const lines = text.match(new RegExp(`.{${side}}`, 'g'))!;
      expect(Array.from(parseMazeString(lines.join('\n') + '\n'))).toEqual(Array.from(maze));
      expect(Array.from(parseMazeString(text))).toEqual(Array.from(maze));
      expect(shortestPathLength(maze)).toBeGreaterThanOrEqual(mazeBandRange('short', side).min);
    }
  });

  it('names the problem with sizes it does not take and ragged lines', () => {
    expect(() => parseMazeString('S'.padEnd(49, ' '))).toThrow(/square of 8x8 to 64x64/); // 7x7
    expect(() => parseMazeString(' '.repeat(65 * 65))).toThrow(/square of 8x8 to 64x64/);
    expect(() => parseMazeString(`${' '.repeat(10)}\n${' '.repeat(9)}\n`.repeat(5))).toThrow(/line 2 has 9 cells/);
    expect(() => parseMazeString(' '.repeat(30 * 29))).toThrow(InvalidInputError);
  });
});
