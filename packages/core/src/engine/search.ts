import type { SolveResultV1 } from '../contracts/solve-options';
import type { SpecialistV1 } from '../contracts/specialist';
import type { BatchRequest } from './continuous-batcher';
import type { ResolvedSolveOptions } from './resolve-options';
import type { SampleState } from './sample-tracker';
import { candidateCount, dropUnkept } from './candidate-mask';

/** Runs one state through the network (a slot of the continuous batcher, shared with every other request). */
export type RunState = (request: BatchRequest) => Promise<SampleState>;

/**
 * Solves one input on the task's candidate sets: the network proposes an answer for the current
 * state (its decided positions as givens); if the rules accept it, that is the answer. Otherwise
 * the state is narrowed by the rules and split on an open position with the fewest candidates
 * (ties: where the network is surest), each candidate a branch, the network's likeliest first;
 * depth first, a contradiction closing its branch. Every answer returned as verified passed the
 * task's check; when `searchSteps` network steps are spent first, the result abstains.
 *
 * With `dive`, a state's likeliest child keeps the scores of the network step above it instead of
 * running one: the search follows those scores down, narrowed by the rules at every level, and
 * the network runs again only on a state reached after a dead end (a sibling tried next), so it
 * runs at most once more than the dead ends met. Where the rules never dead-end, one network
 * step orders the whole descent.
 */
export async function searchInput<Input, Answer>(
  specialist: SpecialistV1<Input, Answer>,
  input: Input,
  options: ResolvedSolveOptions & { readonly searchSteps: number; readonly dive?: boolean },
  run: RunState,
  request: (tokens: Int32Array) => BatchRequest,
  /** Streaming: a listener for the steps of the state about to run (its mask and the costs so far). */
  observe?: (mask: Uint8Array, cost: { readonly branches: number; readonly deadEnds: number }) => BatchRequest['onStep'],
): Promise<SolveResultV1<Answer>> {
  const domain = specialist.domain!;
  const { vocabularySize: vocabulary, input: reads } = specialist.model.manifest.architecture;
  const cost = { sampleSteps: 0, branches: 0, deadEnds: 0, nodes: 0, eliminations: 0, fallbacks: 0 };
  const verifies = (value: Answer) => specialist.verify(input, value);
  // A fallback is a state whose network eliminations led nowhere: it is split without them, on the
  // network's order from its first visit (no second step), so a wrong drop costs search, never an
  // answer. Below a fallback the network drops nothing more: a drop it keeps repeating would
  // otherwise send the search through the same dead subtree at every level.
  // `scoredBy`: a diving state, ordered by that network step's scores instead of a step of its own.
  const stack: { mask: Uint8Array; fallback?: { sample: SampleState; narrowest: number[] }; noDrops?: boolean; scoredBy?: SampleState }[] = [{ mask: domain.candidates(input) }];
  let last: { sample: SampleState; value: Answer } | undefined;
  let frontier: Uint8Array | undefined;
  while (stack.length > 0) {
    const { mask, fallback, noDrops = false, scoredBy } = stack.pop()!;
    if (fallback) {
      cost.fallbacks++;
      branch(mask, fallback.sample, fallback.narrowest, true);
      continue;
    }
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
    if (scoredBy) {
      // Diving: streamed as the scoring step's answer with this state's candidates; the stream
      // sends one event per microtask, so the dive yields once per state to be seen narrowing.
      if (observe) {
        observe(mask, cost)?.(scoredBy);
        await Promise.resolve();
      }
      branch(mask, scoredBy, narrowest, noDrops);
      continue;
    }
    if (cost.sampleSteps >= options.searchSteps) {
      frontier = mask;
      break;
    }
    const sample = await run({ ...request(domain.tokens(input, mask)), ...(reads === 'candidates' ? { candidates: mask } : {}), keepProbabilities: true, onStep: observe?.(mask, cost) });
    cost.sampleSteps += sample.steps;
    cost.nodes++;
    const value = specialist.decode(sample.tokens, input);
    last = { sample, value };
    if (verifies(value)) return result(specialist, value, cost, sample);
    // A candidate model narrows the state itself: the candidates it would not keep are dropped.
    const narrowed = sample.keepLogits && !noDrops ? keptCandidates(mask, sample.keepLogits, vocabulary, options.keepThreshold ?? specialist.model.manifest.search?.keepThreshold ?? 0.1) : undefined;
    if (narrowed) {
      cost.eliminations += narrowed.dropped;
      stack.push({ mask, fallback: { sample, narrowest } }, { mask: narrowed.mask, ...(options.dive ? { scoredBy: sample } : {}) });
      continue;
    }
    branch(mask, sample, narrowest, noDrops);
  }

  /** Splits a narrowed state where the fewest candidates remain (ties: where `scored`'s network is surest), likeliest first. */
  function branch(mask: Uint8Array, scored: SampleState, narrowest: readonly number[], noDrops: boolean) {
    const probabilities = scored.probabilities!;
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
    // Pushed least likely first, so the likeliest is tried first (diving, on the same scores).
    tokens.forEach((token, at) => {
      const child = mask.slice();
      child.fill(0, position * vocabulary, (position + 1) * vocabulary);
      child[position * vocabulary + token] = 1;
      stack.push({ mask: child, noDrops, ...(options.dive && at === tokens.length - 1 ? { scoredBy: scored } : {}) });
    });
  }
  // Out of budget, or every branch closed (an input with no answer): abstain. What is left is
  // the union of the open branches (explored ones closed by the rules), so it holds every answer.
  const open = frontier ? [frontier, ...stack.map((entry) => entry.mask)] : stack.map((entry) => entry.mask);
  const remaining = open.length > 0 ? new Uint8Array(open[0]!.length) : domain.candidates(input);
  for (const mask of open) for (let index = 0; index < mask.length; index++) remaining[index] = remaining[index]! | mask[index]!;
  const candidates = candidateNames(remaining, vocabulary, specialist.vocabulary);
  const guess = last ?? { sample: undefined, value: specialist.decode(domain.tokens(input, remaining), input) };
  return { ...result(specialist, guess.value, cost, guess.sample ?? { steps: 0, confidence: 0, halted: false, converged: false, tokenConfidence: new Float32Array(0) }, false), abstained: true, candidates };
}

/**
 * The state without the candidates whose keep probability is under `threshold` (decided positions
 * stay as they are); undefined when the network keeps every candidate.
 */
function keptCandidates(mask: Uint8Array, keepLogits: Float32Array, vocabulary: number, threshold: number): { mask: Uint8Array; dropped: number } | undefined {
  const kept = mask.slice();
  const dropped = dropUnkept(kept, keepLogits, vocabulary, threshold);
  return dropped > 0 ? { mask: kept, dropped } : undefined;
}

/** Per position, the names of the tokens a mask allows, joined (pencil marks: "379"). */
export function candidateNames(mask: Uint8Array, vocabulary: number, names: readonly string[] | undefined): string[] {
  return Array.from({ length: mask.length / vocabulary }, (_, at) => candidatesAt(mask, at, vocabulary).map((token) => names?.[token] ?? String(token)).join(''));
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
    const candidates = candidateCount(mask, position, vocabulary);
    if (candidates <= 1 || candidates > fewest) continue;
    if (candidates < fewest) [fewest, positions] = [candidates, []];
    positions.push(position);
  }
  return positions;
}

function result<Input, Answer>(
  specialist: SpecialistV1<Input, Answer>,
  value: Answer,
  cost: { sampleSteps: number; branches: number; deadEnds: number; nodes: number; eliminations: number; fallbacks: number },
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
    cost: {
      copies: 1,
      verifiedCopies: verified ? 1 : 0,
      sampleSteps: cost.sampleSteps,
      branches: cost.branches,
      deadEnds: cost.deadEnds,
      nodes: cost.nodes,
      ...(cost.eliminations > 0 || cost.fallbacks > 0 ? { eliminations: cost.eliminations, fallbacks: cost.fallbacks } : {}),
    },
  };
}

