import { describe, expect, it } from 'vitest';
import { allDecided, candidateCount, dropUnkept } from './candidate-mask';

describe('candidate masks', () => {
  // Three positions over a vocabulary of 3: decided (token 1), open {0, 2}, open {0, 1, 2}.
  const mask = () => Uint8Array.from([0, 1, 0, 1, 0, 1, 1, 1, 1]);

  it('counts candidates per position and knows a decided state', () => {
    expect([0, 1, 2].map((position) => candidateCount(mask(), position, 3))).toEqual([1, 2, 3]);
    expect(allDecided(mask(), 3)).toBe(false);
    expect(allDecided(Uint8Array.from([0, 1, 0, 1, 0, 0]), 3)).toBe(true);
    expect(allDecided(Uint8Array.from([0, 1, 0, 0, 0, 0]), 3)).toBe(false); // an empty position is no decision
  });

  it('drops open positions’ candidates kept with probability under the threshold, never a decided one; NaN drops nothing', () => {
    const state = mask();
    const low = -5; // sigmoid(-5) = 0.0067
    const logits = [low, low, low, low, 3, NaN, low, 3, 3];
    expect(dropUnkept(state, logits, 3, 0.1)).toBe(2);
    expect(Array.from(state)).toEqual([0, 1, 0, 0, 0, 1, 0, 1, 1]);
    // At a threshold under sigmoid(-5) nothing goes.
    expect(dropUnkept(mask(), logits, 3, 0.005)).toBe(0);
  });
});
