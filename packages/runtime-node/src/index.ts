export { maxThreads } from './node-runtime';
export { createNodeRuntime, createNodeSession, readModelWeights, type NodeDevice, type NodeLoadedModel, type NodeRuntime, type NodeRuntimeSettings } from './node-runtime';
