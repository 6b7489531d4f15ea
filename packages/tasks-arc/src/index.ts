export { parseArcTask, parseArcGrid, sameArcGrid, arcMaxSide, type ArcTask, type ArcPair, type ArcGrid } from './arc-task';
export { encodeArcGrid, decodeArcGrid, arcTokens, arcVocabulary, arcSequenceLength } from './arc-codec';
export { createArcTrainingData, type ArcTrainingDataOptions } from './arc-training-data';
export {
  applyArcDihedral,
  invertArcDihedral,
  applyArcAugmentation,
  invertArcAugmentation,
  augmentArcPair,
  randomArcAugmentation,
  voteArcAnswers,
  arcDihedrals,
  identityColours,
  type ArcAugmentation,
  type ArcDihedral,
  type ArcCandidate,
  type ArcVote,
} from './arc-augmentations';
