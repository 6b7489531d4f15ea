export type { TensorOps } from './network/tensor-ops';
export { createTrmNetwork, type TrmNetwork } from './network/trm-network';
export { trmParameterSpecs, initializeParameters, parameterCount, type ParameterSpec, type ParameterValues } from './network/trm-parameters';
export { initializeTfjsBackend, type TfjsBackendName } from './tfjs/tfjs-backend';
export { createTfjsOps } from './tfjs/tfjs-ops';
export {
  TfjsTrmTrainer,
  defaultOptimizerSettings,
  type OptimizerSettings,
  type StepMetrics,
  type TrainerState,
  type TrainingDataSource,
  type TrainingExample,
} from './training/train-trm';
export { runTraining, type TrainingEvent, type TrainingRunOptions, type TrmTrainer, type TrainingEngine } from './training/run-training';
export { saveCheckpoint, loadCheckpoint, type CheckpointHeader } from './training/checkpoint';
export { exportStepToOnnx, stepGraphNames } from './onnx/export-onnx';
export { OnnxGraphBuilder, OnnxType } from './onnx/onnx-graph';
export { OrtTrmTrainer, type OrtTrainerOptions, type DepthStage, progressiveDepthStages, recursionAtStep } from './training/ort-trainer';
export { buildTrainingGraph, trainingGraphNames } from './autodiff/training-graph';
export { createWorkerTrainingData, type WorkerTrainingData, type WorkerTrainingDataOptions } from './training/worker-training-data';
export { exportModel, depthTrainedAt } from './export/export-model';
export { adaptModel, parametersFromModel, readOnnxInitializers, type AdaptModelOptions, type AdaptedModel, type AdaptEvent, type OrtModuleLike } from './adapt/index';
