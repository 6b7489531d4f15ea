/**
 * Input and output names of an exported supervision-step graph: the contract between the
 * exporter and every runtime, kept in one place so they cannot disagree.
 */
export const stepGraphNames = {
  tokens: 'tokens',
  puzzleIdentifiers: 'puzzle_identifiers',
  y: 'y',
  z: 'z',
  reset: 'reset',
  yOut: 'y_out',
  zOut: 'z_out',
  logits: 'logits',
  qHalt: 'q_halt',
} as const;
