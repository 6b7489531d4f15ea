/**
 * Candidate sets (the task's domain): per position, the tokens an answer may still put there. A
 * state is a [sequenceLength x vocabulary] mask, 1 where a token is still possible; solving only
 * ever narrows it, and a search branches on it where deduction stalls. Tasks with rules declare
 * it; core, trainer and engine use it without knowing the task.
 */
export interface TaskDomainV1<Input> {
  /** The mask of an input: givens decided, open positions holding every token an answer may use there. */
  candidates(input: Input): Uint8Array;
  /**
   * Sound deduction by the rules alone: narrows `mask` in place (never widens it) and returns
   * false when no answer fits it (a position left empty, or decided positions breaking a rule).
   */
  narrow(input: Input, mask: Uint8Array): boolean;
  /** What a network reads for a state: a decided position as its token, an open one as the task's blank. */
  tokens(input: Input, mask: Uint8Array): Int32Array;
  /**
   * The supervision target of a state: per position, the tokens that answers compatible with the
   * state put there (several valid answers are fine); null when no answer is compatible.
   */
  target?(input: Input, mask: Uint8Array): Uint8Array | null;
  /** Positions that constrain each other (a 9x9 puzzle's 27 units; a Latin square's rows and columns). */
  readonly relations?: readonly (readonly number[])[];
}
