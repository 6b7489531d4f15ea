/**
 * Input and output names of an exported supervision-step graph: the contract between the
 * exporter and every runtime, kept in one place so they cannot disagree.
 */
export const stepGraphNames = {
  tokens: 'tokens',
  /** Candidate models read this [batch, cells, vocabulary] float mask instead of tokens. */
  candidates: 'candidates',
  puzzleIdentifiers: 'puzzle_identifiers',
  y: 'y',
  z: 'z',
  reset: 'reset',
  yOut: 'y_out',
  zOut: 'z_out',
  logits: 'logits',
  qHalt: 'q_halt',
  /** Candidate models: a keep logit per candidate, [batch, cells, vocabulary]. */
  keepLogits: 'keep_logits',
} as const;
