export { maxThreads } from './node-runtime';
export { createNodeRuntime, type NodeDevice, type NodeRuntimeSettings } from './node-runtime';
export { solve, disposeSolve } from './solve';
