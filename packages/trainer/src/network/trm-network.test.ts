import { describe, expect, it } from 'vitest';
import { tinyArchitecture } from '../testing/test-models';
import { rotaryAngles } from './trm-network';

describe('rotary positions', () => {
  const half = 4; // hiddenSize 32 over 4 heads: head size 8
  const at = (angles: Float32Array, position: number) => Array.from(angles.subarray(position * half, (position + 1) * half));

  it('1d: each angle is the position along the sequence (the prefix included) at its frequency', () => {
    const angles = rotaryAngles(tinyArchitecture({ mixer: 'attention', heads: 4 }));
    expect(angles.length).toBe(82 * half);
    expect(at(angles, 10)[0]).toBeCloseTo(10, 5);
    expect(at(angles, 10)[2]).toBeCloseTo(10 / 10000 ** 0.5, 6);
    expect(at(angles, 0)).toEqual([0, 0, 0, 0]);
  });

  it('2d: the first half of the frequencies turns with the row, the second with the column, so angle differences depend only on the offset', () => {
    const angles = rotaryAngles(tinyArchitecture({ mixer: 'attention', heads: 4, rope: '2d', grid: { height: 9, width: 9 } }));
    const cell = (row: number, column: number) => at(angles, 1 + row * 9 + column);
    expect(at(angles, 0)).toEqual([0, 0, 0, 0]);
    // Same row: row half equal; same column: column half equal.
    expect(cell(3, 1).slice(0, 2)).toEqual(cell(3, 7).slice(0, 2));
    expect(cell(2, 5).slice(2)).toEqual(cell(8, 5).slice(2));
    expect(cell(3, 1).slice(2)).not.toEqual(cell(3, 7).slice(2));
    // One row down turns the row frequencies by the same amount anywhere in the grid.
    const step = (a: number[], b: number[]) => a.map((value, index) => value - b[index]!);
    const down = step(cell(4, 2), cell(3, 2));
    const downElsewhere = step(cell(8, 6), cell(7, 6));
    for (let index = 0; index < half; index++) expect(down[index]).toBeCloseTo(downElsewhere[index]!, 5);
    expect(down[0]).toBeCloseTo(1, 6);
    expect(down[2]).toBe(0);
  });
});
