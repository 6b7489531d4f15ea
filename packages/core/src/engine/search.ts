import type { SolveResultV1 } from '../contracts/solve-options';
import type { SpecialistV1 } from '../contracts/specialist';
import type { BatchRequest } from './continuous-batcher';
import type { ResolvedSolveOptions } from './resolve-options';
import type { SampleState } from './sample-tracker';

/** Runs one state through the network (a slot of the continuous batcher, shared with every other request). */
export type RunState = (request: BatchRequest) => Promise<SampleState>;

/**
 * Solves one input on the task's candidate sets: the network proposes an answer for the current
 * state (its decided positions as givens); if the rules accept it, that is the answer. Otherwise
 * the state is narrowed by the rules and split on an open position with the fewest candidates
 * (ties: where the network is surest), each candidate a branch, the network's likeliest first;
 * depth first, a contradiction closing its branch. Every answer returned as verified passed the
 * task's check; when `searchSteps` network steps are spent first, the result abstains.
 */
export async function searchInput<Input, Answer>(
  specialist: SpecialistV1<Input, Answer>,
  input: Input,
  options: ResolvedSolveOptions & { readonly searchSteps: number },
  run: RunState,
  request: (tokens: Int32Array) => BatchRequest,
  /** Streaming: a listener for the steps of the state about to run (its mask and the costs so far). */
  observe?: (mask: Uint8Array, cost: { readonly branches: number; readonly deadEnds: number }) => BatchRequest['onStep'],
): Promise<SolveResultV1<Answer>> {
  const domain = specialist.domain!;
  const vocabulary = specialist.model.manifest.architecture.vocabularySize;
  const cost = { sampleSteps: 0, branches: 0, deadEnds: 0, nodes: 0 };
  const verifies = (value: Answer) => specialist.verify(input, value);
  const stack: Uint8Array[] = [domain.candidates(input)];
  let last: { sample: SampleState; value: Answer } | undefined;
  let frontier: Uint8Array | undefined;
  while (stack.length > 0) {
    const mask = stack.pop()!;
    if (!domain.narrow(input, mask)) {
      cost.deadEnds++;
      continue;
    }
    const narrowest = narrowestPositions(mask, vocabulary);
    if (narrowest.length === 0) {
      // Decided everywhere by the rules: the state is its own answer.
      const value = specialist.decode(domain.tokens(input, mask), input);
      if (verifies(value)) return result(specialist, value, cost, { steps: 0, confidence: 1, halted: false, converged: false, tokenConfidence: new Float32Array(0) });
      cost.deadEnds++;
      continue;
    }
    if (cost.sampleSteps >= options.searchSteps) {
      frontier = mask;
      break;
    }
    const sample = await run({ ...request(domain.tokens(input, mask)), keepProbabilities: true, onStep: observe?.(mask, cost) });
    cost.sampleSteps += sample.steps;
    cost.nodes++;
    const value = specialist.decode(sample.tokens, input);
    last = { sample, value };
    if (verifies(value)) return result(specialist, value, cost, sample);
    // Split where the fewest candidates remain; among those, where the network is surest.
    const probabilities = sample.probabilities!;
    let position = -1;
    let surest = -1;
    for (const candidate of narrowest) {
      const sure = maxProbability(mask, probabilities, candidate, vocabulary);
      if (sure > surest) {
        surest = sure;
        position = candidate;
      }
    }
    const tokens = candidatesAt(mask, position, vocabulary).sort((a, b) => probabilities[position * vocabulary + a]! - probabilities[position * vocabulary + b]!);
    cost.branches++;
    // Pushed least likely first, so the likeliest is tried first.
    for (const token of tokens) {
      const child = mask.slice();
      child.fill(0, position * vocabulary, (position + 1) * vocabulary);
      child[position * vocabulary + token] = 1;
      stack.push(child);
    }
  }
  // Out of budget, or every branch closed (an input with no answer): abstain. What is left is
  // the union of the open branches (explored ones closed by the rules), so it holds every answer.
  const open = frontier ? [frontier, ...stack] : stack;
  const remaining = open.length > 0 ? new Uint8Array(open[0]!.length) : domain.candidates(input);
  for (const mask of open) for (let index = 0; index < mask.length; index++) remaining[index] = remaining[index]! | mask[index]!;
  const candidates = candidateNames(remaining, vocabulary, specialist.vocabulary);
  const guess = last ?? { sample: undefined, value: specialist.decode(domain.tokens(input, remaining), input) };
  return { ...result(specialist, guess.value, cost, guess.sample ?? { steps: 0, confidence: 0, halted: false, converged: false, tokenConfidence: new Float32Array(0) }, false), abstained: true, candidates };
}

/** Per position, the names of the tokens a mask allows, joined (pencil marks: "379"). */
export function candidateNames(mask: Uint8Array, vocabulary: number, names: readonly string[] | undefined): string[] {
  return Array.from({ length: mask.length / vocabulary }, (_, at) => candidatesAt(mask, at, vocabulary).map((token) => names?.[token] ?? String(token)).join(''));
}

function count(mask: Uint8Array, position: number, vocabulary: number): number {
  let total = 0;
  for (let token = 0; token < vocabulary; token++) total += mask[position * vocabulary + token]!;
  return total;
}

function candidatesAt(mask: Uint8Array, position: number, vocabulary: number): number[] {
  const tokens: number[] = [];
  for (let token = 0; token < vocabulary; token++) if (mask[position * vocabulary + token]) tokens.push(token);
  return tokens;
}

function maxProbability(mask: Uint8Array, probabilities: Float32Array, position: number, vocabulary: number): number {
  let best = 0;
  for (let token = 0; token < vocabulary; token++) if (mask[position * vocabulary + token]) best = Math.max(best, probabilities[position * vocabulary + token]!);
  return best;
}

/** The open positions (more than one candidate) holding the fewest candidates; none when every position is decided. */
function narrowestPositions(mask: Uint8Array, vocabulary: number): number[] {
  let fewest = Infinity;
  let positions: number[] = [];
  for (let position = 0; position < mask.length / vocabulary; position++) {
    const candidates = count(mask, position, vocabulary);
    if (candidates <= 1 || candidates > fewest) continue;
    if (candidates < fewest) [fewest, positions] = [candidates, []];
    positions.push(position);
  }
  return positions;
}

function result<Input, Answer>(
  specialist: SpecialistV1<Input, Answer>,
  value: Answer,
  cost: { sampleSteps: number; branches: number; deadEnds: number; nodes: number },
  sample: Pick<SampleState, 'steps' | 'confidence' | 'halted' | 'converged' | 'tokenConfidence'>,
  verified = true,
): SolveResultV1<Answer> {
  return {
    task: specialist.task,
    modelId: specialist.modelId,
    answer: specialist.formatAnswer(value),
    value,
    steps: sample.steps,
    verified,
    halted: sample.halted,
    converged: sample.converged,
    confidence: sample.confidence,
    tokenConfidence: sample.tokenConfidence,
    ...(verified ? { abstained: false } : {}),
    cost: { copies: 1, verifiedCopies: verified ? 1 : 0, sampleSteps: cost.sampleSteps, branches: cost.branches, deadEnds: cost.deadEnds, nodes: cost.nodes },
  };
}

