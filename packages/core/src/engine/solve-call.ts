import { readsCandidates } from '../contracts/manifest/architecture';
import { AbortedError } from '../contracts/errors/aborted-error';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import type { SolveResultV1 } from '../contracts/solve-options';
import type { SpecialistV1 } from '../contracts/specialist';
import type { ContinuousBatcher } from './continuous-batcher';
import { batchRequestFor, chooseAnswers, expandCopies, toResults } from './copies';
import { type ResolvedCall, searchBudget, searchDive, searchStepsPerState } from './resolve-options';
import { candidateNames, searchInput } from './search';
import { StepStream } from './step-stream';

/** Where the engine puts an input of a call: the batcher of the model at that input's grid. */
export type BatcherFor<Input> = (input: Input) => ContinuousBatcher;

/**
 * One call of the engine: its inputs, each a request of one or more slots (its copies) that
 * enter a batch together. The call feeds its inputs at the pace its slots free up, and owns
 * their cancellation: the caller's signal, or the first failure among its inputs, ends the rest
 * with one mark per batcher (not a listener per request).
 */
export class SolveCall<Input, Answer> {
  private readonly owner = {};
  private readonly used = new Set<ContinuousBatcher>();
  private readonly results: SolveResultV1<Answer>[];
  private readonly stream: StepStream<Input, Answer> | undefined;
  private failure: { error: unknown } | undefined;
  private next = 0;

  constructor(
    private readonly specialist: SpecialistV1<Input, Answer>,
    private readonly inputs: readonly Input[],
    private readonly call: ResolvedCall<Answer>,
    private readonly batcherFor: BatcherFor<Input>,
    /** Why the engine refuses more work (disposed), if it does. */
    private readonly closed: () => Error | null,
  ) {
    this.results = new Array(inputs.length);
    this.stream = call.onStep ? new StepStream(specialist, inputs, call.onStep, (error) => this.fail(error)) : undefined;
  }

  /** Batchers this call has used so far. */
  get batchers(): ReadonlySet<ContinuousBatcher> {
    return this.used;
  }

  /**
   * The search budget: the call's, else the model's default (a candidate model's steps narrow a
   * state and do not answer on their own, so it always searches; a token model searches by
   * default when its manifest says so).
   */
  private get searchSteps(): number | undefined {
    return searchBudget(this.call.options, this.specialist.model.manifest);
  }

  /** Runs every input; results keep the input order. The first failure is the call's. */
  async run(batchSize: number): Promise<SolveResultV1<Answer>[]> {
    const { signal } = this.call.options;
    const searchSteps = this.searchSteps;
    if (signal?.aborted) throw new AbortedError({ cause: signal.reason });
    if (this.call.options.keepThreshold !== undefined && !readsCandidates(this.specialist.model.manifest.architecture)) {
      throw new InvalidInputError({ field: 'options.keepThreshold', message: `applies to candidate models only; model ${this.specialist.modelId} reads tokens and drops nothing`, value: this.call.options.keepThreshold });
    }
    const { halting } = this.call.options;
    if (halting.mode === 'fixed' && halting.steps !== 1 && readsCandidates(this.specialist.model.manifest.architecture)) {
      // Its steps narrow one search state each; a step count would silently mean nothing.
      throw new InvalidInputError({ field: 'options.fixedSteps', message: `model ${this.specialist.modelId} reads candidate sets and runs one network step per search state: leave fixedSteps out and bound its work with searchSteps`, value: halting.steps });
    }
    if (this.call.options.searchSteps === 0 && readsCandidates(this.specialist.model.manifest.architecture)) {
      throw new InvalidInputError({ field: 'options.searchSteps', message: `model ${this.specialist.modelId} reads candidate sets and always searches: give a budget of at least 1, or leave searchSteps out`, value: 0 });
    }
    if (searchSteps !== undefined && !this.specialist.domain) {
      const given = this.call.options.searchSteps !== undefined;
      throw new InvalidInputError({ field: given ? 'options.searchSteps' : 'model.manifest.search.steps', message: `the ${this.specialist.task} specialist declares no candidate sets (its task has no domain), so it cannot search${given ? '' : ': its manifest asks for a search by default'}`, value: searchSteps });
    }
    if (this.call.options.dive !== undefined && searchSteps === undefined) {
      // As with keepThreshold: an option that would change nothing is a mistake to name.
      throw new InvalidInputError({ field: 'options.dive', message: `applies to a search only, and model ${this.specialist.modelId} does not search in this call: give searchSteps, or leave dive out`, value: this.call.options.dive });
    }
    // The first input is admitted against the queue bound, so a refusal leaves nothing behind;
    // the rest follow unbounded, at the pace the call's own slots free up.
    const first = this.start(this.next++, true);
    const onAbort = () => this.fail(new AbortedError({ cause: signal!.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    // Enough inputs in flight to refill every freed slot at the next step, and no more.
    const inFlight = Math.min(this.inputs.length, Math.max(1, Math.ceil((2 * batchSize) / this.call.options.copies)));
    try {
      await Promise.all([this.feed(first), ...Array.from({ length: inFlight - 1 }, () => this.feed())]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (this.failure) throw this.failure.error;
    return this.results;
  }

  private async feed(initial?: Promise<void>): Promise<void> {
    if (initial) await initial.catch((error: unknown) => this.fail(error));
    while (this.next < this.inputs.length && !this.failure) {
      try {
        await this.start(this.next++, false);
      } catch (error) {
        this.fail(error);
      }
    }
  }

  /** Submits one input's copies (throws at once when refused) and settles its result. */
  private start(index: number, bounded: boolean): Promise<void> {
    const closed = this.closed();
    if (closed) throw new AbortedError({ cause: closed });
    if (this.failure) throw new AbortedError({ cause: this.failure.error });
    const { specialist, call } = this;
    const input = this.inputs[index]!;
    const batcher = this.batcherFor(input);
    this.used.add(batcher);
    const copies = expandCopies(specialist, [input], call.options);
    const searchSteps = this.searchSteps;
    if (searchSteps !== undefined) {
      if (copies.length > 1) {
        const why = readsCandidates(specialist.model.manifest.architecture) ? 'always searches (it reads candidate sets): leave copies out' : 'searches by default (its manifest): leave copies out, or set searchSteps to 0 to solve copies without a search';
        throw new InvalidInputError({ field: 'options.copies', message: `a search solves one copy, and model ${specialist.modelId} ${why}`, value: copies.length });
      }
      // Each state the search visits is one slot, in the same batches as every other request,
      // running the steps the model fixes per state (`searchStepsPerState`), else the call's halting.
      const perState = searchStepsPerState(call.options, specialist.model.manifest);
      const fixed = perState !== undefined ? { adaptive: false, minSteps: perState, maxSteps: perState } : {};
      const base = { ...batchRequestFor(specialist, copies[0]!, call.options, { owner: this.owner }), ...fixed };
      let first = bounded;
      const run = (request: typeof base) => {
        const [sample] = batcher.submitGroup([request], { bounded: first });
        first = false;
        return sample!;
      };
      const options = { ...call.options, searchSteps, dive: searchDive(call.options, specialist.model.manifest) };
      const stream = this.stream;
      const vocabulary = specialist.model.manifest.architecture.vocabularySize;
      // Streamed: each state's steps, with its candidates (pencil marks) and the search's costs so far.
      const observe = stream && ((mask: Uint8Array, cost: { branches: number; deadEnds: number }) => {
        const progress = { candidates: candidateNames(mask, vocabulary, specialist.vocabulary), branches: cost.branches, deadEnds: cost.deadEnds };
        return (state: Parameters<NonNullable<typeof base.onStep>>[0]) => stream.update(index, copies, 0, state, progress);
      });
      return searchInput(specialist, input, options, run, (tokens) => ({ ...base, tokens }), observe).then((result) => {
        this.results[index] = result;
        const { value, answer, tokenConfidence, confidence, steps, candidates, cost } = result;
        stream?.finish(index, { value, answer, tokenConfidence, confidence, steps, done: true, ...(candidates ? { candidates } : {}), branches: cost.branches, deadEnds: cost.deadEnds });
      });
    }
    const stream = this.stream;
    const requests = copies.map((copy, at) => batchRequestFor(specialist, copy, call.options, { owner: this.owner, onStep: stream && ((state) => stream.update(index, copies, at, state)) }));
    return Promise.all(batcher.submitGroup(requests, { bounded })).then((samples) => {
      this.results[index] = toResults(specialist, chooseAnswers(specialist, [input], copies, samples))[0]!;
    });
  }

  /** The call's first failure ends the rest of it. */
  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    const reason = AbortedError.isInstance(error) ? error.cause : error;
    for (const batcher of this.used) batcher.cancel(this.owner, reason);
  }
}
