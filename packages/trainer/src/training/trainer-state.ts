import type { ParameterValues } from '../network/trm-parameters';

/** A trainer's whole state: what a checkpoint saves and a resumed run starts from (both engines). */
export interface TrainerState {
  step: number;
  examples: number;
  wallSeconds: number;
  parameters: ParameterValues;
  ema: ParameterValues;
  firstMoment: ParameterValues;
  secondMoment: ParameterValues;
}

/** What one optimizer step reports (both engines). */
export interface StepMetrics {
  step: number;
  examples: number;
  loss: number;
  crossEntropy: number;
  haltLoss: number;
  /** Cell accuracy over the batch at this supervision step. */
  tokenAccuracy: number;
  /** Exact accuracy of the slots that halted at this step (null when none halted). */
  haltedExactAccuracy: number | null;
  halted: number;
  /** Mean supervision steps of the slots that halted. */
  meanHaltSteps: number | null;
  /** Slots whose answer was not the label but the task's judge accepted (tasks with several valid answers). */
  acceptedOtherAnswers: number;
  learningRate: number;
  stepSeconds: number;
  /** Slots processed per second (each slot runs one supervision step per optimizer step). */
  samplesPerSecond: number;
  /** Seconds this step waited for training data before it could start (set by runTraining). */
  dataWaitSeconds?: number;
  /** Candidate models: the keep loss and what the pool's states did at this step. */
  candidates?: { keepLoss: number; eliminations: number; unsound: number; guesses: number; solved: number; contradicted: number; aged: number };
  /** CPU seconds the run has used so far, over all its resumed processes (set by runTraining). */
  cpuSeconds?: number;
}
