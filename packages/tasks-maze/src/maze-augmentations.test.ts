import { describe, expect, it } from 'vitest';
import { applyMazeSymmetry, invertMazeSymmetry, mazeSymmetries } from './maze-augmentations';
import { createMazeGenerator } from './maze-generator';
import { isValidShortestPath } from './maze-rules';
import { formatMaze } from './maze-codec';

describe('maze symmetries', () => {
  const mazes = Array.from({ length: 5 }, (_, index) => createMazeGenerator({ seed: 40 + index, band: 'medium' }).next());

  it('map a valid shortest path to a valid shortest path of the transformed maze', () => {
    for (const { maze, answer } of mazes) {
      for (const symmetry of mazeSymmetries) {
        expect(isValidShortestPath(applyMazeSymmetry(symmetry, maze), applyMazeSymmetry(symmetry, answer))).toBe(true);
      }
    }
  });

  it('are 8 distinct transformations, each inverted exactly', () => {
    const { maze } = mazes[0]!;
    const images = new Set(mazeSymmetries.map((symmetry) => formatMaze(applyMazeSymmetry(symmetry, maze))));
    expect(images.size).toBe(8);
    for (const symmetry of mazeSymmetries) {
      expect(formatMaze(invertMazeSymmetry(symmetry, applyMazeSymmetry(symmetry, maze)))).toBe(formatMaze(maze));
    }
  });
});
