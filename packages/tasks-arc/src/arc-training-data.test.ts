import { describe, expect, it } from 'vitest';
import { applyArcDihedral, arcDihedrals } from './arc-augmentations';
import { decodeArcGrid } from './arc-codec';
import { createArcTrainingData } from './arc-training-data';
import type { ArcGrid } from './arc-task';

// Input A and output B (B = A mirrored, with colour 3 added): an augmented example must show both
// under one and the same symmetry and colour map.
const A = [
  [1, 0, 2],
  [0, 4, 0],
];
const B = [
  [2, 0, 1],
  [0, 4, 3],
];

/** The colour map that takes `from` to `to` cell by cell, or null when there is none. */
function colourMap(from: ArcGrid, to: ArcGrid): Map<number, number> | null {
  if (from.length !== to.length || from[0]!.length !== to[0]!.length) return null;
  const map = new Map<number, number>();
  for (let row = 0; row < from.length; row++) {
    for (let column = 0; column < from[0]!.length; column++) {
      const known = map.get(from[row]![column]!);
      if (known !== undefined && known !== to[row]![column]) return null;
      map.set(from[row]![column]!, to[row]![column]!);
    }
  }
  return map;
}

describe('ARC training data', () => {
  it('each example is one demonstration pair under one symmetry and one colour permutation keeping 0', () => {
    const data = createArcTrainingData({ tasks: [{ train: [{ input: A, output: B }], test: [{ input: A }] }], seed: 4, translate: false });
    const dihedralsSeen = new Set<number>();
    for (let index = 0; index < 64; index++) {
      const example = data.next();
      expect(example.puzzleIdentifier).toBe(1);
      const input = decodeArcGrid(example.tokens)!;
      const output = decodeArcGrid(example.labels)!;
      const matches = arcDihedrals.filter((dihedral) => {
        const inputMap = colourMap(applyArcDihedral(dihedral, A), input);
        const outputMap = colourMap(applyArcDihedral(dihedral, B), output);
        if (!inputMap || !outputMap) return false;
        // one permutation for both grids, with the background kept
        return [...outputMap].every(([from, to]) => !inputMap.has(from) || inputMap.get(from) === to) && (inputMap.get(0) ?? 0) === 0;
      });
      expect(matches.length).toBeGreaterThan(0);
      matches.forEach((dihedral) => dihedralsSeen.add(dihedral));
    }
    expect(dihedralsSeen.size).toBe(8);
  });

  it('translations move input and output by the same offset, inside the canvas; ids follow the task', () => {
    const tasks = [
      { train: [{ input: A, output: B }], test: [{ input: A }] },
      { train: [{ input: [[5]], output: [[6, 6]] }], test: [{ input: [[5]] }] },
    ];
    const data = createArcTrainingData({ tasks, seed: 9 });
    const ids = new Set<number>();
    let moved = 0;
    for (let index = 0; index < 200; index++) {
      const { tokens, labels, puzzleIdentifier } = data.next();
      ids.add(puzzleIdentifier!);
      const firstColour = (canvas: Int32Array) => canvas.findIndex((token) => token >= 2);
      const [inAt, outAt] = [firstColour(tokens), firstColour(labels)];
      // The top-left cell of a grid is always a colour token: both grids start at the one shared offset.
      expect(inAt).toBe(outAt);
      if (inAt !== 0) moved++;
    }
    expect([...ids].sort()).toEqual([1, 2]);
    expect(moved).toBeGreaterThan(100);
  });

  it('with variants: one identifier per task and variant, each example in its variant', () => {
    const tasks = [
      { train: [{ input: A, output: B }], test: [{ input: A }] },
      { train: [{ input: [[5, 1]], output: [[6, 6]] }], test: [{ input: [[5]] }] },
    ];
    const data = createArcTrainingData({ tasks, names: ['first', 'second'], seed: 3, variants: 4, translate: false });
    expect(data.puzzleNames).toEqual(['first@0', 'first@1', 'first@2', 'first@3', 'second@0', 'second@1', 'second@2', 'second@3']);
    const seen = new Set<number>();
    for (let index = 0; index < 200; index++) {
      const example = data.next();
      const id = example.puzzleIdentifier!;
      seen.add(id);
      const taskIndex = Math.floor((id - 1) / 4);
      const variant = (id - 1) % 4;
      const pair = tasks[taskIndex]!.train[0]!;
      const input = decodeArcGrid(example.tokens)!;
      // The variant's symmetry (v mod 8) with a colour bijection keeping 0; the same map on the output.
      const inputMap = colourMap(applyArcDihedral(variant as 0, pair.input), input);
      const outputMap = colourMap(applyArcDihedral(variant as 0, pair.output), decodeArcGrid(example.labels)!);
      expect(inputMap).not.toBeNull();
      expect(outputMap).not.toBeNull();
      for (const [from, to] of outputMap!) if (inputMap!.has(from)) expect(inputMap!.get(from)).toBe(to);
      if (variant === 0) expect(input).toEqual(pair.input);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a smaller canvas draws only the tasks that fit it, names every task, and shows unseen ones as 0', () => {
    const big = Array.from({ length: 12 }, () => Array(12).fill(1));
    const tasks = [
      { train: [{ input: A, output: B }], test: [{ input: A }] },
      { train: [{ input: big, output: big }], test: [{ input: big }] },
    ];
    const data = createArcTrainingData({ tasks, seed: 5, side: 8, variants: 2, unseenShare: 0.25 });
    expect(data.puzzleNames).toHaveLength(4);
    let unseen = 0;
    for (let index = 0; index < 400; index++) {
      const example = data.next();
      expect(example.tokens.length).toBe(64);
      expect(example.puzzleIdentifier!).toBeLessThanOrEqual(2); // task 2 (12x12) never drawn
      if (example.puzzleIdentifier === 0) unseen++;
    }
    expect(unseen).toBeGreaterThan(60);
    expect(unseen).toBeLessThan(140);
    expect(() => createArcTrainingData({ tasks: [tasks[1]!], seed: 1, side: 8 })).toThrow(/no task fits/);
  });
});
