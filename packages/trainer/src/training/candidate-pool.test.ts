import { describe, expect, it } from 'vitest';
import { createRandom } from '@trm/core';
import { CandidatePool, type CandidateRules } from './candidate-pool';
import type { TrainingDataSource } from './training-data-source';

// A 2x2 Latin square over tokens 2 and 3 (0 pad, 1 blank): rows {0,1},{2,3}, columns {0,2},{1,3}.
const V = 4;
const peers = [[1, 2], [0, 3], [3, 0], [2, 1]];
const rules: CandidateRules = {
  candidates(tokens) {
    const mask = new Uint8Array(4 * V);
    tokens.forEach((token, position) => {
      if (token === 1) mask[position * V + 2] = mask[position * V + 3] = 1;
      else mask[position * V + token] = 1;
    });
    return mask;
  },
  narrow(_tokens, mask) {
    for (let changed = true; changed; ) {
      changed = false;
      for (let position = 0; position < 4; position++) {
        const alive = [2, 3].filter((token) => mask[position * V + token]);
        if (alive.length === 0) return false;
        if (alive.length > 1) continue;
        for (const peer of peers[position]!) {
          if (mask[peer * V + alive[0]!]) {
            mask[peer * V + alive[0]!] = 0;
            changed = true;
          }
        }
      }
    }
    return true;
  },
};

/** Blank puzzles whose answer is 2 3 / 3 2, counting the examples drawn. */
function blanks(): TrainingDataSource & { drawn: number } {
  return {
    description: 'blank 2x2',
    drawn: 0,
    next() {
      this.drawn++;
      return { tokens: Int32Array.of(1, 1, 1, 1), labels: Int32Array.of(2, 3, 3, 2) };
    },
  };
}

const pool = (settings: Partial<ConstructorParameters<typeof CandidatePool>[0]> = {}) =>
  new CandidatePool({ batchSize: 2, length: 4, vocabulary: V, rules, random: createRandom(3), hintShare: 0, ...settings });
/** Keep logits that keep everything (+5) except the listed [slot, position, token] candidates (-5). */
function keep(drops: [number, number, number][]): Float32Array {
  const logits = new Float32Array(2 * 4 * V).fill(5);
  for (const [slot, position, token] of drops) logits[(slot * 4 + position) * V + token] = -5;
  return logits;
}

describe('CandidatePool', () => {
  it('draws one example per slot, then none while states run', () => {
    const data = blanks();
    const states = pool();
    states.refill(data);
    expect(data.drawn).toBe(2);
    // Drop a wrong candidate in slot 0: the rules then decide the rest, so that state ends and restarts its own example.
    states.advance(keep([[0, 0, 3]]), new Float32Array(2 * 4 * V));
    states.refill(data);
    expect(data.drawn).toBe(2);
  });

  it('targets what of the answer a state holds, weights the open candidates 8:1 and sets the answer loss on the path only', () => {
    const states = pool();
    states.refill(blanks());
    const at = (slot: number, position: number, token: number) => (slot * 4 + position) * V + token;
    // Open position 0 of slot 0: token 2 is the answer (positive), 3 is not (negative).
    expect(states.keepTarget[at(0, 0, 2)]).toBe(1);
    expect(states.keepTarget[at(0, 0, 3)]).toBe(0);
    expect(states.keepWeight[at(0, 0, 2)]! / states.keepWeight[at(0, 0, 3)]!).toBeCloseTo(8);
    expect(states.keepWeight[at(0, 0, 0)]).toBe(0);
    expect(states.cellWeight[0]).toBeGreaterThan(0);
    // The network drops the answer's token at slot 1, position 0: the rules decide a wrong square.
    const advance = states.advance(keep([[1, 0, 2]]), new Float32Array(2 * 4 * V));
    expect(advance.unsound).toBeCloseTo(0.5);
    expect(advance.eliminations).toBeCloseTo(0.5);
  });

  it('never drops a decided position, and splits a state that did not change', () => {
    const states = pool();
    states.refill(blanks());
    // Keep logits drop nothing: both states stall, so each is split by a guess, which the rules then complete.
    const advance = states.advance(keep([]), new Float32Array(2 * 4 * V));
    expect(advance.guesses).toBe(2);
    expect(advance.solved + advance.contradicted).toBe(2);
  });

  it('off the answer, a position that lost it gets an empty target, the others keep theirs, and the answer loss stops', () => {
    // Three tokens per position and rules that deduce nothing, so a state off the answer stays open.
    const W = 5;
    const loose: CandidateRules = {
      candidates: (tokens) => Uint8Array.from({ length: tokens.length * W }, (_, index) => (index % W >= 2 ? 1 : 0)),
      narrow: (_tokens, mask) => [0, 1].every((position) => mask.subarray(position * W, (position + 1) * W).some(Boolean)),
    };
    const states = new CandidatePool({ batchSize: 1, length: 2, vocabulary: W, rules: loose, random: createRandom(3), hintShare: 0 });
    const data: TrainingDataSource = { description: 'two open positions', next: () => ({ tokens: Int32Array.of(1, 1), labels: Int32Array.of(2, 4) }) };
    states.refill(data);
    const logits = new Float32Array(2 * W).fill(5);
    logits[0 * W + 2] = -5; // the answer's token at position 0
    states.advance(logits, new Float32Array(2 * W));
    states.refill(data);
    expect([...states.candidates.subarray(0, W)]).toEqual([0, 0, 0, 1, 1]);
    expect([...states.keepTarget.subarray(0, W)]).toEqual([0, 0, 0, 0, 0]);
    expect(states.keepWeight[3]).toBeGreaterThan(0);
    expect([...states.keepTarget.subarray(W, 2 * W)]).toEqual([0, 0, 0, 0, 1]);
    expect([...states.cellWeight]).toEqual([0, 0]);
  });

  it('with several valid answers the target is the union the task computes, and the answer loss only where they agree', () => {
    // Position 0 may be 2 or 3 (two completions), position 1 only 4; the label says 2, 4.
    const W = 5;
    const several: CandidateRules = {
      candidates: (tokens) => Uint8Array.from({ length: tokens.length * W }, (_, index) => (index % W >= 2 ? 1 : 0)),
      narrow: () => true,
      target: () => Uint8Array.of(0, 0, 1, 1, 0, 0, 0, 0, 0, 1),
    };
    const states = new CandidatePool({ batchSize: 1, length: 2, vocabulary: W, rules: several, random: createRandom(3), hintShare: 0 });
    states.refill({ description: 'two completions', next: () => ({ tokens: Int32Array.of(1, 1), labels: Int32Array.of(2, 4) }) });
    expect([...states.keepTarget.subarray(0, W)]).toEqual([0, 0, 1, 1, 0]);
    expect([...states.keepTarget.subarray(W)]).toEqual([0, 0, 0, 0, 1]);
    expect(states.cellWeight[0]).toBe(0);
    expect(states.cellWeight[1]).toBeGreaterThan(0);
  });
});
