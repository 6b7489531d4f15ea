export * from './errors/index';
export {
  architectureSchema,
  checkedArchitectureSchema,
  recursionSchema,
  fullSequenceLength,
  convKernel,
  runsAnyGridSize,
  withGrid,
  hasGrid,
  type Architecture,
  type Recursion,
} from './manifest/architecture';
export {
  modelManifestSchema,
  weightFileSchema,
  measuredMetricSchema,
  trainingRecordSchema,
  parseModelManifest,
  type ModelManifest,
  type WeightFile,
  type MeasuredMetric,
  type TrainingRecord,
} from './manifest/model-manifest';
export type {
  InferenceRuntimeV1,
  LoadedModelV1,
  ModelSourceV1,
  RecursionStateV1,
  StepInputV1,
  StepOutputV1,
} from './runtime/inference-runtime';
export { haltingSchema, defaultHalting, type Halting, type HaltingInput } from './recursion/halting';
export {
  iterateRecursion,
  runRecursion,
  type RecursionRequest,
  type RecursionStepEvent,
  type SampleState,
} from './recursion/run-recursion';
export type { SpecialistV1, SpecialistInput, SpecialistAnswer } from './specialist/specialist';
export { createSolver, type Solver, type SolveOptions, type SolveManyOptions, type SolveResult, type SolveStepEvent } from './specialist/create-solver';
export { solveOptionsSchema, resolveSolveOptions, describeSolveOptions, type SolveOptionsV1, type ResolvedSolveOptions } from './specialist/solve-options';
export { checkSpecialist, checkRuntime } from './specialist/check-settings';
export { expandCopies, batchRequestFor, chooseAnswers, toResults, type SolveResultV1, type SolveCopy } from './specialist/copies';
export type { TaskV1, TaskCodecV1, TaskOptionV1, TrainingDataOptionsV1, TaskTrainingExampleV1, TaskTrainingDataV1, TaskDataRowV1, TaskInput, TaskAnswer, GridShape, TaskFilesV1, TaskAttemptsV1, TaskAdaptationV1 } from './task/task';
export { createSpecialist, packagedModelSource } from './task/create-specialist';
export { taskSchema, parseTaskDefinition, isCorrectAnswer, taskAccuracyMetric, tokenCorrectness } from './task/task-schema';
export { sha256Hex } from './util/sha256';
export { createRandom, mixSeeds, type Random } from './util/random';
export { parseWithSchema } from './util/parse-with-schema';
export { ContinuousBatcher, type BatchRequest, type ContinuousBatcherSettings } from './batching/continuous-batcher';
export { verifyWeights, continuedSlots, resetFlags, addStateNoise, carriedStateData, keepsSlots, manifestAtGrid, modelAtGrid } from './runtime/runtime-helpers';
export { stepGraphNames } from './runtime/step-graph-names';
