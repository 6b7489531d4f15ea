import type { TaskDomainV1 } from '@trm/core';
import { SUDOKU_BLANK } from './sudoku-codec';
import type { SudokuPuzzle } from './sudoku-input';
import { BIT_COUNT as bitCount } from './sudoku-solver';

/** Vocabulary size: pad, blank, digits 1-9 (digit d is token d + 1). */
const V = 11;
const ALL = 0x1ff;

/** The 27 units (rows, columns, boxes) as cell lists, and each cell's 20 peers. */
export const sudokuUnits: readonly (readonly number[])[] = (() => {
  const units: number[][] = [];
  for (let index = 0; index < 9; index++) {
    units.push(Array.from({ length: 9 }, (_, k) => index * 9 + k));
    units.push(Array.from({ length: 9 }, (_, k) => k * 9 + index));
    const top = Math.floor(index / 3) * 3;
    const left = (index % 3) * 3;
    units.push(Array.from({ length: 9 }, (_, k) => (top + Math.floor(k / 3)) * 9 + left + (k % 3)));
  }
  return units;
})();
const peers: readonly Int32Array[] = Array.from({ length: 81 }, (_, cell) => {
  const set = new Set<number>();
  for (const unit of sudokuUnits) if (unit.includes(cell)) for (const other of unit) if (other !== cell) set.add(other);
  return Int32Array.from(set);
});

/** Per cell, a 9-bit set of digits (bit d-1 = digit d) from a [81 x 11] mask. */
function toBits(mask: Uint8Array): Uint16Array {
  const bits = new Uint16Array(81);
  for (let cell = 0; cell < 81; cell++) {
    let set = 0;
    for (let digit = 1; digit <= 9; digit++) if (mask[cell * V + digit + 1]) set |= 1 << (digit - 1);
    bits[cell] = set;
  }
  return bits;
}

function writeBits(bits: Uint16Array, mask: Uint8Array): void {
  mask.fill(0);
  for (let cell = 0; cell < 81; cell++) for (let digit = 1; digit <= 9; digit++) if (bits[cell]! & (1 << (digit - 1))) mask[cell * V + digit + 1] = 1;
}

/**
 * Sound elimination to a fixed point: a decided cell's digit leaves its peers, and a digit with
 * one place left in a unit goes there (singles). False on a contradiction (a cell without
 * candidates, a unit where a digit has no place, two peers decided alike).
 */
export function narrowBits(bits: Uint16Array): boolean {
  let changed = true;
  while (changed) {
    changed = false;
    for (let cell = 0; cell < 81; cell++) {
      const set = bits[cell]!;
      if (set === 0) return false;
      if (bitCount[set] !== 1) continue;
      for (const peer of peers[cell]!) {
        const before = bits[peer]!;
        if (!(before & set)) continue;
        const after = before & ~set;
        if (after === 0) return false;
        bits[peer] = after;
        changed = true;
      }
    }
    for (const unit of sudokuUnits) {
      for (let digit = 0; digit < 9; digit++) {
        const bit = 1 << digit;
        let place = -1;
        let count = 0;
        for (const cell of unit) {
          if (bits[cell]! & bit) {
            place = cell;
            if (++count > 1) break;
          }
        }
        if (count === 0) return false;
        if (count === 1 && bits[place] !== bit) {
          bits[place] = bit;
          changed = true;
        }
      }
    }
  }
  return true;
}

/** Up to `limit` solutions compatible with the candidate bits (most constrained cell first). */
function solutionsOf(bits: Uint16Array, limit: number, found: Uint16Array[] = []): Uint16Array[] {
  if (found.length >= limit || !narrowBits(bits)) return found;
  let best = -1;
  for (let cell = 0; cell < 81; cell++) if (bitCount[bits[cell]!]! > 1 && (best < 0 || bitCount[bits[cell]!]! < bitCount[bits[best]!]!)) best = cell;
  if (best < 0) {
    found.push(bits);
    return found;
  }
  for (let digit = 0; digit < 9 && found.length < limit; digit++) {
    if (!(bits[best]! & (1 << digit))) continue;
    const child = bits.slice();
    child[best] = 1 << digit;
    solutionsOf(child, limit, found);
  }
  return found;
}

/** The sudoku's candidate sets: digits per cell, narrowed by the rules; targets from the solutions a state still allows. */
export const sudokuDomain: TaskDomainV1<SudokuPuzzle> = {
  candidates(input) {
    const mask = new Uint8Array(81 * V);
    for (let cell = 0; cell < 81; cell++) {
      const given = input.givens[cell]!;
      for (let digit = 1; digit <= 9; digit++) if (given === 0 || given === digit) mask[cell * V + digit + 1] = 1;
    }
    return mask;
  },
  narrow(_input, mask) {
    const bits = toBits(mask);
    const consistent = narrowBits(bits);
    if (consistent) writeBits(bits, mask);
    return consistent;
  },
  tokens(_input, mask) {
    const tokens = new Int32Array(81).fill(SUDOKU_BLANK);
    for (let cell = 0; cell < 81; cell++) {
      let only = -1;
      for (let token = 2; token < V; token++) {
        if (!mask[cell * V + token]) continue;
        only = only === -1 ? token : -2;
      }
      if (only >= 0) tokens[cell] = only;
    }
    return tokens;
  },
  target(_input, mask) {
    // Puzzles with one solution give it; several (up to 16 looked at) give their union per cell.
    const solutions = solutionsOf(toBits(mask), 16);
    if (solutions.length === 0) return null;
    const union = new Uint16Array(81);
    for (const solution of solutions) for (let cell = 0; cell < 81; cell++) union[cell] = union[cell]! | solution[cell]!;
    const target = new Uint8Array(81 * V);
    writeBits(union, target);
    return target;
  },
  relations: sudokuUnits,
};
