export { createNodeRuntime, type NodeDevice, type NodeRuntimeSettings } from './node-runtime';
