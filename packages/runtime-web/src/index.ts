export { createWebRuntime, readModelWeights, webGpuAdapterKind, type WebDevice, type WebRuntimeSettings, type LoadProgressEvent } from './web-runtime';
export { solve, disposeSolve } from './solve';
