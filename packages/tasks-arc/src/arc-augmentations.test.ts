import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { applyArcAugmentation, applyArcDihedral, arcDihedrals, invertArcAugmentation, invertArcDihedral, randomArcAugmentation, voteArcAnswers } from './arc-augmentations';
import { encodeArcGrid } from './arc-codec';

const grid = [
  [1, 2, 3],
  [4, 5, 6],
];

describe('ARC augmentations', () => {
  it('turns and mirrors as named (checked by hand)', () => {
    expect(applyArcDihedral(1, grid)).toEqual([
      [4, 1],
      [5, 2],
      [6, 3],
    ]);
    expect(applyArcDihedral(2, grid)).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ]);
    expect(applyArcDihedral(4, grid)).toEqual([
      [3, 2, 1],
      [6, 5, 4],
    ]);
    expect(applyArcDihedral(5, grid)).toEqual([
      [6, 3],
      [5, 2],
      [4, 1],
    ]);
  });

  it('the 8 symmetries of an asymmetric grid are 8 different grids, and each inverse undoes its own', () => {
    const seen = new Set(arcDihedrals.map((dihedral) => JSON.stringify(applyArcDihedral(dihedral, grid))));
    expect(seen.size).toBe(8);
    for (const dihedral of arcDihedrals) {
      expect(invertArcDihedral(dihedral, applyArcDihedral(dihedral, grid))).toEqual(grid);
      // and not another's (the inverse is specific to its symmetry)
      const other = ((dihedral + 1) % 8) as typeof dihedral;
      expect(invertArcDihedral(other, applyArcDihedral(dihedral, grid))).not.toEqual(grid);
    }
  });

  it('colour permutations keep 0 and are undone; random ones fit the canvas with translation', () => {
    const random = createRandom(8);
    const withBackground = [
      [0, 1, 2],
      [3, 0, 9],
    ];
    for (let trial = 0; trial < 100; trial++) {
      const augmentation = randomArcAugmentation(random, { translateFor: { height: 2, width: 3 } });
      expect(augmentation.colours[0]).toBe(0);
      expect([...augmentation.colours].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const shown = applyArcAugmentation(augmentation, withBackground);
      expect(shown.flat().filter((cell) => cell === 0)).toHaveLength(2);
      expect(invertArcAugmentation(augmentation, shown)).toEqual(withBackground);
      expect(() => encodeArcGrid(shown, augmentation.offset)).not.toThrow();
    }
  });

  it('votes: most votes first, ties by mean halting confidence, non-grids ignored; top two', () => {
    const a = [[1]];
    const b = [[2]];
    const c = [[3]];
    const votes = voteArcAnswers([
      { grid: b, confidence: 0.9 },
      { grid: a, confidence: 0.2 },
      { grid: a, confidence: 0.4 },
      { grid: null, confidence: 1 },
      { grid: c, confidence: 0.95 },
      { grid: b, confidence: 0.1 },
    ]);
    expect(votes.map((vote) => [vote.grid, vote.votes])).toEqual([
      [b, 2],
      [a, 2],
    ]); // b's mean confidence 0.5 beats a's 0.3; c has one vote
    expect(votes[0]!.meanConfidence).toBeCloseTo(0.5);
    expect(voteArcAnswers([{ grid: null, confidence: 1 }])).toEqual([]);
  });
});
