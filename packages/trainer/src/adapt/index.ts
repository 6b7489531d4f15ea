// Browser-safe entry: no onnxruntime-node and no tfjs; the caller passes its onnxruntime.
export { adaptModel, type AdaptModelOptions, type AdaptedModel, type AdaptEvent, type OrtModuleLike } from './adapt-model';
export { readOnnxInitializers } from '../onnx/read-onnx';
export { parametersFromModel } from '../onnx/model-parameters';
