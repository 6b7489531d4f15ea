export { createWebRuntime, readModelWeights, webGpuAdapterKind, type WebDevice, type WebLoadedModel, type WebRuntime, type WebRuntimeSettings, type LoadProgressEvent } from './web-runtime';
