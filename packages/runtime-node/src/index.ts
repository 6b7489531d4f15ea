export { maxThreads } from './node-runtime';
export { createNodeRuntime, readModelWeights, type NodeDevice, type NodeRuntimeSettings } from './node-runtime';
export { solve, disposeSolve } from './solve';
