import { describe, expect, it } from 'vitest';
import { MAZE_SIZE, MazeCell, parseMazeString } from './maze-codec';
import { createMazeGenerator, layoutSplit, mazeBands } from './maze-generator';
import { isValidShortestPath, mazeProblem } from './maze-rules';
import { shortestPathLength } from './maze-search';

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
