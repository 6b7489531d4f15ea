import type { SolveStepAnswer, SolveStepEvent } from '../contracts/solve-options';
import type { SpecialistV1 } from '../contracts/specialist';
import { type SolveCopy, chooseAnswers } from './copies';
import type { SampleState } from './sample-tracker';

/**
 * A call's `onStep`, fed by the batcher sample by sample: the samples of one step arrive
 * together, so one event per step of each batch the call runs in is sent once they have all
 * reported (a microtask later).
 */
export class StepStream<Input, Answer> {
  private step = 0;
  private flushing = false;
  private readonly states: Map<number, { copies: SolveCopy<Input, Answer>[]; samples: SampleState[] }> = new Map();
  private readonly answers: (SolveStepAnswer<Answer> | undefined)[];
  private readonly changed = new Set<number>();
  /** A search's progress per input (its state's candidates, branches, dead ends), and its results once done. */
  private readonly searches = new Map<number, Pick<SolveStepAnswer<Answer>, 'candidates' | 'branches' | 'deadEnds'>>();
  private readonly finished = new Map<number, SolveStepAnswer<Answer>>();

  constructor(
    private readonly specialist: SpecialistV1<Input, Answer>,
    private readonly inputs: readonly Input[],
    private readonly listener: (event: SolveStepEvent<Answer>) => void,
    /** Where a throwing listener (or a task's decode, verify or format under it) goes: the call fails, the process does not. */
    private readonly onError: (error: unknown) => void,
  ) {
    this.answers = new Array(inputs.length).fill(undefined);
  }

  /** Records one copy's state after a step (with a search: the state searched, never done until `finish`). */
  update(index: number, copies: SolveCopy<Input, Answer>[], copy: number, state: SampleState, search?: Pick<SolveStepAnswer<Answer>, 'candidates' | 'branches' | 'deadEnds'>): void {
    let entry = this.states.get(index);
    if (!entry) this.states.set(index, (entry = { copies, samples: new Array(copies.length) }));
    entry.samples[copy] = search ? { ...state, done: false } : state;
    if (search) this.searches.set(index, search);
    this.changed.add(index);
    this.schedule();
  }

  /** A search's result: its input's last event is this answer, done. */
  finish(index: number, answer: SolveStepAnswer<Answer>): void {
    this.finished.set(index, answer);
    this.changed.add(index);
    this.schedule();
  }

  private schedule(): void {
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => {
        try {
          this.flush();
        } catch (error) {
          this.onError(error);
        }
      });
    }
  }

  private flush(): void {
    this.flushing = false;
    this.step++;
    for (const index of this.changed) {
      const finished = this.finished.get(index);
      if (finished) {
        this.answers[index] = finished;
        continue;
      }
      const { copies, samples } = this.states.get(index)!;
      const reported = copies.flatMap((copy, at) => (samples[at] ? [{ copy, sample: samples[at] }] : []));
      const [choice] = chooseAnswers(this.specialist, [this.inputs[index]!], reported.map((entry) => entry.copy), reported.map((entry) => entry.sample));
      const { chosen } = choice!;
      const done = reported.length === copies.length && reported.every((entry) => entry.sample.done);
      this.answers[index] = { value: chosen.value, answer: chosen.answer, tokenConfidence: chosen.sample.tokenConfidence, confidence: chosen.sample.confidence, steps: chosen.sample.steps, done, ...this.searches.get(index) };
    }
    this.changed.clear();
    this.listener({ step: this.step, answers: this.answers.slice() });
  }
}
