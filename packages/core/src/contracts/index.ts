// The contracts alone: what tasks, specialists, runtimes and manifests promise each other, the
// shared solve options and results, and the errors. No engine code (`@trm/core/contracts`).
export * from './errors/index';
export {
  architectureSchema,
  checkedArchitectureSchema,
  recursionSchema,
  fullSequenceLength,
  convKernel,
  runsAnyGridSize,
  readsCandidates,
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
export type { InferenceRuntimeV1, LoadedModelV1, ModelSourceV1, RecursionStateV1, StepInputV1, StepOutputV1 } from './inference-runtime';
export type { SpecialistV1, SpecialistInput, SpecialistAnswer } from './specialist';
export {
  solveOptionsSchema,
  stepCountSchema,
  maxStepCount,
  type SolveOptionsV1,
  type SolveCallOptionsV1,
  type SolveManyOptionsV1,
  type SolveStepAnswer,
  type SolveStepEvent,
  type SolveResultV1,
} from './solve-options';
export type {
  TaskV1,
  TaskCodecV1,
  TaskOptionV1,
  TrainingDataOptionsV1,
  TaskTrainingExampleV1,
  TaskTrainingDataV1,
  TaskDataRowV1,
  TaskInput,
  TaskAnswer,
  GridShape,
  TaskFilesV1,
  TaskDomainV1,
  TaskAttemptsV1,
  TaskAdaptationV1,
  TaskSolverV1,
} from './task';
export { taskSchema, parseTaskDefinition, isCorrectAnswer, taskAccuracyMetric, tokenCorrectness } from './task-schema';
