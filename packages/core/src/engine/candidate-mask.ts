// Candidate masks: [positions x vocabulary], 1 where a token is still possible at a position. The
// engine's search and the trainer's on-policy pool read and narrow them the same way.

/** Candidates still alive at one position. */
export function candidateCount(mask: Uint8Array, position: number, vocabulary: number): number {
  let total = 0;
  for (let token = 0; token < vocabulary; token++) total += mask[position * vocabulary + token]!;
  return total;
}

/** True when every position holds exactly one candidate. */
export function allDecided(mask: Uint8Array, vocabulary: number): boolean {
  for (let position = 0; position < mask.length / vocabulary; position++) if (candidateCount(mask, position, vocabulary) !== 1) return false;
  return true;
}

/**
 * Drops, in place, the candidates of open positions (two or more alive) whose keep probability
 * sigmoid(keepLogits) is under `threshold`; decided positions stay. Returns how many it dropped.
 * A non-finite logit drops nothing.
 */
export function dropUnkept(mask: Uint8Array, keepLogits: ArrayLike<number>, vocabulary: number, threshold: number): number {
  const cut = Math.log(threshold / (1 - threshold));
  let dropped = 0;
  for (let position = 0; position < mask.length / vocabulary; position++) {
    if (candidateCount(mask, position, vocabulary) < 2) continue;
    for (let token = 0; token < vocabulary; token++) {
      const index = position * vocabulary + token;
      if (!mask[index] || !(keepLogits[index]! < cut)) continue;
      mask[index] = 0;
      dropped++;
    }
  }
  return dropped;
}
