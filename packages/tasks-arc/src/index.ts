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
export { arcCanvasSide, arcVariantAugmentation, arcVariantName } from './arc-variants';
export { readArcTasks, type NamedArcTask } from './arc-files';
export { arcTask, arcModelUrl, packagedArcModel } from './arc-task-definition';
export { arcInputSchema, parseArcPuzzle, arcPuzzleVariant, restoreArcAnswer, type ArcPuzzle, type ArcAnswer } from './arc-puzzle';
export { answerArcTask, type ArcStepEvent, type ArcTestAnswer, type AnswerArcOptions } from './arc-answer';
export { planArcAdaptation, type ArcAdaptationPlan } from './arc-adaptation';
export { createArc, arc, type ArcSpecialist } from './arc-specialist';
