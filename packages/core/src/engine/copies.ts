import { readsCandidates } from '../contracts/manifest/architecture';
import type { BatchRequest } from './continuous-batcher';
import type { SolveResultV1 } from '../contracts/solve-options';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import type { SampleState } from './sample-tracker';
import { createRandom, mixSeeds } from '../util/random';
import type { ResolvedSolveOptions } from './resolve-options';
import type { SpecialistV1 } from '../contracts/specialist';

export interface SolveCopy<Input, Answer> {
  /** Index of the input this is a copy of. */
  readonly original: number;
  readonly input: Input;
  readonly restore: (answer: Answer) => Answer;
  /** Std of the latent-state noise of this copy, and its seed. */
  readonly noise: number;
  readonly noiseSeed: number;
}

/**
 * The copies of each input: the first unchanged, the rest augmented (when the task can) and
 * noised. Each input's copies depend on the seed alone, never on the other inputs of the call.
 */
export function expandCopies<Input, Answer>(specialist: SpecialistV1<Input, Answer>, inputs: readonly Input[], options: ResolvedSolveOptions): SolveCopy<Input, Answer>[] {
  const { copies, noise, seed } = options;
  // With noise, copies differ by their noise alone when the task cannot augment.
  if (copies > 1 && !specialist.augment && noise === 0) {
    throw new InvalidInputError({ field: 'copies', message: `the ${specialist.task} specialist has no augmentations; add noise for restarts`, value: copies });
  }
  return inputs.flatMap((input, original) => {
    const random = createRandom(mixSeeds(seed, 0x617567));
    return Array.from({ length: copies }, (_, copy) => {
      const noiseSeed = mixSeeds(seed, copy);
      if (copy === 0 || !specialist.augment) return { original, input, restore: (answer: Answer) => answer, noise: copy === 0 ? 0 : noise, noiseSeed };
      return { original, ...specialist.augment(input, random), noise, noiseSeed };
    });
  });
}

/** Per input: a verified answer (most votes, then most confident), else the most common one. */
export function chooseAnswers<Input, Answer>(
  specialist: SpecialistV1<Input, Answer>,
  inputs: readonly Input[],
  copies: readonly SolveCopy<Input, Answer>[],
  samples: readonly SampleState[],
): { chosen: { value: Answer; answer: string; verified: boolean; sample: SampleState }; verifiedCopies: number; sampleSteps: number; copies: number }[] {
  const groups = inputs.map(() => [] as { value: Answer; answer: string; verified: boolean; sample: SampleState }[]);
  samples.forEach((sample, index) => {
    const copy = copies[index]!;
    const value = copy.restore(specialist.decode(sample.tokens, copy.input));
    groups[copy.original]!.push({ value, answer: specialist.formatAnswer(value), verified: specialist.verify(inputs[copy.original]!, value), sample });
  });
  return groups.map((group) => {
    const verified = group.filter((entry) => entry.verified);
    const pool = verified.length > 0 ? verified : group;
    const votes = new Map<string, { count: number; confidence: number }>();
    for (const entry of pool) {
      const vote = votes.get(entry.answer) ?? { count: 0, confidence: 0 };
      votes.set(entry.answer, { count: vote.count + 1, confidence: vote.confidence + entry.sample.confidence });
    }
    const score = (entry: (typeof pool)[number]) => {
      const vote = votes.get(entry.answer)!;
      return vote.count * 1e6 + vote.confidence / vote.count;
    };
    const chosen = pool.reduce((best, entry) => (score(entry) > score(best) ? entry : best));
    return { chosen, verifiedCopies: verified.length, sampleSteps: group.reduce((sum, entry) => sum + entry.sample.steps, 0), copies: group.length };
  });
}

/** The results of `chooseAnswers`, in the shared result type. */
export function toResults<Input, Answer>(specialist: SpecialistV1<Input, Answer>, choices: ReturnType<typeof chooseAnswers<Input, Answer>>): SolveResultV1<Answer>[] {
  return choices.map(({ chosen, verifiedCopies, sampleSteps, copies }) => ({
    task: specialist.task,
    modelId: specialist.modelId,
    answer: chosen.answer,
    value: chosen.value,
    steps: chosen.sample.steps,
    verified: chosen.verified,
    halted: chosen.sample.halted,
    converged: chosen.sample.converged,
    confidence: chosen.sample.confidence,
    tokenConfidence: chosen.sample.tokenConfidence,
    cost: { copies, verifiedCopies, sampleSteps },
  }));
}

/** The continuous batcher's request for one copy under the resolved options (halting, verification, noise). */
export function batchRequestFor<Input, Answer>(
  specialist: SpecialistV1<Input, Answer>,
  copy: SolveCopy<Input, Answer>,
  options: ResolvedSolveOptions,
  extra: { readonly owner?: object; readonly onStep?: BatchRequest['onStep'] } = {},
): BatchRequest {
  const { halting, verifySteps } = options;
  const adaptive = halting.mode === 'adaptive';
  return {
    tokens: specialist.encode(copy.input),
    ...(readsCandidates(specialist.model.manifest.architecture) ? { candidates: inputCandidates(specialist, copy.input) } : {}),
    puzzleIdentifier: specialist.puzzleIdentifier?.(copy.input) ?? 0,
    adaptive,
    minSteps: adaptive ? halting.minSteps : halting.steps,
    maxSteps: adaptive ? halting.maxSteps : halting.steps,
    patience: adaptive ? halting.patience : undefined,
    noise: copy.noise,
    noiseSeed: copy.noiseSeed,
    signal: extra.owner ? undefined : options.signal,
    owner: extra.owner,
    onStep: extra.onStep,
    // Verification only extends adaptive runs: a fixed step count stays exact.
    verification: verifySteps !== undefined && adaptive ? { maxSteps: verifySteps, accept: (tokens) => specialist.verify(copy.input, specialist.decode(tokens, copy.input)) } : undefined,
  };
}

/** A candidate model's first state of an input: its candidate sets, narrowed by the rules. */
function inputCandidates<Input, Answer>(specialist: SpecialistV1<Input, Answer>, input: Input): Uint8Array {
  const domain = specialist.domain;
  if (!domain) throw new InvalidInputError({ field: 'model', message: `model ${specialist.modelId} reads candidate sets, but the ${specialist.task} task declares none (no domain)`, value: specialist.modelId });
  const mask = domain.candidates(input);
  // A contradiction shows as an empty position: the network sees it, and the answer will not verify.
  domain.narrow(input, mask);
  return mask;
}
