import { describe, expect, it } from 'vitest';
import { applyArcAugmentation, applyArcDihedral, invertArcAugmentation } from './arc-augmentations';
import { arcCanvasSide, arcVariantAugmentation, arcVariantName } from './arc-variants';

const grid = [
  [1, 0, 2],
  [3, 4, 0],
];

describe('ARC task variants', () => {
  it('variant 0 is the task as given; variant v turns by v mod 8 and keeps background 0', () => {
    expect(applyArcAugmentation(arcVariantAugmentation('abc', 0), grid)).toEqual(grid);
    for (let variant = 1; variant < 16; variant++) {
      const augmentation = arcVariantAugmentation('abc', variant);
      expect(augmentation.dihedral).toBe(variant % 8);
      expect(augmentation.colours[0]).toBe(0);
      expect([...augmentation.colours].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Where the turned grid has 0, the variant has 0; the rest is a bijection of colours.
      const shown = applyArcAugmentation(augmentation, grid);
      const turned = applyArcDihedral(augmentation.dihedral, grid);
      turned.forEach((row, r) => row.forEach((cell, c) => expect(shown[r]![c] === 0).toBe(cell === 0)));
      expect(invertArcAugmentation(augmentation, shown)).toEqual(grid);
    }
  });

  it('a variant depends on the task name and the variant alone', () => {
    expect(arcVariantAugmentation('abc', 3)).toEqual(arcVariantAugmentation('abc', 3));
    const names = ['abc', 'abd', '007bbfb7', '00576224'];
    const colourings = new Set(names.map((name) => arcVariantAugmentation(name, 3).colours.join('')));
    expect(colourings.size).toBe(names.length);
    expect(arcVariantName('007bbfb7', 2)).toBe('007bbfb7@2');
  });

  it('the canvas of a task holds its largest grid and the end marks, at most 30', () => {
    expect(arcCanvasSide({ train: [{ input: [[1]], output: [[1, 2, 3]] }], test: [{ input: [[1], [2]] }] })).toBe(4);
    const wide = Array.from({ length: 2 }, () => Array(30).fill(1));
    expect(arcCanvasSide({ train: [{ input: wide, output: [[1]] }], test: [{ input: [[1]] }] })).toBe(30);
  });
});
