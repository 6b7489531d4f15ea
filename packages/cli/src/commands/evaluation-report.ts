/** Counts of one group of puzzles (a level, a rating band, or all). */
export interface EvaluationBucket {
  count: number;
  exact: number;
  verified: number;
}

/** What `trm eval` measures on a CSV of questions and answers (printed, plotted, recorded into a manifest). */
export interface EvaluationReport {
  dataset: string;
  model: string;
  count: number;
  /** What `exactAccuracy` counts, named by the task: equal to the reference, or any answer its rules accept. */
  accuracyMetric: string;
  exactAccuracy: number;
  /** Fraction of the cells the reference answer changes (blanks to fill, path cells to mark) that the answer gets right. */
  cellAccuracy: number;
  verifiedRate: number;
  /** Answers marked verified that the independent check counts wrong (must stay 0). */
  verifiedButWrong: number;
  /** Results that abstained (a search out of budget): no answer offered as right. */
  abstained: number;
  /** Answers that are neither right nor abstentions. */
  wrong: number;
  /**
   * With --search-steps: branch points and contradictions per puzzle, network steps per puzzle
   * (median, p99), and the mean of the data's numeric `rating` (e.g. the dead ends of a
   * singles+MRV solver, to set the dead ends against).
   */
  search?: {
    meanBranches: number;
    meanDeadEnds: number;
    /** Candidate models: candidates the network dropped, and states re-split after its drops led nowhere, per puzzle. */
    meanEliminations?: number;
    meanFallbacks?: number;
    /** Share of inputs answered without any branch point (deduction alone). */
    deductionOnly: number;
    medianNetworkSteps: number;
    p99NetworkSteps: number;
    meanRating?: number;
  };
  byLevel: Record<string, EvaluationBucket & { exactAccuracy: number }>;
  byRating: Record<string, EvaluationBucket & { exactAccuracy: number }>;
  stepsHistogram: Record<string, number>;
  meanSteps: number;
  /** Share of answers the halting head stopped (q_halt > 0), and the share of those that were right. */
  haltedShare: number;
  haltedPrecision: number | null;
  /** Supervision steps per puzzle summed over augmented copies: the compute spent. */
  meanSampleSteps: number;
  puzzlesPerSecond: number;
  seconds: number;
  settings: Record<string, string | number | boolean>;
}
