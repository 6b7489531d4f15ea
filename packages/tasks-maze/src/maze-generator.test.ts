import { describe, expect, it } from 'vitest';
import { MazeCell } from './maze-codec';
import { createMazeGenerator, mazeBands } from './maze-generator';
import { canonicalPathCells, shortestPathLength } from './maze-search';
import { createMazeTrainingData } from './maze-training-data';

const walls = (maze: Uint8Array) => maze.map((cell) => (cell === MazeCell.wall ? 1 : 0)).join('');

describe('maze generator for training', () => {
  it('draws several start/goal pairs from one hard layout, every one over 110 moves', () => {
    const generator = createMazeGenerator({ seed: 8, band: 'hard', pairsPerLayout: 3 });
    const mazes = Array.from({ length: 6 }, () => generator.next());
    for (const maze of mazes) {
      expect(maze.pathLength).toBeGreaterThan(110);
      expect(shortestPathLength(maze.maze)).toBe(maze.pathLength);
    }
    // Pairs come in runs from one layout, so two consecutive mazes share their walls at least once.
    const shared = mazes.slice(1).filter((maze, index) => walls(maze.maze) === walls(mazes[index]!.maze)).length;
    expect(shared).toBeGreaterThan(0);
    // One pair per layout (evaluation sets): no two mazes share a layout.
    const single = createMazeGenerator({ seed: 8, band: 'hard' });
    const layouts = new Set(Array.from({ length: 4 }, () => walls(single.next().maze)));
    expect(layouts.size).toBe(4);
  });

  it('mixes the requested bands in the training stream', () => {
    const data = createMazeTrainingData({ seed: 3, bands: ['short', 'long'] });
    const lengths = Array.from({ length: 40 }, () => {
      const { tokens, labels } = data.next();
      expect(tokens.length).toBe(900);
      return labels.filter((token) => token === MazeCell.path).length + 1;
    });
    expect(lengths.some((length) => length <= mazeBands.short.max)).toBe(true);
    expect(lengths.some((length) => length >= mazeBands.long.min)).toBe(true);
    expect(lengths.every((length) => length <= mazeBands.short.max || (length >= mazeBands.long.min && length <= mazeBands.long.max))).toBe(true);
  });
});

describe('maze step targets', () => {
  it('reveal the canonical path from G, a growing prefix per step, ending in the whole answer', () => {
    const data = createMazeTrainingData({ seed: 4, side: 12, bands: ['medium'], revealSteps: 3 });
    for (let index = 0; index < 5; index++) {
      const { tokens, labels, stepLabels } = data.next();
      expect(stepLabels).toHaveLength(3);
      const cells = canonicalPathCells(tokens)!;
      const marked = (grid: Int32Array) => [...grid.keys()].filter((cell) => grid[cell] === MazeCell.path);
      expect(marked(labels).sort((a, b) => a - b)).toEqual([...cells].sort((a, b) => a - b));
      let previous = 0;
      stepLabels!.forEach((step, s) => {
        const shown = marked(step);
        // A prefix of the path from G: exactly its first cells, never a cell off the path.
        expect(new Set(shown)).toEqual(new Set(cells.slice(0, shown.length)));
        expect(shown.length).toBe(Math.ceil(((s + 1) * cells.length) / 4));
        expect(shown.length).toBeGreaterThanOrEqual(previous);
        previous = shown.length;
        for (let cell = 0; cell < step.length; cell++) if (step[cell] !== MazeCell.path) expect(step[cell]).toBe(tokens[cell]);
      });
    }
  });
});
