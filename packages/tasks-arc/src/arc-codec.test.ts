import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { decodeArcGrid, encodeArcGrid } from './arc-codec';

describe('ARC canvas codec', () => {
  it('puts colours as 2-11 at the top-left, end-of-grid marks below and right, pad elsewhere', () => {
    const tokens = encodeArcGrid([
      [0, 1, 2],
      [3, 4, 9],
    ]);
    const at = (row: number, column: number) => tokens[row * 30 + column];
    expect([at(0, 0), at(0, 1), at(0, 2), at(1, 0), at(1, 1), at(1, 2)]).toEqual([2, 3, 4, 5, 6, 11]);
    expect([at(0, 3), at(1, 3)]).toEqual([1, 1]); // the column right of the grid
    expect([at(2, 0), at(2, 1), at(2, 2), at(2, 3)]).toEqual([1, 1, 1, 1]); // the row below, with the corner
    expect([at(0, 4), at(3, 0), at(29, 29)]).toEqual([0, 0, 0]);
    expect(tokens.filter((token) => token === 1)).toHaveLength(6);
  });

  it('a 30x30 grid fills the canvas with no marks; an offset moves grid and marks', () => {
    const full = Array.from({ length: 30 }, () => new Array(30).fill(7));
    expect(new Set(encodeArcGrid(full))).toEqual(new Set([9]));
    const moved = encodeArcGrid([[5]], { row: 3, column: 4 });
    expect([moved[3 * 30 + 4], moved[3 * 30 + 5], moved[4 * 30 + 4], moved[4 * 30 + 5], moved[0]]).toEqual([7, 1, 1, 1, 0]);
    expect(() => encodeArcGrid([[1, 1]], { row: 0, column: 29 })).toThrow(RangeError);
  });

  it('decodes what it encodes at every size, and refuses canvases that hold no grid', () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const height = 1 + random.int(30);
      const width = 1 + random.int(30);
      const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => random.int(10)));
      expect(decodeArcGrid(encodeArcGrid(grid))).toEqual(grid);
    }
    expect(decodeArcGrid(new Int32Array(900))).toBeNull(); // all pad
    const holed = encodeArcGrid([[1, 2], [3, 4]]);
    holed[31] = 0; // a pad inside the grid
    expect(decodeArcGrid(holed)).toBeNull();
    expect(decodeArcGrid(new Int32Array(10))).toBeNull(); // not a square canvas
    expect(decodeArcGrid(new Int32Array(31 * 31).fill(2))).toBeNull(); // over 30x30
  });
});
